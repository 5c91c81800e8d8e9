import request from 'supertest';
import { DataSource } from 'typeorm';
import { saveRegistries } from './support/saved-registries';
import { describeEachDatabase } from './support/test-app';
import { bearer, CREDENTIALS, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const HUB_SERVER = 'https://index.docker.io/v1/';

interface Login {
  registry_id: number;
  server: string;
  username: string;
  password: string;
}

/** CONTRACT §12: the credentials of several registries, and one auth file for a copy tool. */
describeEachDatabase('GET /api/v1/image-registries/credentials', (suite) => {
  const api = () => request(suite().app.http);
  const ids: Record<string, number> = {};
  const credentials = (query = '', scope = CREDENTIALS, requestId?: string) => {
    const call = api().get(`${BASE}/credentials${query}`).set('Authorization', bearer(scope));
    return requestId === undefined ? call : call.set('X-Request-Id', requestId);
  };
  const eventsOf = async (requestId: string) => {
    const response = await api()
      .get(`${BASE}/events?action=credentials_read&pageSize=100`)
      .set('Authorization', bearer('registries:audit'))
      .expect(200);
    const events = response.body as { registry_id: number; request_id: string }[];
    return events.filter((event) => event.request_id === requestId);
  };

  beforeAll(async () => {
    const registries = {
      hub: { url: 'docker.io', username: 'hub-user', password: 'hub+pass/word=' },
      teamA: { url: 'https://harbor.example.com/team-a', username: 'robot$a', password: 'pw-a' },
      harbor: { url: 'https://harbor.example.com', username: 'robot$h', password: 'pw-h' },
      open: { url: 'https://open.example.com' },
      usernameOnly: { url: 'https://user.example.com', username: 'just-a-name' },
      teamAPlain: {
        url: 'http://harbor.example.com/team-a',
        username: 'robot$p',
        password: 'pw-p',
      },
      local: { url: 'http://127.0.0.1:5000', username: 'local', password: 'pw-l' },
    };
    Object.assign(ids, await saveRegistries(suite().app.http, registries));
  });

  it('answers every registry with a username and a password, ordered by id', async () => {
    const response = await credentials().expect(200);
    expect(response.body as Login[]).toEqual([
      {
        registry_id: ids.hub,
        server: HUB_SERVER,
        username: 'hub-user',
        password: 'hub+pass/word=',
      },
      {
        registry_id: ids.teamA,
        server: 'harbor.example.com',
        username: 'robot$a',
        password: 'pw-a',
      },
      {
        registry_id: ids.harbor,
        server: 'harbor.example.com',
        username: 'robot$h',
        password: 'pw-h',
      },
      {
        registry_id: ids.teamAPlain,
        server: 'harbor.example.com',
        username: 'robot$p',
        password: 'pw-p',
      },
      { registry_id: ids.local, server: '127.0.0.1:5000', username: 'local', password: 'pw-l' },
    ]);
  });

  it('answers one Docker config.json, keyed as the copy tools match', async () => {
    const response = await credentials('?format=dockerconfigjson').expect(200);
    const auth = (username: string, password: string) => ({
      username,
      password,
      auth: Buffer.from(`${username}:${password}`).toString('base64'),
    });
    expect(response.body).toEqual({
      auths: {
        [HUB_SERVER]: auth('hub-user', 'hub+pass/word='),
        // Sharing a host: by path, the bare key for the one without; http and https of the
        // same path collide and the lower id wins.
        'harbor.example.com/team-a': auth('robot$a', 'pw-a'),
        'harbor.example.com': auth('robot$h', 'pw-h'),
        '127.0.0.1:5000': auth('local', 'pw-l'),
      },
    });
    expect(Object.keys(response.body.auths as object)).toEqual([
      HUB_SERVER,
      'harbor.example.com/team-a',
      'harbor.example.com',
      '127.0.0.1:5000',
    ]);
  });

  it('limits the answer to registryIds, a repeated id counted once', async () => {
    const query = `?registryIds=${ids.local},${ids.hub},${ids.open},${ids.local}`;
    const response = await credentials(query).expect(200);
    expect((response.body as Login[]).map(({ registry_id }) => registry_id)).toEqual([
      ids.hub,
      ids.local,
    ]);
    const config = await credentials(`${query}&format=dockerconfigjson`).expect(200);
    expect(Object.keys(config.body.auths as object)).toEqual([HUB_SERVER, '127.0.0.1:5000']);
    // Alone, a registry that shares its host has no one to share it with: the bare key.
    const alone = await credentials(`?registryIds=${ids.teamA}&format=dockerconfigjson`).expect(
      200,
    );
    expect(Object.keys(alone.body.auths as object)).toEqual(['harbor.example.com']);
  });

  it('answers an empty list, and {"auths": {}}, for registries without credentials', async () => {
    const query = `?registryIds=${ids.open},${ids.usernameOnly}`;
    await credentials(query).expect(200, []);
    await credentials(`${query}&format=dockerconfigjson`).expect(200, { auths: {} });
  });

  it('is a 404 naming an id that does not exist, and records nothing', async () => {
    const response = await credentials(
      `?registryIds=${ids.hub},2147483000,2147482000`,
      CREDENTIALS,
      'rid-missing',
    ).expect(404);
    expect(response.body.message).toBe('Image registry 2147482000 not found');
    expect(await eventsOf('rid-missing')).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['not a number', 'a'],
    ['zero', '0'],
    ['a leading zero', '01'],
    ['negative', '-1'],
    ['a trailing comma', '1,'],
    ['a space', '1, 2'],
    ['too large', '2147483648'],
    ['101 ids', Array.from({ length: 101 }, (_, i) => i + 1).join(',')],
  ])('is a 400 for registryIds %s', async (_case, value) => {
    const response = await credentials(`?registryIds=${encodeURIComponent(value)}`).expect(400);
    expect(JSON.stringify(response.body.message)).toMatch(/registryIds/);
  });

  it('takes 101 ids of which 100 are distinct', async () => {
    const list = [ids.hub, ...Array.from({ length: 100 }, () => ids.local)];
    expect(new Set(list).size).toBeLessThanOrEqual(100);
    await credentials(`?registryIds=${list.join(',')}`).expect(200);
  });

  it('needs registries:credentials', async () => {
    await credentials('', READ).expect(403);
    await credentials('', WRITE).expect(403);
    await api().get(`${BASE}/credentials`).expect(401);
  });

  it('records one credentials_read event per registry answered, all with the request id', async () => {
    await credentials('?format=dockerconfigjson', CREDENTIALS, 'rid-all').expect(200);
    const recorded = await eventsOf('rid-all');
    expect(recorded.map(({ registry_id }) => registry_id).sort((a, b) => a - b)).toEqual(
      [ids.hub, ids.teamA, ids.harbor, ids.teamAPlain, ids.local].sort((a, b) => a - b),
    );
  });

  it('answers 503 and sends nothing when the reads cannot be recorded', async () => {
    const dataSource = suite().app.app.get(DataSource);
    await dataSource.query(
      'ALTER TABLE image_registry_events RENAME TO image_registry_events_away',
    );
    try {
      const response = await credentials('?format=dockerconfigjson');
      expect(response.status).toBe(503);
      expect(response.text).not.toMatch(/pw-|hub\+pass/);
    } finally {
      await dataSource.query(
        'ALTER TABLE image_registry_events_away RENAME TO image_registry_events',
      );
    }
  });
});
