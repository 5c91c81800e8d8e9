import request from 'supertest';
import { closedPortUrl, type RunningServer, startHttpServer } from './support/fake-servers';
import { promtoolCheck, sample, scrape, seriesOf } from './support/metrics';
import { appOnSqlite } from './support/test-app';
import { bearer, CREDENTIALS, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const DURATIONS = 'http_server_request_duration_seconds';

/**
 * promtool's only findings, all lint (exit code 3), none an error: three of prom-client's standard
 * Node metrics are gauges named `_total`, names dashboards rely on, so the service keeps them.
 */
const PROM_CLIENT_NAMING = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

/** promtool accepts the exposition: no parse error, no finding but PROM_CLIENT_NAMING. */
async function expectPromtoolAccepts(exposition: string): Promise<void> {
  const { code, output } = await promtoolCheck(exposition);
  expect({ code, findings: output.split('\n').filter(Boolean) }).toEqual({
    code: 3,
    findings: PROM_CLIENT_NAMING,
  });
}

/** A registry that answers /v2/ with 200 and every manifest with 404. */
function fakeRegistry(): Promise<RunningServer> {
  return startHttpServer((req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.writeHead(req.url === '/v2/' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
}

describe('GET /metrics', () => {
  let registry: RunningServer;
  beforeAll(async () => {
    registry = await fakeRegistry();
  });
  afterAll(() => registry.close());
  const app = appOnSqlite();
  const api = () => request(app().http);
  const requestCount = (exposition: string, method: string, route: string, status: number) =>
    sample(exposition, `${DURATIONS}_count`, { method, route, status_code: String(status) });

  it('answers without a token in a format promtool accepts, with the series of the contract', async () => {
    const exposition = await scrape(app().http);
    await expectPromtoolAccepts(exposition);
    for (const family of [
      `# TYPE ${DURATIONS} histogram`,
      '# TYPE image_registry_outbound_requests_total counter',
      '# TYPE image_registry_credentials_reads_total counter',
      '# TYPE image_registry_database_unavailable_total counter',
      '# TYPE process_cpu_seconds_total counter',
      '# TYPE process_resident_memory_bytes gauge',
      '# TYPE nodejs_eventloop_lag_seconds gauge',
      '# TYPE nodejs_heap_size_used_bytes gauge',
    ]) {
      expect(exposition).toContain(family);
    }
  });

  it('counts each request once, by route template and status, with its duration', async () => {
    const created = await api()
      .post(BASE)
      .set('Authorization', bearer(WRITE))
      .send({ name: 'counted', url: 'counted.example.com' })
      .expect(201);
    const id = created.body.id as number;
    const before = await scrape(app().http);
    for (let i = 0; i < 7; i++)
      await api().get(`${BASE}/${id}`).set('Authorization', bearer(READ)).expect(200);
    for (let i = 0; i < 3; i++)
      await api()
        .get(`${BASE}/${id + 1000 + i}`)
        .set('Authorization', bearer(READ))
        .expect(404);
    await api().get(`${BASE}/${id}`).expect(401);
    const after = await scrape(app().http);

    const route = `${BASE}/:id`;
    expect(requestCount(after, 'GET', route, 200) - requestCount(before, 'GET', route, 200)).toBe(
      7,
    );
    expect(requestCount(after, 'GET', route, 404) - requestCount(before, 'GET', route, 404)).toBe(
      3,
    );
    expect(requestCount(after, 'GET', route, 401) - requestCount(before, 'GET', route, 401)).toBe(
      1,
    );
    // The earlier scrape is counted once it has been answered, under its own route.
    expect(
      requestCount(after, 'GET', '/metrics', 200) - requestCount(before, 'GET', '/metrics', 200),
    ).toBe(1);
    const labels = { method: 'GET', route, status_code: '200' };
    const slowest = sample(after, `${DURATIONS}_bucket`, { ...labels, le: '+Inf' });
    expect(slowest).toBe(requestCount(after, 'GET', route, 200));
    expect(sample(after, `${DURATIONS}_sum`, labels)).toBeGreaterThan(0);
  });

  it('counts every path that matches no route under one label, so the series stay bounded', async () => {
    const before = await scrape(app().http);
    for (const path of [
      '/nowhere',
      '/nowhere/1',
      `/nowhere/${'x'.repeat(200)}`,
      '/api/v2/anything',
    ]) {
      await api().get(path).expect(404);
    }
    const after = await scrape(app().http);
    expect(
      requestCount(after, 'GET', 'unmatched', 404) - requestCount(before, 'GET', 'unmatched', 404),
    ).toBe(4);
    expect(
      seriesOf(after, `${DURATIONS}_count`).filter((line) => line.includes('nowhere')),
    ).toEqual([]);
  });

  it('counts calls to registries by operation and outcome, and credentials reads', async () => {
    const outbound = (exposition: string, operation: string, outcome: string) =>
      sample(exposition, 'image_registry_outbound_requests_total', { operation, outcome });
    const saved = await api()
      .post(BASE)
      .set('Authorization', bearer(WRITE))
      .send({ name: 'fake', url: registry.url, username: 'u', password: 'p' })
      .expect(201);
    const id = saved.body.id as number;
    const before = await scrape(app().http);

    await api().post(`${BASE}/${id}/test`).set('Authorization', bearer(WRITE)).expect(200);
    await api()
      .post(`${BASE}/test`)
      .set('Authorization', bearer(WRITE))
      .send({ url: await closedPortUrl() })
      .expect(200);
    const host = new URL(registry.url).host;
    await api()
      .post(`${BASE}/resolve`)
      .set('Authorization', bearer(READ))
      .send({ image: `${host}/team/app:1.0`, check: true })
      .expect(404);
    for (let i = 0; i < 2; i++) {
      await api()
        .get(`${BASE}/${id}/credentials`)
        .set('Authorization', bearer(CREDENTIALS))
        .expect(200);
    }
    const after = await scrape(app().http);

    expect(
      outbound(after, 'connection_test', '2xx') - outbound(before, 'connection_test', '2xx'),
    ).toBe(1);
    expect(
      outbound(after, 'connection_test', 'unreachable') -
        outbound(before, 'connection_test', 'unreachable'),
    ).toBe(1);
    expect(outbound(after, 'manifest', '4xx') - outbound(before, 'manifest', '4xx')).toBe(1);
    const reads = 'image_registry_credentials_reads_total';
    expect(sample(after, reads) - sample(before, reads)).toBe(2);
    await expectPromtoolAccepts(after);
  });
});

describe('GET /metrics with METRICS_ENABLED=false', () => {
  const app = appOnSqlite({ METRICS_ENABLED: 'false' });

  it('is not there', async () => {
    await request(app().http).get('/metrics').expect(404);
  });
});
