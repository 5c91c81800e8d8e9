import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { KeyRing } from '../src/crypto/key-ring';
import { createTestDatabase, mysqlSkipped, type TestDatabase } from './support/databases';
import { captureLogs, type CapturedLogs } from './support/captured-logs';
import { initApp, testConfig } from './support/test-app';
import { CREDENTIALS, READ, token, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';

/** Everything written to stdout and stderr until `restore()`, swallowed. */
function captureOutput(): { chunks: string[]; restore(): void } {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(Buffer.from(chunk).toString('utf8'));
      return true;
    }),
  );
  return { chunks, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Tokens the service must refuse: forged, expired, unsigned and not a JWT at all. */
const INVALID_TOKENS = [
  sign({ scope: WRITE }, 'not-the-secret-not-the-secret-not-the-secret', { expiresIn: '5m' }),
  sign({ scope: WRITE, exp: nowSeconds() - 3600 }, 'e2e-test-secret-0123456789abcdefghijklmnop'),
  `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ scope: WRITE, exp: nowSeconds() + 300 })}.`,
  'definitely-not-a-jwt-but-still-a-secret-value',
];

/** Secrets seen during a run: none of them may reach a log line. */
class Secrets {
  private readonly values = new Map<string, string>();

  add(kind: string, value: string): string {
    this.values.set(value, kind);
    return value;
  }

  /** A password unique to this run and `step`. */
  password(step: string): string {
    return this.add(`password (${step})`, `Pw-${step}-${Math.random().toString(36).slice(2)}!`);
  }

  /** A token, and its signature alone, which identifies it as well. */
  token(value: string): string {
    this.add('bearer token', value);
    const signature = value.split('.')[2];
    if (signature) this.add('bearer token signature', signature);
    return value;
  }

  /** A stored password value, and its payload without the `v1:<keyId>:` prefix. */
  ciphertext(value: string): void {
    this.add('ciphertext', value);
    this.add('ciphertext payload', value.split(':')[2]);
  }

  /** Each secret that appears in `lines`, with where. */
  leaksIn(lines: string[]): string[] {
    const leaks: string[] = [];
    for (const [secret, kind] of this.values) {
      const line = lines.find((text) => text.includes(secret));
      if (line !== undefined) leaks.push(`${kind} leaked in: ${line.slice(0, 300)}`);
    }
    return leaks;
  }
}

const kinds = mysqlSkipped() ? (['sqlite'] as const) : (['sqlite', 'mariadb'] as const);
const formats = [
  { name: 'text', json: false },
  { name: 'json', json: true },
];

describe.each(kinds.flatMap((kind) => formats.map((format) => ({ kind, ...format }))))(
  'no secret in the logs [$kind, $name logs]',
  ({ kind, json }) => {
    const secrets = new Secrets();
    const writer = `Bearer ${secrets.token(token(WRITE))}`;
    const reader = `Bearer ${secrets.token(token(READ))}`;
    const credentialsReader = `Bearer ${secrets.token(token(CREDENTIALS))}`;
    INVALID_TOKENS.forEach((value) => secrets.token(value));
    let database: TestDatabase;
    let app: NestFastifyApplication;
    let logs: CapturedLogs;
    let output: ReturnType<typeof captureOutput>;
    let encrypt: jest.SpiedFunction<KeyRing['encrypt']>;
    const api = () => request(app.getHttpServer());
    const sql = (text: string) => app.get(DataSource).query<{ password: string | null }[]>(text);

    /** Every ciphertext produced so far (also those never stored) and every one stored. */
    async function collectCiphertexts(): Promise<void> {
      for (const result of encrypt.mock.results) secrets.ciphertext(result.value as string);
      const stored = await sql('SELECT password FROM image_registries');
      for (const { password } of stored) if (password !== null) secrets.ciphertext(password);
    }

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      encrypt = jest.spyOn(KeyRing.prototype, 'encrypt');
      output = captureOutput();
      logs = captureLogs({ json, level: 'verbose' });
      app = await createApp(testConfig(database.url, { LOG_LEVEL: 'verbose' }), logs.logger);
      await initApp(app);
    });

    afterAll(async () => {
      await app?.close();
      output?.restore();
      encrypt?.mockRestore();
      await database?.drop();
    });

    it('logs at all (the capture works)', () => {
      expect(logs.lines.join('')).toContain('Nest application successfully started');
    });

    it('keeps passwords, ciphertexts and tokens out of every log line', async () => {
      const created = await api()
        .post(BASE)
        .set('Authorization', writer)
        .send({
          name: 'logged',
          url: 'logged.example.com',
          username: 'u',
          password: secrets.password('create'),
        })
        .expect(201);
      const id = created.body.id as number;

      await api()
        .post(BASE)
        .set('Authorization', writer)
        .send({
          name: 'bad',
          url: 'bad.example.com',
          username: 'u',
          password: secrets.password('unknown-field'),
          color: 'red',
        })
        .expect(400);
      await api()
        .post(BASE)
        .set('Authorization', writer)
        .send({ name: 'bad', url: 'bad.example.com', password: secrets.password('no-username') })
        .expect(400);
      await api()
        .post(BASE)
        .set('Authorization', writer)
        .set('Content-Type', 'application/json')
        .send(
          `{"name": "bad", "username": "u", "password": "${secrets.password('malformed-json')}"`,
        )
        .expect(400);
      await api()
        .post(BASE)
        .set('Authorization', writer)
        .send({
          name: 'LOGGED',
          url: 'other.example.com',
          username: 'u',
          password: secrets.password('conflict'),
        })
        .expect(409);
      await api()
        .put(`${BASE}/${id}`)
        .set('Authorization', writer)
        .send({ password: secrets.password('update') })
        .expect(200);
      await api().get(`${BASE}/${id}`).set('Authorization', reader).expect(200);
      for (const query of ['', '?format=dockerconfigjson']) {
        await api()
          .get(`${BASE}/${id}/credentials${query}`)
          .set('Authorization', credentialsReader)
          .expect(200);
      }
      const credentialReads = logs.lines.filter((line) => line.includes('Credentials of'));
      expect(credentialReads).toHaveLength(2);
      expect(credentialReads[0]).toContain(`image registry ${id} read by e2e-tester`);
      await api()
        .get(`${BASE}/credentials?format=dockerconfigjson&registryIds=${id}`)
        .set('Authorization', credentialsReader)
        .expect(200);
      expect(logs.lines.filter((line) => line.includes('Credentials of'))).toHaveLength(3);
      await api()
        .post(`${BASE}/test`)
        .set('Authorization', writer)
        .send({ url: 'http://127.0.0.1:9', username: 'u', password: secrets.password('test') })
        .expect(200);

      for (const invalid of INVALID_TOKENS) {
        await api()
          .post(BASE)
          .set('Authorization', `Bearer ${invalid}`)
          .send({
            name: 'x',
            url: 'x.example.com',
            username: 'u',
            password: secrets.password('invalid-token'),
          })
          .expect(401);
      }

      // An internal error: the table disappears under the running service.
      await sql('ALTER TABLE image_registries RENAME TO image_registries_away');
      try {
        const failed = await api()
          .post(BASE)
          .set('Authorization', writer)
          .send({
            name: 'boom',
            url: 'boom.example.com',
            username: 'u',
            password: secrets.password('internal-error'),
          });
        expect(failed.status).toBe(500);
        expect(JSON.stringify(failed.body)).not.toMatch(/image_registries|Pw-/);
      } finally {
        await sql('ALTER TABLE image_registries_away RENAME TO image_registries');
      }
      expect(logs.lines.join('\n')).toMatch(/image_registries/); // the 500 was logged

      await collectCiphertexts();
      expect(encrypt).toHaveBeenCalled();
      expect(secrets.leaksIn(logs.lines)).toEqual([]);
      expect(secrets.leaksIn(output.chunks)).toEqual([]);
    });

    it('logs a client that leaves mid-body as what it is, never as a database outage', async () => {
      const first = logs.lines.length;
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            `POST ${BASE} HTTP/1.1\r\nHost: x\r\nAuthorization: ${writer}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
          );
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => resolve());
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const written = logs.lines.slice(first).join('');
      expect(written).not.toMatch(/Database unavailable/);
      expect(written).toMatch(/closed the connection before sending its whole request/);
    });

    it('writes every line of a request with its request id, and one access line after it', async () => {
      const first = logs.lines.length;
      const send = (id: string, call: request.Test) => call.set('X-Request-Id', id);
      const created = await send(
        'rid-create',
        api()
          .post(BASE)
          .set('Authorization', writer)
          .send({ name: 'ids', url: 'ids.example.com', username: 'u', password: 'p' }),
      ).expect(201);
      await send(
        'rid-conflict',
        api()
          .post(BASE)
          .set('Authorization', writer)
          .send({ name: 'IDS', url: 'ids2.example.com', username: 'u', password: 'p' }),
      ).expect(409);
      await send(
        'rid-credentials',
        api()
          .get(`${BASE}/${created.body.id as number}/credentials`)
          .set('Authorization', credentialsReader),
      ).expect(200);
      await send('rid-health', api().get('/health')).expect(200);
      await send('rid-unmatched', api().get('/nowhere/42')).expect(404);
      await sql('ALTER TABLE image_registries RENAME TO image_registries_gone');
      try {
        await send(
          'rid-fault',
          api()
            .get(`${BASE}/${created.body.id as number}`)
            .set('Authorization', reader),
        ).expect(500);
      } finally {
        await sql('ALTER TABLE image_registries_gone RENAME TO image_registries');
      }

      if (!json) {
        const written = logs.lines.slice(first);
        const credentialsRead = written.find((text) => text.includes('Credentials of'));
        expect(credentialsRead).toContain('"requestId":"rid-credentials"');
        const accessLine = written.find((text) => text.includes('"requestId":"rid-create"'));
        expect(accessLine).toMatch(
          /INFO: request completed .*"route":"\/api\/v1\/image-registries"/,
        );
        return;
      }
      const records = logs.records().slice(first);
      const ids = [
        'rid-create',
        'rid-conflict',
        'rid-credentials',
        'rid-health',
        'rid-unmatched',
        'rid-fault',
      ];
      expect(records.filter((record) => !ids.includes(record.requestId as string))).toEqual([]);
      const linesOf = (id: string) => records.filter((record) => record.requestId === id);
      const messagesOf = (id: string) => linesOf(id).map((record) => record.msg);
      expect(messagesOf('rid-conflict')).toContainEqual(expect.stringMatching(/^Query failed/));
      expect(messagesOf('rid-credentials')).toContainEqual(
        expect.stringMatching(/^Credentials of image registry/),
      );
      expect(messagesOf('rid-fault')).toContainEqual(expect.stringMatching(/image_registries/));

      const access = records.filter((record) => record.msg === 'request completed');
      expect(access.map((record) => record.requestId)).toEqual(ids);
      const line = (id: string) => access.find((record) => record.requestId === id);
      expect(line('rid-create')).toEqual({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        pid: process.pid,
        hostname: expect.any(String),
        requestId: 'rid-create',
        msg: 'request completed',
        method: 'POST',
        route: BASE,
        status: 201,
        durationMs: expect.any(Number),
        sub: 'e2e-tester',
      });
      expect(line('rid-credentials')).toMatchObject({
        route: `${BASE}/:id/credentials`,
        status: 200,
      });
      expect(line('rid-health')).toMatchObject({
        level: 'debug',
        route: '/health',
      });
      expect(line('rid-health')).not.toHaveProperty('sub');
      expect(line('rid-unmatched')).toMatchObject({
        level: 'info',
        route: 'unmatched',
        status: 404,
      });
      expect(line('rid-fault')).toMatchObject({ route: `${BASE}/:id`, status: 500 });
    });
  },
);
