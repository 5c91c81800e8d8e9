import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ImageRegistryEvent } from '../src/audit/image-registry-event.entity';
import { describeEachDatabase } from './support/test-app';
import { bearer, CREDENTIALS, READ, TEST_JWT_SECRET, token, WRITE } from './support/tokens';

/**
 * The audit trail as stored (CONTRACT §10): every change and every credentials read is an event,
 * written with the change in one transaction, with the token's sub, the request id and the
 * changed fields' names, never a value.
 */

const BASE = '/api/v1/image-registries';
const alice = `Bearer ${token(WRITE, { subject: 'alice' })}`;
const reader = bearer(READ);
const PASSWORD = `audit-${randomUUID()}`;

describeEachDatabase('the audit trail as stored', (suite) => {
  const api = () => request(suite().app.http);
  const events = () => suite().app.app.get(DataSource).getRepository(ImageRegistryEvent);
  const eventsOf = (requestId: string) =>
    events().find({ where: { requestId }, order: { id: 'ASC' } });

  let sequence = 0;
  const unique = () => {
    sequence += 1;
    return `audited-${sequence}`;
  };

  /** Sends a write with a fresh request id; answers the response and the events it recorded. */
  async function audited(send: (requestId: string) => request.Test) {
    const requestId = `audit-${randomUUID()}`;
    const response = await send(requestId);
    expect(response.headers['x-request-id']).toBe(requestId);
    return { response, recorded: await eventsOf(requestId) };
  }

  const create = (body: object) =>
    audited((id) =>
      api().post(BASE).set('Authorization', alice).set('X-Request-Id', id).send(body),
    );
  const update = (registryId: number, body: object, ifMatch?: string) =>
    audited((id) => {
      const pending = api().put(`${BASE}/${registryId}`).set('Authorization', alice);
      return (ifMatch === undefined ? pending : pending.set('If-Match', ifMatch))
        .set('X-Request-Id', id)
        .send(body);
    });

  it('records a create with the fields given a value other than their default', async () => {
    const name = unique();
    const { response, recorded } = await create({
      name,
      url: `${name}.example.com`,
      username: 'robot',
      password: PASSWORD,
      insecure: true,
    });
    expect(response.status).toBe(201);
    expect(recorded).toEqual([
      {
        id: expect.any(Number),
        at: response.body.created_at,
        action: 'created',
        registryId: response.body.id,
        registryName: name,
        registryUrl: `https://${name}.example.com`,
        actor: 'alice',
        changes: ['name', 'url', 'username', 'password', 'insecure'],
        requestId: recorded[0].requestId,
      },
    ]);
    const plain = await create({ name: unique(), url: `${unique()}.example.com` });
    expect(plain.recorded.map((event) => event.changes)).toEqual([['name', 'url']]);
  });

  it('records an update with the fields whose stored value changed, in the contract order', async () => {
    const name = unique();
    const created = await create({
      name,
      url: `${name}.example.com`,
      username: 'robot',
      password: PASSWORD,
    });
    const id = created.response.body.id as number;

    const same = await update(id, { name, description: '' });
    expect(same.recorded.map((event) => [event.action, event.changes])).toEqual([['updated', []]]);

    const resent = await update(id, { password: PASSWORD, description: 'd', insecure: false });
    expect(resent.recorded[0].changes).toEqual(['password', 'description']);

    const moved = await update(id, { url: `${name}-moved.example.com` });
    expect(moved.recorded[0]).toMatchObject({
      changes: ['url', 'password'],
      registryUrl: `https://${name}-moved.example.com`,
    });

    const cleared = await update(id, { password: null });
    expect(cleared.recorded[0].changes).toEqual([]);

    await update(id, { password: PASSWORD });
    const anonymous = await update(id, { username: null });
    expect(anonymous.recorded[0].changes).toEqual(['username', 'password']);
  });

  it('records the registry that loses the default as updated, with the same request id', async () => {
    const first = await create({ name: unique(), url: `${unique()}.example.com`, default: true });
    const second = await create({ name: unique(), url: `${unique()}.example.com`, default: true });
    expect(second.recorded.map((event) => [event.action, event.registryId, event.changes])).toEqual(
      [
        ['updated', first.response.body.id, ['default']],
        ['created', second.response.body.id, ['name', 'url', 'default']],
      ],
    );
    const third = await create({ name: unique(), url: `${unique()}.example.com` });
    const moved = await update(third.response.body.id as number, { default: true });
    expect(moved.recorded.map((event) => [event.registryId, event.changes])).toEqual([
      [second.response.body.id, ['default']],
      [third.response.body.id, ['default']],
    ]);
    expect(new Set(moved.recorded.map((event) => event.requestId)).size).toBe(1);
  });

  it('records a delete with the name and URL the registry had', async () => {
    const name = unique();
    const created = await create({ name, url: `${name}.example.com` });
    const { response, recorded } = await audited((id) =>
      api()
        .delete(`${BASE}/${created.response.body.id}`)
        .set('Authorization', alice)
        .set('X-Request-Id', id),
    );
    expect(response.status).toBe(200);
    expect(recorded).toMatchObject([
      {
        action: 'deleted',
        registryName: name,
        registryUrl: `https://${name}.example.com`,
        changes: [],
      },
    ]);
  });

  it('records nothing for a rejected write: 400, 404, 409, 412', async () => {
    const name = unique();
    const created = await create({ name, url: `${name}.example.com` });
    const id = created.response.body.id as number;
    const rejected = [
      await create({ name: '', url: 'x.example.com' }),
      await create({ name: name.toUpperCase(), url: 'other.example.com' }),
      await update(424242, { description: 'x' }),
      await update(id, { description: 'x' }, '"7"'),
      await update(id, { password: 'no-username' }),
    ];
    expect(rejected.map(({ response }) => response.status)).toEqual([400, 409, 404, 412, 400]);
    for (const { recorded } of rejected) expect(recorded).toEqual([]);
  });

  it('records one event for 20 parallel creates of one name', async () => {
    const name = unique();
    const requestId = `race-${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api()
          .post(BASE)
          .set('Authorization', alice)
          .set('X-Request-Id', `${requestId}-${i}`)
          .send({ name, url: `${name}-${i}.example.com` }),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    const all = await events().find({ where: { registryName: name } });
    expect(all).toHaveLength(1);
  });

  it('records a credentials read before answering, also for a registry without credentials', async () => {
    const name = unique();
    const created = await create({ name, url: `${name}.example.com` });
    const { response, recorded } = await audited((id) =>
      api()
        .get(`${BASE}/${created.response.body.id}/credentials?format=dockerconfigjson`)
        .set('Authorization', `Bearer ${token(CREDENTIALS, { subject: 'importer' })}`)
        .set('X-Request-Id', id),
    );
    expect(response.status).toBe(200);
    expect(recorded).toMatchObject([
      { action: 'credentials_read', actor: 'importer', changes: [] },
    ]);
  });

  it('answers 503 and sends nothing when the credentials read cannot be recorded', async () => {
    const name = unique();
    const created = await create({
      name,
      url: `${name}.example.com`,
      username: 'robot',
      password: PASSWORD,
    });
    const dataSource = suite().app.app.get(DataSource);
    await dataSource.query(
      'ALTER TABLE image_registry_events RENAME TO image_registry_events_away',
    );
    try {
      const response = await api()
        .get(`${BASE}/${created.response.body.id}/credentials`)
        .set('Authorization', bearer(CREDENTIALS));
      expect(response.status).toBe(503);
      expect(response.text).not.toContain(PASSWORD);
      expect(response.body.message).toMatch(/could not be recorded/);
    } finally {
      await dataSource.query(
        'ALTER TABLE image_registry_events_away RENAME TO image_registry_events',
      );
    }
  });

  it('records an actor of null for a token without sub, and never any value', async () => {
    const noSub = `Bearer ${sign({ scope: WRITE }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: '5m' })}`;
    const name = unique();
    const { recorded } = await audited((id) =>
      api()
        .post(BASE)
        .set('Authorization', noSub)
        .set('X-Request-Id', id)
        .send({ name, url: `${name}.example.com`, username: 'robot', password: PASSWORD }),
    );
    expect(recorded[0].actor).toBeNull();
    const rows = await suite()
      .app.app.get(DataSource)
      .query<Record<string, unknown>[]>('SELECT * FROM image_registry_events');
    expect(rows.length).toBeGreaterThan(10);
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    expect(JSON.stringify(rows)).not.toContain('v1:');
    await api().get(BASE).set('Authorization', reader).expect(200);
  });
});

describeEachDatabase('GET /api/v1/image-registries/events', (suite) => {
  const api = () => request(suite().app.http);
  const auditor = `Bearer ${token('registries:audit', { subject: 'auditor' })}`;
  const list = (query = '') => api().get(`${BASE}/events${query}`).set('Authorization', auditor);
  const as = (subject: string) => `Bearer ${token(WRITE, { subject })}`;
  const ids: number[] = [];
  let startedAt = 0;

  beforeAll(async () => {
    startedAt = Math.floor(Date.now() / 1000);
    for (const [subject, name] of [
      ['alice', 'events-one'],
      ['bob', 'events-two'],
    ]) {
      const created = await api()
        .post(BASE)
        .set('Authorization', as(subject))
        .send({ name, url: `${name}.example.com` })
        .expect(201);
      ids.push(created.body.id as number);
    }
    await api()
      .put(`${BASE}/${ids[0]}`)
      .set('Authorization', as('bob'))
      .send({ default: true })
      .expect(200);
    await api()
      .put(`${BASE}/${ids[1]}`)
      .set('Authorization', as('alice'))
      .send({ default: true })
      .expect(200);
    await api().delete(`${BASE}/${ids[1]}`).set('Authorization', as('alice')).expect(200);
  });

  it('lists every event newest first, with the total', async () => {
    const response = await list().expect(200);
    expect(response.headers['x-total-count']).toBe('6');
    expect((response.body as { action: string }[]).map((event) => event.action)).toEqual([
      'deleted',
      'updated',
      'updated',
      'updated',
      'created',
      'created',
    ]);
    const newest = response.body[0] as Record<string, unknown>;
    expect(Object.keys(newest).sort()).toEqual(
      [
        'action',
        'actor',
        'at',
        'changes',
        'id',
        'registry_id',
        'registry_name',
        'registry_url',
        'request_id',
      ].sort(),
    );
    expect(newest).toMatchObject({
      action: 'deleted',
      registry_id: ids[1],
      registry_name: 'events-two',
      registry_url: 'https://events-two.example.com',
      actor: 'alice',
      changes: [],
    });
    const idsDescending = (response.body as { id: number }[]).map((event) => event.id);
    expect([...idsDescending].sort((a, b) => b - a)).toEqual(idsDescending);
  });

  it('pages', async () => {
    const second = await list('?pageNum=2&pageSize=4').expect(200);
    expect(second.headers['x-total-count']).toBe('6');
    expect((second.body as { action: string }[]).map((event) => event.action)).toEqual([
      'created',
      'created',
    ]);
    expect((await list('?pageNum=3&pageSize=4').expect(200)).body).toEqual([]);
  });

  it('filters by registry, action and actor, combined, also for a deleted registry', async () => {
    const ofDeleted = await list(`?registryId=${ids[1]}`).expect(200);
    expect(ofDeleted.headers['x-total-count']).toBe('3');
    const updatedByAlice = await list('?action=updated&actor=alice').expect(200);
    expect(
      (updatedByAlice.body as { registry_id: number }[]).map((event) => event.registry_id).sort(),
    ).toEqual([ids[0], ids[1]].sort());
    const none = await list('?registryId=424242').expect(200);
    expect(none.body).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');
    expect((await list('?actor=Alice').expect(200)).body).toEqual([]);
  });

  it('filters by time, both bounds inclusive', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await list(`?since=${startedAt}&until=${now}`).expect(200)).headers['x-total-count'],
    ).toBe('6');
    expect((await list(`?since=${now + 1}`).expect(200)).body).toEqual([]);
    expect((await list(`?until=${startedAt - 1}`).expect(200)).body).toEqual([]);
  });

  it.each([
    ['?registryId=0', 'registryId'],
    ['?registryId=01', 'registryId'],
    ['?registryId=abc', 'registryId'],
    ['?action=read', 'action'],
    ['?actor=', 'actor'],
    ['?since=-1', 'since'],
    ['?until=1.5', 'until'],
    ['?since=20&until=10', 'since must not be after until'],
    ['?pageSize=101', 'pageSize'],
    ['?pageNum=0', 'pageNum'],
  ])('answers 400 to %s, naming %s', async (query, named) => {
    const response = await list(query).expect(400);
    expect((response.body.message as string[]).join(' ')).toContain(named);
  });

  it('needs registries:audit, which no other scope implies, and which grants nothing else', async () => {
    for (const scope of [READ, WRITE, CREDENTIALS, `${READ} ${WRITE} ${CREDENTIALS}`]) {
      const response = await api()
        .get(`${BASE}/events`)
        .set('Authorization', `Bearer ${token(scope)}`)
        .expect(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer error="insufficient_scope", scope="registries:audit"',
      );
    }
    await api().get(BASE).set('Authorization', auditor).expect(403);
    await api().get(`${BASE}/${ids[0]}/credentials`).set('Authorization', auditor).expect(403);
    await api().get(`${BASE}/events`).expect(401);
  });

  it('records nothing for listing the trail or reading registries', async () => {
    const before = (await list().expect(200)).headers['x-total-count'];
    await api().get(BASE).set('Authorization', reader).expect(200);
    await api().get(`${BASE}/${ids[0]}`).set('Authorization', reader).expect(200);
    expect((await list().expect(200)).headers['x-total-count']).toBe(before);
  });
});
