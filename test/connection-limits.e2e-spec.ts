import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample } from './support/metrics';
import { sendOnOwnConnection } from './support/own-connection';
import { RawConnection, stalledUpload, unendingJsonBody } from './support/raw-connections';
import { buildService, ServiceProcess } from './support/service-process';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const MiB = 1024 * 1024;
const UPLOADS = 2_000;
/** "A few hundred MB" for thousands of stalled uploads; they took a gigabyte per thousand when bodies were read first. */
const MEMORY_GROWTH_BOUND = 256 * MiB;
const ERROR_BODY = /\r\n\r\n\{"statusCode":(\d{3}),"error":"[^"]+","message":"[^"]+"\}$/;

const ALL_BUT_THE_LAST_BYTE = unendingJsonBody(MiB - 1);

/** A megabyte announced, all of it but the last byte sent, then silence. */
const megabyteUpload = (url: string, authorization?: string): RawConnection =>
  stalledUpload(url, {
    path: `${BASE}/1`,
    declaredBytes: MiB,
    body: ALL_BUT_THE_LAST_BYTE,
    authorization,
  });

/** Hostile clients against the compiled service: bodies, deadlines and connections it will not hold. */
describe('stalled uploads and connection limits [sqlite]', () => {
  let directory: string;
  const started: ServiceProcess[] = [];
  const start = async (env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const service = await ServiceProcess.start({
      DATABASE_URL: `sqlite:${join(directory, `${started.length}.sqlite`)}`,
      ...env,
    });
    started.push(service);
    return service;
  };

  beforeAll(() => {
    buildService();
    directory = mkdtempSync(join(tmpdir(), 'connection-limits-'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => service.kill()));
    rmSync(directory, { recursive: true, force: true });
  });

  describe('with the default limits', () => {
    let service: ServiceProcess;

    beforeAll(async () => {
      service = await start();
    });

    it(`refuses ${UPLOADS} stalled unauthenticated 1 MiB uploads before reading them, in bounded memory, answering others meanwhile`, async () => {
      const memoryBefore = service.memory().rssBytes;
      const uploads = Array.from({ length: UPLOADS }, () => megabyteUpload(service.url));
      const created = await sendOnOwnConnection(`${service.url}${BASE}`, 'POST', bearer(WRITE), {
        name: 'during-the-flood',
        url: 'flood.example.com',
      });
      const listed = await sendOnOwnConnection(`${service.url}${BASE}`, 'GET', bearer(READ));
      const outcomes = await Promise.all(uploads.map((upload) => upload.outcome));
      const peakGrowth = service.memory().peakRssBytes - memoryBefore;

      expect(created.status).toBe(201);
      expect(listed.status).toBe(200);
      // Each one refused on arrival. The service closes the connection with the rest of the body
      // unread, which resets it: a client still writing may lose the answer, never more.
      const refused = outcomes.filter(
        (outcome) =>
          outcome.status === 401 &&
          outcome.closedByService &&
          /\r\nconnection: close\r\n/i.test(outcome.answer) &&
          /\r\nwww-authenticate: Bearer\r\n/i.test(outcome.answer) &&
          ERROR_BODY.exec(outcome.answer)?.[1] === '401',
      );
      const reset = outcomes.filter((outcome) => outcome.answer === '' && outcome.closedByService);
      expect(refused.length + reset.length).toBe(UPLOADS);
      expect(refused.length).toBeGreaterThan(UPLOADS * 0.9);
      // None of them met MAX_CONNECTIONS (5,000).
      const metrics = await sendOnOwnConnection(`${service.url}/metrics`, 'GET', bearer(READ));
      expect(sample(metrics.body!, 'image_registry_connections_dropped_total')).toBe(0);
      expect(peakGrowth).toBeLessThan(MEMORY_GROWTH_BOUND);
    }, 120_000);

    it('refuses an upload with an invalid token the same way, and takes one with a valid token', async () => {
      const forged = await megabyteUpload(service.url, 'Bearer not.a.token').outcome;
      expect(forged.status).toBe(401);
      expect(forged.closedByService).toBe(true);
      expect(forged.answer).toMatch(/\r\nwww-authenticate: Bearer error="invalid_token"\r\n/i);

      const authorized = megabyteUpload(service.url, bearer(WRITE)).write('"}');
      await authorized.received(ERROR_BODY);
      // The whole body was read and validated: a 1 MiB description is a 400, not a 401.
      expect(ERROR_BODY.exec((await authorized.release()).answer)?.[1]).toBe('400');
    });
  });

  describe('with REQUEST_RECEIVE_TIMEOUT_MS=1000 and MAX_CONNECTIONS=20', () => {
    const MAX_CONNECTIONS = 20;
    let service: ServiceProcess;

    beforeAll(async () => {
      service = await start({
        REQUEST_RECEIVE_TIMEOUT_MS: '1000',
        MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      });
    });

    it('answers an authenticated body that stalls past the deadline with a 408 and closes it', async () => {
      const outcome = await megabyteUpload(service.url, bearer(WRITE)).outcome;
      expect(outcome.status).toBe(408);
      expect(outcome.closedByService).toBe(true);
      expect(ERROR_BODY.exec(outcome.answer)?.[1]).toBe('408');
    });

    it('answers a request whose headers never end with a 408 and closes it', async () => {
      const outcome = await new RawConnection(service.url).write(`GET ${BASE} HTTP/1.1\r\n`)
        .outcome;
      expect(outcome.status).toBe(408);
      expect(outcome.closedByService).toBe(true);
    });

    it('closes connections beyond the cap as they arrive, counts them, and serves again once one goes', async () => {
      const held = await Promise.all(
        Array.from({ length: MAX_CONNECTIONS }, async () => {
          const connection = new RawConnection(service.url).writeHead('GET', '/health');
          await connection.answered();
          return connection;
        }),
      );

      const beyond = await new RawConnection(service.url).writeHead('GET', '/health').outcome;
      expect(beyond.status).toBeUndefined();
      expect(beyond.answer).toBe('');
      expect(beyond.closedByService).toBe(true);

      // Whichever goes, its place is free once the service has seen it close.
      await held.pop()!.release();
      let dropped = 1;
      let scraped: RawConnection | undefined;
      while (scraped === undefined) {
        const attempt = new RawConnection(service.url).writeHead('GET', '/metrics');
        const answered = await attempt.answered().then(
          () => true,
          () => false,
        );
        if (answered) scraped = attempt;
        else dropped++;
      }
      const exposition = (await scraped.release()).answer;
      expect(sample(exposition, 'image_registry_connections_dropped_total')).toBe(dropped);
      await Promise.all(held.map((connection) => connection.release()));
    });
  });
});
