import { createConnection } from 'mysql2/promise';
import {
  createTestDatabase,
  mysqlSkipped,
  TEST_MYSQL_URL,
  type TestDatabase,
} from './support/databases';
import { sendOnOwnConnection } from './support/own-connection';
import { buildService, ServiceProcess } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
/** CONTRACT §4: with the database silent, every request answers 503 within this. */
const CONTRACT_BOUND_MS = 15_000;
const CLIENTS = 40;
const REQUESTS = 100;

interface Outcome {
  method: string;
  status: number | string;
  ms: number;
}

async function send(url: string, method: string, body?: object): Promise<Outcome> {
  const token = bearer(method === 'GET' ? READ : WRITE);
  const { status, error, sentAt, endedAt } = await sendOnOwnConnection(url, method, token, body);
  return { method, status: status ?? error ?? 'no answer', ms: endedAt - sentAt };
}

/** CONTRACT §4: one deadline for a request's database work, writes with their transaction too. */
(mysqlSkipped() ? describe.skip : describe)('a silent database under load [mariadb]', () => {
  const target = new URL(TEST_MYSQL_URL);
  const proxy = new TcpProxy(Number(target.port || 3306), target.hostname);
  let database: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    buildService();
    database = await createTestDatabase('mariadb');
    await proxy.start();
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    service = await ServiceProcess.start({ DATABASE_URL: url.toString() });
  }, 120_000);

  afterAll(async () => {
    await service?.kill();
    await proxy.stop();
    await database?.drop();
  });

  it('answers 503 to an update kept waiting inside its transaction, and serves on after it', async () => {
    const created = await fetch(`${service.url}${BASE}`, {
      method: 'POST',
      headers: { authorization: bearer(WRITE), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'locked', url: 'locked.example.com' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const holder = await createConnection(database.url);
    try {
      await holder.query('START TRANSACTION');
      await holder.query('SELECT id FROM image_registries WHERE id = ? FOR UPDATE', [id]);
      // The locked read waits for the row lock (InnoDB would wait 50 s) until the deadline.
      const waiting = await send(`${service.url}${BASE}/${id}`, 'PUT', { description: 'late' });
      expect(waiting.status).toBe(503);
      expect(waiting.ms).toBeLessThan(CONTRACT_BOUND_MS);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    const after = await send(`${service.url}${BASE}/${id}`, 'PUT', { description: 'on time' });
    expect(after.status).toBe(200);
  }, 60_000);

  it(`answers each of ${REQUESTS} requests from ${CLIENTS} clients with a 503 within 15 s`, async () => {
    const created = await send(`${service.url}${BASE}`, 'POST', {
      name: 'seed',
      url: 'seed.example.com',
    });
    expect(created.status).toBe(201);
    proxy.blackhole();
    const calls: (() => Promise<Outcome>)[] = Array.from({ length: REQUESTS }, (_, i) => {
      switch (i % 4) {
        case 0:
          return () => send(`${service.url}${BASE}`, 'GET');
        case 1:
          return () => send(`${service.url}${BASE}/1`, 'GET');
        case 2:
          return () =>
            send(`${service.url}${BASE}`, 'POST', { name: `n${i}`, url: `n${i}.example.com` });
        default:
          return () => send(`${service.url}${BASE}/1`, 'PUT', { description: `d${i}` });
      }
    });
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < calls.length) outcomes.push(await calls[next++]());
      }),
    );
    const slowest = (method: string) =>
      Math.round(Math.max(...outcomes.filter((o) => o.method === method).map((o) => o.ms)));
    console.info(
      `database silent, ${CLIENTS} clients: ${outcomes.filter((o) => o.status === 503).length} of ${outcomes.length} answers 503; slowest GET ${slowest('GET')} ms, POST ${slowest('POST')} ms, PUT ${slowest('PUT')} ms`,
    );
    expect(outcomes.filter((o) => o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.ms >= CONTRACT_BOUND_MS)).toEqual([]);
  }, 300_000);
});
