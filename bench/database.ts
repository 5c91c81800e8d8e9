import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../src/config/app-config';
import type { KeyRing } from '../src/crypto/key-ring';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/run-migrations';

export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for the servers. */
  url: string;
}

const COLUMNS = [
  'name',
  'name_key',
  'url',
  'username',
  'password',
  'is_default',
  'description',
  'insecure',
  'ca_certificate',
  'created_at',
  'updated_at',
];

/** A fresh, empty database `irs_bench_<random>` on the server at `serverUrl`. */
export async function createMysqlDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `irs_bench_${randomBytes(4).toString('hex')}`;
  const connection = await createConnection(serverUrl);
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await connection.end();
  }
  return { name, url: `${serverUrl.replace(/\/+$/, '')}/${name}` };
}

export async function dropMysqlDatabase(serverUrl: string, name: string): Promise<void> {
  const connection = await createConnection(serverUrl);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

/**
 * Opens the database with the service's own data source options (its logger aside: the benchmark
 * prints only errors) and applies the service's migrations.
 */
export async function openMigrated(config: DatabaseConfig): Promise<DataSource> {
  const options = { ...dataSourceOptions(config), logger: 'simple-console', logging: ['error'] };
  const dataSource = await new DataSource(options as DataSourceOptions).initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * Fills image_registries with registries 1..n through multi-row INSERTs. Every odd registry has a
 * username and a password encrypted with the service's KeyRing, exactly as the service stores it.
 */
export class Seeder {
  private rows = 0;
  private countRow: boolean | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keyRing: KeyRing,
  ) {}

  get count(): number {
    return this.rows;
  }

  /** Empties the table and restarts its ids at 1. */
  async truncate(): Promise<void> {
    const mysql = this.dataSource.options.type === 'mysql';
    await this.dataSource.query(
      mysql ? 'TRUNCATE TABLE image_registries' : 'DELETE FROM image_registries',
    );
    this.rows = 0;
    await this.syncCountRow();
  }

  /** Adds registries until the table holds `total` seeded ones (ids 1..total on a fresh table). */
  async seedUpTo(total: number): Promise<void> {
    // SQLite allows 999 bound parameters per statement in older builds; MySQL takes far more.
    const batchSize = this.dataSource.options.type === 'mysql' ? 1_000 : 80;
    const now = Math.floor(Date.now() / 1000);
    while (this.rows < total) {
      const first = this.rows + 1;
      const last = Math.min(total, this.rows + batchSize);
      const params: unknown[] = [];
      for (let i = first; i <= last; i += 1) params.push(...this.row(i, now));
      const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
      await this.dataSource.query(
        `INSERT INTO image_registries (${COLUMNS.join(', ')}) VALUES ${Array(last - first + 1)
          .fill(tuple)
          .join(', ')}`,
        params,
      );
      this.rows = last;
    }
    await this.syncCountRow();
  }

  /**
   * The service keeps the number of registries in a count row (once its migrations have created
   * image_registry_count) that its own inserts and deletes keep exact; bulk inserts must too.
   */
  private async syncCountRow(): Promise<void> {
    if (this.countRow === undefined) {
      const runner = this.dataSource.createQueryRunner();
      try {
        this.countRow = await runner.hasTable('image_registry_count');
      } finally {
        await runner.release();
      }
    }
    if (!this.countRow) return;
    await this.dataSource.query(
      'UPDATE image_registry_count SET total = (SELECT COUNT(*) FROM image_registries) WHERE id = 1',
    );
  }

  private row(i: number, now: number): unknown[] {
    const withPassword = i % 2 === 1;
    return [
      `registry-${i}`,
      `registry-${i}`,
      `https://registry-${i}.bench.example`,
      withPassword ? `user-${i}` : null,
      withPassword ? this.keyRing.encrypt(`password-${i}`) : null,
      null,
      `Seeded registry number ${i}`,
      0,
      null,
      now,
      now,
    ];
  }
}
