import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/** Where the MariaDB/MySQL suites create their throwaway databases. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export type DatabaseKind = 'sqlite' | 'mariadb';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

/** Set by the global setup when no MySQL/MariaDB server answers and REQUIRE_MYSQL is not 1. */
export const mysqlSkipped = (): boolean => process.env.E2E_SKIP_MYSQL === '1';

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'image-registry-e2e-'));
    return {
      kind,
      url: `sqlite:${join(directory, 'test.sqlite')}`,
      drop: () => Promise.resolve(rmSync(directory, { recursive: true, force: true })),
    };
  }
  const name = `irs_e2e_${randomBytes(6).toString('hex')}`;
  // A binary default collation on purpose: name uniqueness must not depend on it.
  await adminQuery(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  return {
    kind,
    url: `${TEST_MYSQL_URL.replace(/\/$/, '')}/${name}`,
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

export async function adminQuery(
  sql: string,
  values: unknown[] = [],
  url = TEST_MYSQL_URL,
): Promise<unknown> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query(sql, values);
    return rows;
  } finally {
    await connection.end();
  }
}
