import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/migrations';
import { createTestDatabase, mysqlSkipped, type TestDatabase } from './support/databases';
import { describeEachDatabase, startApp, type TestApp } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const writer = bearer(WRITE);
const reader = bearer(READ);

/** One or more instances of the service; request `i` goes to instance `i mod n`. */
type Instances = App[];

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
const on = (instances: Instances, i: number): App => instances[i % instances.length];

function create(http: App, body: object): request.Test {
  return request(http).post(BASE).set('Authorization', writer).send(body);
}

function makeDefault(http: App, id: number): request.Test {
  return request(http).put(`${BASE}/${id}`).set('Authorization', writer).send({ default: true });
}

/** How many responses had each status, e.g. `{ 201: 1, 409: 19 }`. */
function tally(responses: request.Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** `count` different spellings of `https://<host>` that all normalise to it. */
function equivalentUrls(host: string, count: number): string[] {
  const schemes = ['', 'https://', 'HTTPS://', 'Https://'];
  const hosts = [host, host.toUpperCase(), host.replace(/^./, (c) => c.toUpperCase())];
  const ports = ['', ':443'];
  const suffixes = ['', '/', '/v2', '/v2/'];
  const urls = range(count).map((i) => {
    const url = `${schemes[i % 4]}${hosts[i % 3]}${ports[Math.floor(i / 2) % 2]}${suffixes[Math.floor(i / 4) % 4]}`;
    return i % 7 === 0 ? `  ${url}\t` : url;
  });
  expect(new Set(urls).size).toBe(count);
  return urls;
}

async function createMany(instances: Instances, count: number, tag: string): Promise<number[]> {
  const responses = await Promise.all(
    range(count).map((i) =>
      create(on(instances, i), { name: `${tag}-${i}`, url: `${tag}-${i}.example.com` }).expect(201),
    ),
  );
  return responses.map((response) => response.body.id as number);
}

async function listAll(http: App): Promise<{ id: number; default: boolean }[]> {
  const all: { id: number; default: boolean }[] = [];
  for (let page = 1; ; page += 1) {
    const response = await request(http)
      .get(`${BASE}?pageNum=${page}&pageSize=100`)
      .set('Authorization', reader)
      .expect(200);
    all.push(...(response.body as { id: number; default: boolean }[]));
    if (all.length >= Number(response.headers['x-total-count'])) return all;
  }
}

/** Exactly one registry is the default, it is one of `candidates`, and every instance agrees. */
async function expectSingleDefault(instances: Instances, candidates: number[]): Promise<void> {
  const defaults = (await listAll(instances[0])).filter((registry) => registry.default);
  expect(defaults).toHaveLength(1);
  expect(candidates).toContain(defaults[0].id);
  for (const http of instances) {
    const current = await request(http).get(`${BASE}/default`).set('Authorization', reader);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ id: defaults[0].id, default: true });
  }
}

async function raceSameName(instances: Instances, tag: string): Promise<void> {
  const responses = await Promise.all(
    range(20).map((i) => create(on(instances, i), { name: tag, url: `${tag}-${i}.example.com` })),
  );
  expect(tally(responses)).toEqual({ 201: 1, 409: 19 });
  for (const conflict of responses.filter((response) => response.status === 409)) {
    expect(conflict.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining(`"${tag}"`),
    });
  }
}

async function raceSameUrl(instances: Instances, tag: string): Promise<void> {
  const host = `${tag}.example.com`;
  const urls = equivalentUrls(host, 20);
  const responses = await Promise.all(
    urls.map((url, i) => create(on(instances, i), { name: `${tag}-${i}`, url })),
  );
  expect(tally(responses)).toEqual({ 201: 1, 409: 19 });
  expect(responses.find((response) => response.status === 201)?.body.url).toBe(`https://${host}`);
  for (const conflict of responses.filter((response) => response.status === 409)) {
    expect(conflict.body.message).toContain(`https://${host}`);
  }
}

async function raceDefaultUpdates(instances: Instances, tag: string): Promise<void> {
  const ids = await createMany(instances, 30, tag);
  const responses = await Promise.all(ids.map((id, i) => makeDefault(on(instances, i), id)));
  expect(tally(responses)).toEqual({ 200: 30 });
  for (const response of responses) expect(response.body.default).toBe(true);
  await expectSingleDefault(instances, ids);
}

