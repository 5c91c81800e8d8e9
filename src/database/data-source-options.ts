import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { ImageRegistryEvent } from '../audit/image-registry-event.entity';
import { ImageRegistry } from '../registries/image-registry.entity';
import { MIGRATIONS } from './migrations';
import { SafeTypeOrmLogger } from './safe-typeorm.logger';

/** Answer within the 15 s the API promises even when the database host does not respond. */
const CONNECT_TIMEOUT_MS = 10_000;

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: [ImageRegistry, ImageRegistryEvent],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // A logger object gets every event; it decides itself what to print (and never parameters).
    logger: new SafeTypeOrmLogger(),
  };
  if (database.type === 'sqlite') {
    mkdirSync(dirname(database.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: database.path,
      enableWAL: true,
      timeout: 5_000,
    };
  }
  return {
    ...common,
    type: 'mysql',
    url: database.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize: database.poolSize,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // mysql2 would capture a stack trace on every query to decorate the errors of a few; that
    // capture was a tenth of the write path's CPU time.
    trace: false,
    // BIGINT columns (the timestamps, the count) as numbers while they are exact, which they are:
    // TypeORM's default sends every one through a string conversion first.
    bigNumberStrings: false,
    extra: { enableKeepAlive: true, maxIdle: database.poolSize },
  };
}
