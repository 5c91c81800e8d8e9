import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { App } from 'supertest/types';
import { createApp } from '../../src/app.factory';
import { type AppConfig, loadAppConfig } from '../../src/config/app-config';
import type { Environment } from '../../src/config/environment';
import { silentLogger } from '../../src/logging/root-logger';
import {
  createTestDatabase,
  type DatabaseKind,
  mysqlSkipped,
  type TestDatabase,
} from './databases';
import { TEST_JWT_SECRET } from './tokens';

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');

export interface TestApp {
  app: NestFastifyApplication;
  http: App;
  config: AppConfig;
  close(): Promise<void>;
}

export function testConfig(databaseUrl: string, env: Environment = {}): AppConfig {
  return loadAppConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'error',
    ...env,
  });
}

/** Initialises the application and waits until Fastify takes requests without a listen(). */
export async function initApp(app: NestFastifyApplication): Promise<void> {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
}

/** Boots the application exactly as main.ts does, on the given database. */
export async function startApp(databaseUrl: string, env: Environment = {}): Promise<TestApp> {
  const config = testConfig(databaseUrl, env);
  const app = await createApp(config, silentLogger());
  try {
    await initApp(app);
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, http: app.getHttpServer() as App, config, close: () => app.close() };
}

export interface DatabaseSuite {
  database: TestDatabase;
  app: TestApp;
}

/**
 * Declares the suite once per supported database (SQLite and MariaDB), each with a fresh database
 * and a running application. The MariaDB copy is skipped when the global setup found no server.
 */
export function describeEachDatabase(
  title: string,
  body: (suite: () => DatabaseSuite, kind: DatabaseKind) => void,
  env: Environment = {},
): void {
  for (const kind of ['sqlite', 'mariadb'] as const) {
    const declare = kind === 'mariadb' && mysqlSkipped() ? describe.skip : describe;
    declare(`${title} [${kind}]`, () => {
      let current: DatabaseSuite | undefined;
      beforeAll(async () => {
        const database = await createTestDatabase(kind);
        current = { database, app: await startApp(database.url, env) };
      });
      afterAll(async () => {
        await current?.app.close();
        await current?.database.drop();
      });
      body(() => {
        if (current === undefined) throw new Error('the suite did not start');
        return current;
      }, kind);
    });
  }
}

/**
 * A running application on a fresh SQLite database for the enclosing describe block, for suites
 * about the HTTP edge (auth, CORS) that behaves the same on every database. `env` may be a
 * function, read when the block starts (after servers it names are up).
 */
export function appOnSqlite(env: Environment | (() => Environment) = {}): () => TestApp {
  let database: TestDatabase | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await startApp(database.url, typeof env === 'function' ? env() : env);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });
  return () => {
    if (app === undefined) throw new Error('the application did not start');
    return app;
  };
}
