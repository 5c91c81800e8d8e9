import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import {
  createTestDatabase,
  mysqlSkipped,
  TEST_MYSQL_URL,
  type TestDatabase,
} from './support/databases';
import { sample, scrape } from './support/metrics';
import { TcpProxy } from './support/tcp-proxy';
import { startApp, type TestApp } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const reader = bearer(READ);
const writer = bearer(WRITE);

/** The contract's bound on an answer while the database is unreachable. */
const ANSWER_WITHIN_MS = 15_000;
/** How long the service may take to notice that the database is back. */
const RECOVER_WITHIN_MS = 5_000;
/** More requests at once than the connection pool (10 by default) has connections. */
const MORE_THAN_THE_POOL = 15;

/** The same database URL, with host and port replaced by the proxy's. */
function throughProxy(databaseUrl: string, proxy: TcpProxy): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await action();
  return { result, ms: performance.now() - started };
}

/** Retries `probe` until it returns true, failing after `withinMs`. */
async function eventually(probe: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await sleep(100);
  }
  return performance.now() - started;
}

(mysqlSkipped() ? describe.skip : describe)('database outage [mariadb]', () => {
  const target = new URL(TEST_MYSQL_URL);
  const proxy = new TcpProxy(Number(target.port || 3306), target.hostname);
  let database: TestDatabase;
  let app: TestApp;
  const api = () => request(app.http);
  const list = () => api().get(BASE).set('Authorization', reader);

  /** `parallel` list requests at once: each answers 503 within the contract's bound. */
  async function expectUnavailable(parallel = 1): Promise<void> {
    const answers = await Promise.all(
      Array.from({ length: parallel }, () => timed(() => list().timeout(ANSWER_WITHIN_MS))),
    );
    for (const { result, ms } of answers) {
      expect(result.status).toBe(503);
      expect(result.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.any(String),
      });
      expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
    }
    const slowest = Math.max(...answers.map(({ ms }) => ms));
    console.info(
      `database unreachable: ${parallel} × 503, the slowest after ${Math.round(slowest)} ms`,
    );

    await api().get('/health').expect(200);
    const ready = await timed(() => api().get('/health/ready').timeout(ANSWER_WITHIN_MS));
    expect(ready.result.status).toBe(503);
    expect(ready.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // Only statuses: the driver's message (hosts, the database user) is not for callers.
    const up = { shutdown: { status: 'up' } };
    const down = { database: { status: 'down' } };
    expect(ready.result.body).toEqual({
      status: 'error',
      info: up,
      error: down,
      details: { ...up, ...down },
    });
  }

  async function expectRecovery(): Promise<void> {
    const ms = await eventually(async () => (await list()).status === 200, RECOVER_WITHIN_MS);
    console.info(`database back: list 200 after ${Math.round(ms)} ms`);
    await api().get('/health/ready').expect(200);
    const listed = await list().expect(200);
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'hub' })]));
  }

  beforeAll(async () => {
    database = await createTestDatabase('mariadb');
    await proxy.start();
    app = await startApp(throughProxy(database.url, proxy));
    await api()
      .post(BASE)
      .set('Authorization', writer)
      .send({ name: 'hub', url: 'docker.io', username: 'u', password: 'p' })
      .expect(201);
  });

  afterEach(async () => {
    await proxy.stop();
    await proxy.start();
  });

  afterAll(async () => {
    await app?.close();
    await proxy.stop();
    await database?.drop();
  });

  it('answers 503 while the connection is refused, stays live, and recovers on its own', async () => {
    await list().expect(200);
    const unavailable = async () =>
      sample(await scrape(app.http), 'image_registry_database_unavailable_total');
    const before = await unavailable();
    await proxy.stop();
    await expectUnavailable(MORE_THAN_THE_POOL);
    await expectUnavailable(); // nothing the first requests left behind makes this one hang
    // Each list answered 503 is counted; the readiness probe's 503 is a report, not an outage.
    expect((await unavailable()) - before).toBe(MORE_THAN_THE_POOL + 1);
    await proxy.start();
    await expectRecovery();
  });

  it('answers 503 when open connections go silent, and recovers', async () => {
    await list().expect(200);
    proxy.blackhole();
    await expectUnavailable(MORE_THAN_THE_POOL);
    await proxy.stop();
    await proxy.start();
    await expectRecovery();
  }, 60_000);

  it('answers 503 when new connections are accepted but never answered, and recovers', async () => {
    await proxy.stop(); // drop the pooled connections: the next query has to connect
    await proxy.start();
    proxy.blackhole();
    await expectUnavailable();
    await proxy.stop();
    await proxy.start();
    await expectRecovery();
  }, 60_000);
});
