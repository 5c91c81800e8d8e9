import { setTimeout as sleep } from 'node:timers/promises';
import {
  createTestDatabase,
  type DatabaseKind,
  mysqlSkipped,
  type TestDatabase,
} from './support/databases';
import { type RunningServer, startSilentServer } from './support/fake-servers';
import { KeepAliveLoad } from './support/keep-alive-load';
import { sendOnOwnConnection } from './support/own-connection';
import { buildService, ServiceProcess } from './support/service-process';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const DELAY_MS = 500;
const TIMEOUT_MS = 10_000;
/** The slow request's own deadline: it is answered (a timeout result) well within TIMEOUT_MS. */
const OUTBOUND_TIMEOUT_MS = 2_500;

/** A POST on a connection of its own. */
const post = (url: string, body: object, token: string) =>
  sendOnOwnConnection(url, 'POST', token, body);

async function createRegistry(service: ServiceProcess): Promise<number> {
  const created = await post(
    `${service.url}${BASE}`,
    { name: 'hub', url: 'docker.io', username: 'u', password: 'p' },
    bearer(WRITE),
  );
  expect(created.status).toBe(201);
  return (JSON.parse(created.body!) as { id: number }).id;
}

const messages = (service: ServiceProcess): string[] =>
  service.records().map((record) => record.msg as string);

describe('graceful shutdown (the compiled service in a process of its own)', () => {
  let silent: RunningServer;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    buildService();
    silent = await startSilentServer();
  }, 120_000);

  afterEach(async () => {
    await service?.kill();
    service = undefined;
  });

  afterAll(() => silent?.close());

  const kinds: DatabaseKind[] = mysqlSkipped() ? ['sqlite'] : ['sqlite', 'mariadb'];
  describe.each(kinds)('on %s', (kind) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(kind);
    });
    afterAll(() => database?.drop());

    it('answers every request it received, with Connection: close once told, and exits 0', async () => {
      service = await ServiceProcess.start({
        DATABASE_URL: database.url,
        SHUTDOWN_DELAY_MS: String(DELAY_MS),
        SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
        OUTBOUND_TIMEOUT_MS: String(OUTBOUND_TIMEOUT_MS),
      });
      const id = await createRegistry(service);
      const load = new KeepAliveLoad(
        `${service.url}${BASE}/${id}`,
        { Authorization: bearer(READ) },
        8,
      );
      await sleep(500);
      // A request that takes its time: the registry it tests never says a word.
      const slow = post(`${service.url}${BASE}/test`, { url: silent.url }, bearer(WRITE));
      await sleep(200);

      const signalledAt = service.signal('SIGTERM');
      // The signal reaches node's event loop after what the loop is busy with: probe until it has.
      let readiness = await service.status('/health/ready');
      while (readiness === 200 && performance.now() - signalledAt < DELAY_MS / 2) {
        readiness = await service.status('/health/ready');
      }
      // The load balancer sees the 503 and sends new connections elsewhere, within the delay.
      setTimeout(() => load.stopOpeningConnections(), DELAY_MS / 2);
      const exit = await service.exited;
      const requests = await load.stop();
      const slowAnswer = await slow;
      const inFlight = load.inFlightAt(signalledAt) + 1;

      const afterSignal = requests.filter(({ sentAt }) => sentAt > signalledAt);
      const answered = requests.filter(({ status }) => status !== undefined);
      const cutOff = requests.filter(
        ({ error }) => error !== undefined && error !== 'ECONNREFUSED',
      );
      const exitMs = Math.round(exit.at - signalledAt);
      console.info(
        `[${kind}] SIGTERM with ${inFlight} requests in flight (the slow one included): ${answered.length} of ${requests.length} load requests answered (${afterSignal.filter(({ status }) => status !== undefined).length} sent after the signal), ${cutOff.length} cut off, ${requests.length - answered.length - cutOff.length} refused before being sent; the slow request answered after ${Math.round(slowAnswer.endedAt - signalledAt)} ms; exit ${exit.code} after ${exitMs} ms`,
      );

      expect(readiness).toBe(503);
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(cutOff).toEqual([]);
      expect(answered.every(({ status }) => status === 200)).toBe(true);
      // Served on during the delay, every answer from the signal on closing its connection.
      const servedAfter = answered.filter(({ sentAt }) => sentAt > signalledAt + 50);
      expect(servedAfter.length).toBeGreaterThan(0);
      expect(servedAfter.every(({ connection }) => connection === 'close')).toBe(true);
      expect(servedAfter.some(({ reusedConnection }) => reusedConnection)).toBe(false);
      expect(slowAnswer.status).toBe(200);
      expect(JSON.parse(slowAnswer.body!)).toMatchObject({ ok: false, status: 'timeout' });
      expect(exitMs).toBeGreaterThanOrEqual(DELAY_MS);
      expect(exitMs).toBeLessThan(DELAY_MS + TIMEOUT_MS);
      expect(await service.status('/health')).toBe('ECONNREFUSED');
      expect(messages(service)).toContainEqual(
        expect.stringMatching(/^SIGTERM: readiness now 503/),
      );
      expect(messages(service)).toContainEqual(
        expect.stringMatching(/^Stopped \d+ ms after SIGTERM$/),
      );
    }, 60_000);
  });

  describe('signals and timeouts [sqlite]', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('sqlite');
    });
    afterAll(() => database?.drop());

    it('exits 0 on SIGINT too, promptly when nothing is in flight', async () => {
      service = await ServiceProcess.start({ DATABASE_URL: database.url });
      const signalledAt = service.signal('SIGINT');
      const exit = await service.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
      console.info(
        `SIGINT, nothing in flight: exit 0 after ${Math.round(exit.at - signalledAt)} ms`,
      );
      expect(exit.at - signalledAt).toBeLessThan(TIMEOUT_MS);
    });

    it('cuts off what is still unanswered at SHUTDOWN_TIMEOUT_MS and exits 1', async () => {
      service = await ServiceProcess.start({
        DATABASE_URL: database.url,
        SHUTDOWN_TIMEOUT_MS: '500',
        OUTBOUND_TIMEOUT_MS: '20000',
      });
      const slow = post(`${service.url}${BASE}/test`, { url: silent.url }, bearer(WRITE));
      await sleep(200);
      const signalledAt = service.signal('SIGTERM');
      const exit = await service.exited;
      expect(exit).toMatchObject({ code: 1, signal: null });
      expect(exit.at - signalledAt).toBeGreaterThanOrEqual(500);
      expect(exit.at - signalledAt).toBeLessThan(5_000);
      expect((await slow).error).toBeDefined();
      expect(messages(service)).toContainEqual(
        'Requests still unanswered after 500 ms were cut off',
      );
    });

    it('exits at once on a second signal', async () => {
      service = await ServiceProcess.start({
        DATABASE_URL: database.url,
        SHUTDOWN_DELAY_MS: '30000',
      });
      service.signal('SIGTERM');
      await sleep(100);
      const signalledAt = service.signal('SIGTERM');
      const exit = await service.exited;
      expect(exit).toMatchObject({ code: 1, signal: null });
      expect(exit.at - signalledAt).toBeLessThan(5_000);
    });
  });
});
