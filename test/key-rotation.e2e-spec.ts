import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { KeyRing } from '../src/crypto/key-ring';
import { reencryptStoredPasswords } from '../src/crypto/key-rotation';
import { dataSourceOptions } from '../src/database/data-source-options';
import {
  createTestDatabase,
  type DatabaseKind,
  mysqlSkipped,
  type TestDatabase,
} from './support/databases';
import { startApp, testConfig } from './support/test-app';
import { bearer, WRITE } from './support/tokens';

const oldKey = randomBytes(32).toString('base64');
const newKey = randomBytes(32).toString('base64');

async function storedPasswords(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ password: string }[]>(
    'SELECT password FROM image_registries WHERE password IS NOT NULL ORDER BY id',
  );
  return rows.map((row) => row.password);
}

describe.each<DatabaseKind>(['sqlite', 'mariadb'])('key rotation [%s]', (kind) => {
  let database: TestDatabase;
  const run = kind === 'mariadb' && mysqlSkipped() ? it.skip : it;

  beforeAll(async () => {
    if (kind === 'mariadb' && mysqlSkipped()) return;
    database = await createTestDatabase(kind);
    const app = await startApp(database.url, { ENCRYPTION_KEY: oldKey });
    for (let index = 0; index < 3; index += 1) {
      await request(app.http)
        .post('/api/v1/image-registries')
        .set('Authorization', bearer(WRITE))
        .send({
          name: `r${index}`,
          url: `r${index}.example.com`,
          username: 'u',
          password: `secret-${index}`,
        })
        .expect(201);
    }
    await request(app.http)
      .post('/api/v1/image-registries')
      .set('Authorization', bearer(WRITE))
      .send({ name: 'anonymous', url: 'anonymous.example.com' })
      .expect(201);
    await app.close();
  });

  afterAll(async () => {
    await database?.drop();
  });

  run(
    're-encrypts every stored password with the new key, after which the old key can go',
    async () => {
      const ring = KeyRing.fromBase64(newKey, [oldKey]);
      const dataSource = await new DataSource(
        dataSourceOptions(testConfig(database.url).database),
      ).initialize();
      try {
        const before = await storedPasswords(dataSource);
        expect(before.every((value) => !ring.isEncryptedWithCurrentKey(value))).toBe(true);

        expect(await reencryptStoredPasswords(dataSource, ring)).toEqual({
          examined: 3,
          reencrypted: 3,
        });
        const after = await storedPasswords(dataSource);
        expect(after.map((value) => ring.decrypt(value))).toEqual([
          'secret-0',
          'secret-1',
          'secret-2',
        ]);
        expect(after.every((value) => ring.isEncryptedWithCurrentKey(value))).toBe(true);

        expect(await reencryptStoredPasswords(dataSource, ring)).toEqual({
          examined: 3,
          reencrypted: 0,
        });
      } finally {
        await dataSource.destroy();
      }
      const app = await startApp(database.url, { ENCRYPTION_KEY: newKey });
      await app.close();
    },
  );
});
