import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConfigurationError } from '../src/config/environment';
import { KeyRing } from '../src/crypto/key-ring';
import { MIGRATIONS } from '../src/database/migrations';
import {
  createTestDatabase,
  type DatabaseKind,
  mysqlSkipped,
  type TestDatabase,
} from './support/databases';
import { startApp, type TestApp } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');
const PASSWORDS = ['first-Pa55word-kept-secret', 'second-Pa55word-kept-secret'];

const keyId = (key: string): string => KeyRing.fromBase64(key).currentKeyId;

interface MigrationRow {
  id: number;
  timestamp: number | string;
  name: string;
}

/** Runs `test` with a fresh database of `kind`, dropped afterwards. */
async function withDatabase(
  kind: DatabaseKind,
  test: (database: TestDatabase) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase(kind);
  try {
    await test(database);
  } finally {
    await database.drop();
  }
}

/** Starts the service on `url`, runs `use` with it, and stops it again. */
async function whileRunning<T>(
  url: string,
  env: Record<string, string>,
  use: (app: TestApp) => Promise<T>,
): Promise<T> {
  const app = await startApp(url, env);
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}

async function startFailure(url: string, env: Record<string, string>): Promise<Error> {
  const started = await startApp(url, env).catch((error: Error) => error);
  if (started instanceof Error) return started;
  await started.close();
  throw new Error('the service started');
}

function query<T>(app: TestApp, sql: string): Promise<T[]> {
  return app.app.get(DataSource).query<T[]>(sql);
}

/** Creates one registry per password; returns the stored (encrypted) passwords. */
async function createRegistriesWithPasswords(app: TestApp): Promise<string[]> {
  for (const [i, password] of PASSWORDS.entries()) {
    await request(app.http)
      .post(BASE)
      .set('Authorization', bearer(WRITE))
      .send({ name: `registry-${i}`, url: `registry-${i}.example.com`, username: 'u', password })
      .expect(201);
  }
  const rows = await query<{ password: string }>(app, 'SELECT password FROM image_registries');
  return rows.map((row) => row.password);
}

async function listNames(app: TestApp): Promise<string[]> {
  const response = await request(app.http).get(BASE).set('Authorization', bearer(READ)).expect(200);
  return (response.body as { name: string }[]).map((registry) => registry.name);
}

for (const kind of ['sqlite', 'mariadb'] as const) {
  const declare = kind === 'mariadb' && mysqlSkipped() ? describe.skip : describe;

  declare(`start-up [${kind}]`, () => {
    it('starts on an empty database, creating the schema and the migration table', () =>
      withDatabase(kind, (database) =>
        whileRunning(database.url, {}, async (app) => {
          const applied = await query<MigrationRow>(app, 'SELECT name FROM schema_migrations');
          expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((m) => m.name));
          expect(await listNames(app)).toEqual([]);
        }),
      ));

    it('does not run the migrations again on the next start', () =>
      withDatabase(kind, async (database) => {
        const readMigrations = (app: TestApp) =>
          query<MigrationRow>(app, 'SELECT id, timestamp, name FROM schema_migrations');
        const first = await whileRunning(database.url, {}, async (app) => {
          await createRegistriesWithPasswords(app);
          return readMigrations(app);
        });
        await whileRunning(database.url, {}, async (app) => {
          expect(await readMigrations(app)).toEqual(first);
          expect(await listNames(app)).toEqual(['registry-0', 'registry-1']);
        });
      }));

    it('refuses to start with a key that cannot read the stored passwords, naming its id', () =>
      withDatabase(kind, async (database) => {
        const stored = await whileRunning(database.url, { ENCRYPTION_KEY: KEY_A }, (app) =>
          createRegistriesWithPasswords(app),
        );
        expect(stored.every((value) => value.includes(keyId(KEY_A)))).toBe(true);

        const failure = await startFailure(database.url, { ENCRYPTION_KEY: KEY_B });
        expect(failure).toBeInstanceOf(ConfigurationError); // main.ts prints its message alone
        expect(failure.message).toContain(keyId(KEY_A));
        expect(failure.message).toMatch(/not configured/);
        for (const secret of [...PASSWORDS, ...stored, KEY_A, KEY_B]) {
          expect(failure.message).not.toContain(secret);
          expect(failure.stack ?? '').not.toContain(secret);
        }
      }));

    it('starts with the new key when the old one is among the previous keys', () =>
      withDatabase(kind, async (database) => {
        await whileRunning(database.url, { ENCRYPTION_KEY: KEY_A }, (app) =>
          createRegistriesWithPasswords(app),
        );
        const rotated = { ENCRYPTION_KEY: KEY_B, ENCRYPTION_PREVIOUS_KEYS: KEY_A };
        await whileRunning(database.url, rotated, async (app) => {
          expect(await listNames(app)).toEqual(['registry-0', 'registry-1']);
        });
      }));
  });
}