async function raceDefaultCreates(instances: Instances, tag: string): Promise<void> {
  const responses = await Promise.all(
    range(20).map((i) =>
      create(on(instances, i), {
        name: `${tag}-${i}`,
        url: `${tag}-${i}.example.com`,
        default: true,
      }),
    ),
  );
  expect(tally(responses)).toEqual({ 201: 20 });
  await expectSingleDefault(
    instances,
    responses.map((response) => response.body.id as number),
  );
}

/** Ten writers holding the same ETag: exactly one wins, the others are told the registry changed. */
async function raceSameEntityTag(instances: Instances, tag: string): Promise<void> {
  const created = await create(instances[0], { name: tag, url: `${tag}.example.com` }).expect(201);
  const id = created.body.id as number;
  const etag = created.headers.etag;
  const responses = await Promise.all(
    range(10).map((i) =>
      request(on(instances, i))
        .put(`${BASE}/${id}`)
        .set('Authorization', writer)
        .set('If-Match', etag)
        .send({ description: `writer ${i}` }),
    ),
  );
  expect(tally(responses)).toEqual({ 200: 1, 412: 9 });
  const winner = responses.find((response) => response.status === 200)!;
  expect(winner.headers.etag).toBe('"2"');
  for (const loser of responses.filter((response) => response.status === 412)) {
    expect(loser.body).toEqual({
      statusCode: 412,
      error: 'Precondition Failed',
      message: `Image registry ${id} has changed: its current ETag is "2"`,
    });
  }
  const stored = await request(instances[0]).get(`${BASE}/${id}`).set('Authorization', reader);
  expect(stored.body.description).toBe(winner.body.description);
  expect(stored.headers.etag).toBe('"2"');
}

describeEachDatabase('concurrent writes on one instance', (suite) => {
  const instances = (): Instances => [suite().app.http];

  it('lets one of 20 parallel creates with the same name win; the others get 409', () =>
    raceSameName(instances(), 'same-name'));

  it('lets one of 20 parallel creates with equivalent URLs win; the others get 409', () =>
    raceSameUrl(instances(), 'same-url'));

  it('keeps exactly one default after 30 parallel default updates, all 200', () =>
    raceDefaultUpdates(instances(), 'default-update'));

  it('keeps exactly one default after 20 parallel creates with default: true, all 201', () =>
    raceDefaultCreates(instances(), 'default-create'));

  it('lets one of 10 parallel updates with the same If-Match win; the others get 412', () =>
    raceSameEntityTag(instances(), 'same-etag'));
});

(mysqlSkipped() ? describe.skip : describe)('two instances on one database [mariadb]', () => {
  let database: TestDatabase;
  let apps: TestApp[] = [];
  const instances = (): Instances => apps.map((app) => app.http);

  beforeAll(async () => {
    database = await createTestDatabase('mariadb');
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await database?.drop();
  });

  it('both start on an empty database, migrating at the same time, and migrate once', async () => {
    const started = await Promise.allSettled([startApp(database.url), startApp(database.url)]);
    apps = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(started.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    const applied = await apps[0].app
      .get(DataSource)
      .query<{ name: string }[]>('SELECT name FROM schema_migrations');
    expect(applied.map((row) => row.name).sort()).toEqual(
      MIGRATIONS.map((migration) => migration.name).sort(),
    );
  });

  it('lets one of 20 creates with the same name, split across both, win', () =>
    raceSameName(instances(), 'two-same-name'));

  it('lets one of 20 creates with equivalent URLs, split across both, win', () =>
    raceSameUrl(instances(), 'two-same-url'));

  it('keeps exactly one default after 30 default updates split across both', () =>
    raceDefaultUpdates(instances(), 'two-default-update'));

  it('keeps exactly one default after 20 default creates split across both', () =>
    raceDefaultCreates(instances(), 'two-default-create'));

  it('lets one of 10 updates with the same If-Match, split across both, win', () =>
    raceSameEntityTag(instances(), 'two-same-etag'));
});
