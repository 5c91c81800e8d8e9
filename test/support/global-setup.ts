import { createConnection } from 'mysql2/promise';
import { TEST_MYSQL_URL } from './databases';

/**
 * Decides once whether the MariaDB suites run. Without a reachable server they are skipped with a
 * loud line; with REQUIRE_MYSQL=1 (CI) an unreachable server fails the run instead.
 */
export default async function globalSetup(): Promise<void> {
  try {
    const connection = await createConnection({ uri: TEST_MYSQL_URL, connectTimeout: 3_000 });
    await connection.end();
    process.env.E2E_SKIP_MYSQL = '0';
  } catch (error) {
    const reason = `${TEST_MYSQL_URL} is unreachable: ${(error as Error).message}`;
    if (process.env.REQUIRE_MYSQL === '1') {
      throw new Error(`REQUIRE_MYSQL=1 but ${reason}`, { cause: error });
    }
    console.warn(
      `\n*** SKIPPING the MariaDB suites: ${reason}. ***\n*** Set TEST_MYSQL_URL to a server, or REQUIRE_MYSQL=1 to fail instead. ***\n`,
    );
    process.env.E2E_SKIP_MYSQL = '1';
  }
}
