/**
 * The external contract of the registries API (resource, URL rules, endpoints, errors), checked
 * over HTTP on every supported database. Every response in this file also passes `checkResponse`:
 * never a 5xx, never a `password` key, never a password this file sent.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import Sqlite from 'better-sqlite3';
import request, { type Response, type Test } from 'supertest';
import { KeyRing } from '../src/crypto/key-ring';
import { adminQuery } from './support/databases';
import { describeEachDatabase, TEST_ENCRYPTION_KEY } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const writer = bearer(WRITE);
const reader = bearer(READ);
const keyRing = KeyRing.fromBase64(TEST_ENCRYPTION_KEY);
const MAX_ID = 2 ** 31 - 1;
const MIB = 1024 * 1024;

interface Registry {
  id: number;
  name: string;
  url: string;
  username: string | null;
  default: boolean;
  description: string;
  insecure: boolean;
  ca_certificate: string | null;
  created_at: number;
  updated_at: number;
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

interface StoredRow {
  id: number;
  name: string;
  url: string;
  username: string | null;
  password: string | null;
  is_default: unknown;
  created_at: number | string;
  updated_at: number | string;
}

type Method = 'get' | 'post' | 'put' | 'delete';

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  503: 'Service Unavailable',
};

// ---------------------------------------------------------------------------------------------
// Values

let sequence = 0;
/** A name no other test uses; also usable as a host label. */
const uniqueName = (prefix = 'reg'): string => `${prefix}-${process.pid}-${++sequence}`;
/** The name and URL of a registry that collides with nothing. */
const fresh = (): { name: string; url: string } => {
  const name = uniqueName();
  return { name, url: `https://${name}.example.com` };
};

/** Every password this file sends; no response may ever contain one. */
const sentSecrets = new Set<string>();
function secret(label = 'pw'): string {
  const value = `${label}-${randomBytes(8).toString('hex')}`;
  sentSecrets.add(value);
  return value;
}

/** A password in a URL's user info, rejected but never to be echoed. */
const URL_SECRET = 'S3cr3t-in-url';
sentSecrets.add(URL_SECRET);

/** `text` padded with `filler` to exactly `length` code points. */
const padded = (text: string, length: number, filler = 'x'): string =>
  text + filler.repeat(length - [...text].length);

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------
// Assertions

function findPasswordKey(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.toLowerCase().includes('password')) return `${path}.${key}`;
    const found = findPasswordKey(child, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Run on every response of this file. */
function checkResponse(res: Response): void {
  if (res.status >= 500) throw new Error(`answered ${res.status}: ${res.text}`);
  const passwordKey = findPasswordKey(res.body);
  if (passwordKey !== undefined)
    throw new Error(`the response has a password key at ${passwordKey}`);
  for (const value of sentSecrets) {
    if (res.text.includes(value)) throw new Error(`the response contains a password: ${res.text}`);
  }
}

const typeOf = (value: unknown): string => (value === null ? 'null' : typeof value);

/** Exactly the resource's keys with the resource's types; returns the body typed. */
function expectResource(body: unknown): Registry {
  const registry = body as Registry;
  const types = Object.fromEntries(Object.entries(registry).map(([key, v]) => [key, typeOf(v)]));
  expect(types).toEqual({
    id: 'number',
    name: 'string',
    url: 'string',
    username: registry.username === null ? 'null' : 'string',
    default: 'boolean',
    description: 'string',
    insecure: 'boolean',
    ca_certificate: registry.ca_certificate === null ? 'null' : 'string',
    created_at: 'number',
    updated_at: 'number',
  });
  for (const value of [registry.id, registry.created_at, registry.updated_at]) {
    expect(Number.isSafeInteger(value) && value > 0).toBe(true);
  }
  expect(registry.updated_at).toBeGreaterThanOrEqual(registry.created_at);
  return registry;
}

/** `{statusCode, error, message}` with the standard reason phrase. */
function expectError(res: Response, status: number): ErrorBody {
  // Compared with the text so that a failure shows what came back.
  expect({ status: res.status, text: res.text }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as ErrorBody;
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
  expect(body.error).toBe(REASON[status]);
  const messages = Array.isArray(body.message) ? body.message : [body.message];
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(typeOf(message)).toBe('string');
  return body;
}

const naming = (word: string): RegExp =>
  new RegExp(`(^|[^\\w])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`);

/** A validation 400: `message` is an array of strings, each naming one of `fields`, all named. */
function expectValidationError(res: Response, ...fields: string[]): string[] {
  const { message } = expectError(res, 400);
  expect(Array.isArray(message)).toBe(true);
  const messages = message as string[];
  for (const text of messages) {
    expect(fields.filter((field) => naming(field).test(text))).not.toEqual([]);
  }
  for (const field of fields) {
    expect(messages.filter((text) => naming(field).test(text))).not.toEqual([]);
  }
  return messages;
}

function expectConflict(res: Response, named: string): void {
  const { message } = expectError(res, 409);
  expect(message).toEqual(expect.stringContaining(named));
}

// ---------------------------------------------------------------------------------------------

describeEachDatabase('image registries contract', (suite, kind) => {
  const call = (method: Method, path: string, auth: string | null = writer): Test => {
    const test = request(suite().app.http)[method](`${BASE}${path}`).expect(checkResponse);
    return auth === null ? test : test.set('Authorization', auth);
  };
  const post = (body: object): Test => call('post', '').send(body);
  const put = (id: number | string, body: object): Test => call('put', `/${id}`).send(body);
  const get = (id: number | string): Test => call('get', `/${id}`, reader);
  const getDefault = (): Test => call('get', '/default', reader);
  const remove = (id: number | string): Test => call('delete', `/${id}`);
  const list = (query = ''): Test => call('get', query === '' ? '' : `?${query}`, reader);

  /** Creates a registry from `fields` over fresh name and URL; returns the checked resource. */
  async function create(fields: object = {}): Promise<Registry> {
    return expectResource((await post({ ...fresh(), ...fields }).expect(201)).body);
  }
  async function fetch(id: number): Promise<Registry> {
    return expectResource((await get(id).expect(200)).body);
  }
  async function update(id: number, fields: object): Promise<Registry> {
    return expectResource((await put(id, fields).expect(200)).body);
  }
  async function listAll(): Promise<{ items: Registry[]; total: number }> {
    const items: Registry[] = [];
    for (let page = 1; ; page += 1) {
      const res = await list(`pageNum=${page}&pageSize=100`).expect(200);
      const total = Number(res.headers['x-total-count']);
      const batch = res.body as unknown[];
      items.push(...batch.map(expectResource));
      if (batch.length < 100) return { items, total };
    }
  }
  /** What a URL becomes: creates a registry with it, reads the URL back and deletes it again. */
  async function normalised(url: string): Promise<string> {
    const registry = await create({ url });
    await remove(registry.id).expect(200);
    return registry.url;
  }
  async function clearDefault(): Promise<void> {
    const res = await getDefault();
    if (res.status === 200) await update((res.body as Registry).id, { default: false });
    await getDefault().expect(404);
  }

  /** Runs SQL straight on the suite's database, beside the service. */
  async function sql<T>(query: string, values: unknown[] = []): Promise<T[]> {
    const { url } = suite().database;
    if (kind === 'mariadb') return (await adminQuery(query, values, url)) as T[];
    const db = new Sqlite(url.slice('sqlite:'.length), { fileMustExist: true, timeout: 5_000 });
    try {
      const statement = db.prepare(query);
      if (statement.reader) return statement.all(...values) as T[];
      statement.run(...values);
      return [];
    } finally {
      db.close();
    }
  }
  async function storedRow(id: number): Promise<StoredRow> {
    const [row] = await sql<StoredRow>('SELECT * FROM image_registries WHERE id = ?', [id]);
    if (row === undefined) throw new Error(`no row ${id}`);
    return row;
  }
  async function storedPassword(id: number): Promise<string | null> {
    const { password } = await storedRow(id);
    return password === null ? null : keyRing.decrypt(password);
  }
  async function countDefaults(): Promise<number> {
    const [row] = await sql<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM image_registries WHERE is_default = 1',
    );
    return Number(row.n);
  }

  describe('§1 the resource', () => {
    it('create answers 201 with exactly the resource, equal unix-second timestamps, no password', async () => {
      const fields = fresh();
      const before = nowSeconds();
      const res = await post({
        ...fields,
        username: 'alice',
        password: secret(),
        description: 'team images',
        insecure: true,
      }).expect(201);
      const after = nowSeconds();
      const registry = expectResource(res.body);
      expect(registry).toMatchObject({
        ...fields,
        username: 'alice',
        default: false,
        description: 'team images',
        insecure: true,
      });
      expect(registry.created_at).toBe(registry.updated_at);
      expect(registry.created_at).toBeGreaterThanOrEqual(before);
      expect(registry.created_at).toBeLessThanOrEqual(after);
      expect(await fetch(registry.id)).toEqual(registry);
    });

    it('fills the defaults: username null, default false, description "", insecure false, no CA', async () => {
      const fields = fresh();
      const registry = await create(fields);
      expect(registry).toMatchObject({
        ...fields,
        username: null,
        default: false,
        description: '',
        insecure: false,
        ca_certificate: null,
      });
      expect(await fetch(registry.id)).toEqual(registry);
    });

    it('never returns a password: get, default, list and update', async () => {
      await clearDefault();
      const { id } = await create({ username: 'bob', password: secret(), default: true });
      const responses = [
        await get(id).expect(200),
        await getDefault().expect(200),
        await list('pageSize=100').expect(200),
        await put(id, { description: 'changed', password: secret() }).expect(200),
      ];
      for (const res of responses) expect(res.text).not.toMatch(/password/i);
      await update(id, { default: false });
    });

    it('moves updated_at on a change and keeps created_at', async () => {
      const { id } = await create();
      await sql(
        'UPDATE image_registries SET created_at = created_at - 100, updated_at = updated_at - 100 WHERE id = ?',
        [id],
      );
      const old = await fetch(id);
      expect(old.updated_at).toBe(old.created_at);
      const before = nowSeconds();
      const updated = await update(id, { description: 'moved' });
      expect(updated.created_at).toBe(old.created_at);
      expect(updated.updated_at).toBeGreaterThanOrEqual(before);
      expect(updated.updated_at).toBeGreaterThan(updated.created_at);
      expect(await fetch(id)).toEqual(updated);
    });
  });

  describe('§1 name', () => {
    it('is trimmed on create and on update', async () => {
      const name = uniqueName();
      const registry = await create({ name: `  ${name}\t\n` });
      expect(registry.name).toBe(name);
      expect((await update(registry.id, { name: ` ${name}-2 ` })).name).toBe(`${name}-2`);
    });

    it.each([
      ['100 characters', 100, 'x'],
      ['100 characters outside the BMP', 100, '🐳'],
    ])('accepts %s', async (_label, length, filler) => {
      const name = padded(uniqueName(), length, filler);
      expect((await create({ name })).name).toBe(name);
      // Surrounding white space is trimmed before the length is checked.
      const spaced = padded(uniqueName(), length, filler);
      expect((await create({ name: `  ${spaced} ` })).name).toBe(spaced);
    });

    it.each([
      ['101 characters', padded('n', 101)],
      ['101 characters outside the BMP', padded('n', 101, '🐳')],
      ['an empty string', ''],
      ['white space only', ' \t\n '],
    ])('rejects %s with 400 on create and on update', async (_label, name) => {
      expectValidationError(await post({ ...fresh(), name }), 'name');
      const { id } = await create();
      expectValidationError(await put(id, { name }), 'name');
    });

    it('is unique case-insensitively, on create and on update, with a 409 naming it', async () => {
      const name = `Docker-Hub-${uniqueName()}`;
      const first = await create({ name });
      expectConflict(await post({ ...fresh(), name: name.toLowerCase() }), name.toLowerCase());
      expectConflict(
        await post({ ...fresh(), name: ` ${name.toUpperCase()} ` }),
        name.toUpperCase(),
      );
      const second = await create();
      expectConflict(await put(second.id, { name: name.toUpperCase() }), name.toUpperCase());
      // Renaming a registry to its own name in another case is no conflict.
      expect((await update(first.id, { name: name.toLowerCase() })).name).toBe(name.toLowerCase());
    });

    it('compares non-ASCII names case-insensitively too', async () => {
      const name = `Ärger-Ωmega-${uniqueName()}`;
      await create({ name });
      expectConflict(await post({ ...fresh(), name: name.toLowerCase() }), name.toLowerCase());
    });
  });

  describe('§1 username and password', () => {
    it('accepts a 255-character username and rejects 256 characters', async () => {
      const username = padded('u', 255, '🐳');
      expect((await create({ username })).username).toBe(username);
      expectValidationError(await post({ ...fresh(), username: `${username}x` }), 'username');
    });

    it('rejects an empty username or password with 400', async () => {
      expectValidationError(await post({ ...fresh(), username: '' }), 'username');
      expectValidationError(await post({ ...fresh(), username: 'u', password: '' }), 'password');
      const { id } = await create({ username: 'u', password: secret() });
      expectValidationError(await put(id, { username: '' }), 'username');
      expectValidationError(await put(id, { password: '' }), 'password');
    });

    it('accepts 8192-character passwords, stored intact, and rejects 8193 characters', async () => {
      for (const filler of ['p', '🔑']) {
        const password = padded(secret(), 8192, filler);
        const { id } = await create({ username: 'u', password });
        expect(await storedPassword(id)).toBe(password);
        const tooLong = `${password}p`;
        sentSecrets.add(tooLong);
        expectValidationError(
          await post({ ...fresh(), username: 'u', password: tooLong }),
          'password',
        );
        expectValidationError(await put(id, { password: tooLong }), 'password');
        expect(await storedPassword(id)).toBe(password);
      }
    });

    it('rejects a password without a username on create', async () => {
      expectValidationError(await post({ ...fresh(), password: secret() }), 'password');
      expectValidationError(
        await post({ ...fresh(), username: null, password: secret() }),
        'password',
      );
    });

    it('rejects a password on update when the stored registry has no username', async () => {
      const { id } = await create();
      expectValidationError(await put(id, { password: secret() }), 'password');
      expect((await storedRow(id)).password).toBeNull();
      // With a username in the same request it is fine.
      const password = secret();
      expect((await update(id, { username: 'carol', password })).username).toBe('carol');
      expect(await storedPassword(id)).toBe(password);
    });

    it('rejects a password sent with "username": null on update', async () => {
      const password = secret();
      const { id } = await create({ username: 'dave', password });
      expectValidationError(await put(id, { username: null, password: secret() }), 'password');
      expect((await fetch(id)).username).toBe('dave');
      expect(await storedPassword(id)).toBe(password);
    });

    it('accepts null username and password on create as "none"', async () => {
      const registry = await create({ username: null, password: null });
      expect(registry.username).toBeNull();
      expect((await storedRow(registry.id)).password).toBeNull();
    });
  });

  describe('§1 description, default and insecure', () => {
    it('accepts a 500-character description and rejects 501 characters', async () => {
      const description = padded('d', 500, '🐳');
      expect((await create({ description })).description).toBe(description);
      expectValidationError(
        await post({ ...fresh(), description: `${description}d` }),
        'description',
      );
    });

    it('stores insecure and default as given', async () => {
      await clearDefault();
      const registry = await create({ insecure: true, default: true });
      expect(registry).toMatchObject({ insecure: true, default: true });
      expect(await update(registry.id, { insecure: false, default: false })).toMatchObject({
        insecure: false,
        default: false,
      });
    });
  });

  describe('§1 rejected request fields', () => {
    const wrongTypes: [string, unknown][] = [
      ['name', 5],
      ['name', ['x']],
      ['name', { value: 'x' }],
      ['url', 5],
      ['url', true],
      ['default', 'true'],
      ['default', 1],
      ['insecure', 1],
      ['insecure', 'false'],
      ['username', 3],
      ['username', false],
      ['password', 3],
      ['description', 5],
    ];

    it.each(wrongTypes)(
      '%s = %j: 400 naming the field, on create and on update',
      async (field, value) => {
        expectValidationError(await post({ ...fresh(), username: 'u', [field]: value }), field);
        const registry = await create({ username: 'u' });
        expectValidationError(await put(registry.id, { [field]: value }), field);
        expect(await fetch(registry.id)).toEqual(registry);
      },
    );

    it('names every wrong field when there are several', async () => {
      expectValidationError(
        await post({ ...fresh(), name: 5, insecure: 'yes', color: 'red' }),
        'name',
        'insecure',
        'color',
      );
    });

    it.each([
      'id',
      'created_at',
      'updated_at',
      'color',
      'Name',
      'is_default',
      'name_key',
      'nameKey',
    ])('%s: 400 naming the field, on create and on update', async (field) => {
      expectValidationError(await post({ ...fresh(), [field]: 1 }), field);
      const registry = await create();
      expectValidationError(await put(registry.id, { [field]: 1 }), field);
      expect(await fetch(registry.id)).toEqual(registry);
    });

    it.each(['name', 'url', 'default', 'description', 'insecure'])(
      '%s = null: 400 naming the field, on create and on update',
      async (field) => {
        expectValidationError(await post({ ...fresh(), [field]: null }), field);
        const registry = await create();
        expectValidationError(await put(registry.id, { [field]: null }), field);
        expect(await fetch(registry.id)).toEqual(registry);
      },
    );

    it('rejects a create without name or url', async () => {
      expectValidationError(await post({ url: fresh().url }), 'name');
      expectValidationError(await post({ name: uniqueName() }), 'url');
      expectValidationError(await post({}), 'name', 'url');
    });
  });

  describe('§2 URL rules', () => {
    it.each([
      ['harbor.example.com', 'https://harbor.example.com'],
      ['  https://harbor.example.com  ', 'https://harbor.example.com'],
      ['harbor.example.com:8443', 'https://harbor.example.com:8443'],
      ['localhost:5000', 'https://localhost:5000'],
      ['HTTPS://Harbor.Example.COM:443/', 'https://harbor.example.com'],
      ['http://harbor.example.com:80/v2/', 'http://harbor.example.com'],
      ['https://harbor.example.com:80', 'https://harbor.example.com:80'],
      ['http://harbor.example.com:443', 'http://harbor.example.com:443'],
      ['https://harbor.example.com/v2', 'https://harbor.example.com'],
      ['https://harbor.example.com///', 'https://harbor.example.com'],
      ['https://harbor.example.com/V2', 'https://harbor.example.com/V2'],
      ['https://harbor.example.com/v2x', 'https://harbor.example.com/v2x'],
      [
        'https://art.example.com/artifactory/api/docker/Team-Repo/',
        'https://art.example.com/artifactory/api/docker/Team-Repo',
      ],
      ['https://art.example.com/artifactory/v2/', 'https://art.example.com/artifactory'],
      ['Bücher.example', 'https://xn--bcher-kva.example'],
      ['https://MÜNCHEN.example:8443/v2/', 'https://xn--mnchen-3ya.example:8443'],
      ['http://[::1]:5000/', 'http://[::1]:5000'],
      ['https://[::1]:443', 'https://[::1]'],
      ['docker.io', 'https://registry-1.docker.io'],
      ['index.docker.io', 'https://registry-1.docker.io'],
      ['registry-1.docker.io', 'https://registry-1.docker.io'],
      ['registry.hub.docker.com', 'https://registry-1.docker.io'],
      ['https://index.docker.io/v1/', 'https://registry-1.docker.io'],
      ['https://registry-1.docker.io/v2/', 'https://registry-1.docker.io'],
      ['HTTPS://Docker.IO:443/', 'https://registry-1.docker.io'],
      ['docker.io:5000', 'https://docker.io:5000'],
    ])('%j is stored as %j', async (input, expected) => {
      expect(await normalised(input)).toBe(expected);
    });

    it('normalises a URL sent on update as well', async () => {
      const { id } = await create();
      const host = `${uniqueName()}.example.com`;
      expect((await update(id, { url: `HTTPS://${host.toUpperCase()}:443/v2/` })).url).toBe(
        `https://${host}`,
      );
    });

    it.each([
      ['ftp://harbor.example.com', /http or https/],
      ['file:///etc/passwd', /http or https/],
      [`https://alice:${URL_SECRET}@harbor.example.com`, /user info/],
      ['https://alice@harbor.example.com', /user info/],
      ['https://harbor.example.com/?tab=1', /query/],
      ['https://harbor.example.com?', /query/],
      ['https://harbor.example.com/#top', /fragment/],
      ['', /empty/],
      ['   ', /empty/],
      ['https://', /host/],
      ['https://harbor.example.com:99999', /valid/],
      [`https://harbor.example.com/${'p'.repeat(600)}`, /512/],
    ])('rejects %j with 400 naming the problem, on create and on update', async (url, problem) => {
      const messages = expectValidationError(await post({ ...fresh(), url }), 'url');
      expect(messages.join('\n')).toMatch(problem);
      const registry = await create();
      expect(expectValidationError(await put(registry.id, { url }), 'url').join('\n')).toMatch(
        problem,
      );
      expect(await fetch(registry.id)).toEqual(registry);
    });

    it('treats URLs that normalise alike as the same registry: 409 naming the URL', async () => {
      const host = `harbor-${uniqueName()}.example.com`;
      const first = await create({ url: `HTTPS://${host.toUpperCase()}:443/` });
      expect(first.url).toBe(`https://${host}`);
      expectConflict(await post({ ...fresh(), url: `${host}/v2/` }), `https://${host}`);
      const second = await create();
      expectConflict(await put(second.id, { url: `https://${host}/` }), `https://${host}`);
      expect(await fetch(second.id)).toEqual(second);
    });

    it('treats the Docker Hub aliases as one registry', async () => {
      const hub = await create({ url: 'docker.io' });
      try {
        expectConflict(
          await post({ ...fresh(), url: 'https://index.docker.io/v1/' }),
          'https://registry-1.docker.io',
        );
        expectConflict(
          await post({ ...fresh(), url: 'registry.hub.docker.com' }),
          'https://registry-1.docker.io',
        );
      } finally {
        await remove(hub.id).expect(200);
      }
    });
  });

  describe('§3 list', () => {
    it('pages through the registries by id ascending with X-Total-Count; defaults 1 and 10', async () => {
      for (let i = 0; i < 11; i += 1) await create();
      const { items: all, total } = await listAll();
      const [{ n }] = await sql<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM image_registries',
      );
      expect(total).toBe(Number(n));
      expect(all).toHaveLength(total);
      expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort((a, b) => a - b));
      expect(new Set(all.map((r) => r.id)).size).toBe(all.length);

      const page = async (query: string): Promise<Registry[]> => {
        const res = await list(query).expect(200);
        expect(res.headers['x-total-count']).toBe(String(total));
        expect(Array.isArray(res.body)).toBe(true);
        return (res.body as unknown[]).map(expectResource);
      };
      expect(await page('')).toEqual(all.slice(0, 10));
      expect(await page('pageNum=2')).toEqual(all.slice(10, 20));
      expect(await page('pageSize=3')).toEqual(all.slice(0, 3));
      expect(await page('pageNum=2&pageSize=3')).toEqual(all.slice(3, 6));
      expect(await page('pageSize=1&pageNum=1')).toEqual(all.slice(0, 1));
      expect(await page('pageSize=100')).toEqual(all.slice(0, 100));
      expect(await page('pageSize=3&sort=name&order=desc&foo=bar')).toEqual(all.slice(0, 3));
    });

    it.each([
      'pageNum=1000&pageSize=100',
      `pageNum=${MAX_ID}&pageSize=100`,
      'pageNum=9999999999',
      `pageNum=${'9'.repeat(40)}&pageSize=100`,
    ])('answers [] with the total for a page past the end (%s)', async (query) => {
      await create();
      const { total } = await listAll();
      const res = await list(query).expect(200);
      expect(res.body).toEqual([]);
      expect(res.headers['x-total-count']).toBe(String(total));
    });

    it.each([
      ['pageSize=101', 'pageSize'],
      ['pageSize=0', 'pageSize'],
      ['pageSize=-1', 'pageSize'],
      ['pageSize=1.5', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      ['pageSize=', 'pageSize'],
      ['pageSize=1e1', 'pageSize'],
      ['pageNum=0', 'pageNum'],
      ['pageNum=-1', 'pageNum'],
      ['pageNum=1.5', 'pageNum'],
      ['pageNum=abc', 'pageNum'],
      ['pageNum=', 'pageNum'],
      ['pageNum=%2B1', 'pageNum'],
      ['pageNum=0x1', 'pageNum'],
      ['pageNum=1&pageNum=2', 'pageNum'],
    ])('rejects %s with 400 naming the parameter', async (query, parameter) => {
      expectValidationError(await list(query), parameter);
    });
  });

  describe('§3 get, update and delete by id', () => {
    it.each([
      ['GET', (id: number) => get(id)],
      ['PUT', (id: number) => put(id, { description: 'x' })],
      ['DELETE', (id: number) => remove(id)],
    ])('%s answers 404 for an absent id', async (_method, send) => {
      expectError(await send(MAX_ID), 404);
      const { id } = await create();
      await remove(id).expect(200);
      expectError(await send(id), 404);
    });

    it('DELETE answers 200 with an empty body and removes the registry', async () => {
      const { id } = await create();
      const res = await remove(id).expect(200);
      expect(res.text).toBe('');
      expectError(await get(id), 404);
      expect(await sql('SELECT id FROM image_registries WHERE id = ?', [id])).toEqual([]);
      expect((await listAll()).items.map((r) => r.id)).not.toContain(id);
    });
  });

  describe('§1/§3 the default registry', () => {
    it('GET /default answers 404 when none is set, and the resource when one is', async () => {
      await clearDefault();
      expectError(await getDefault(), 404);
      const registry = await create({ default: true });
      expect(expectResource((await getDefault().expect(200)).body)).toEqual(registry);
    });

    it('setting the default on one clears it on the previous one', async () => {
      await clearDefault();
      const first = await create({ default: true });
      const second = await create();
      expect((await update(second.id, { default: true })).default).toBe(true);
      expect((await fetch(first.id)).default).toBe(false);
      expect((await fetch(second.id)).default).toBe(true);
      const third = await create({ default: true });
      expect((await fetch(second.id)).default).toBe(false);
      expect((await getDefault().expect(200)).body).toEqual(third);
      expect(await countDefaults()).toBe(1);
      // Setting it again on the default keeps it.
      expect((await update(third.id, { default: true })).default).toBe(true);
      expect(await countDefaults()).toBe(1);
    });

    it('unsetting or deleting the default leaves no default', async () => {
      await clearDefault();
      const first = await create({ default: true });
      await update(first.id, { default: false });
      expectError(await getDefault(), 404);
      const second = await create({ default: true });
      await remove(second.id).expect(200);
      expectError(await getDefault(), 404);
      expect(await countDefaults()).toBe(0);
    });
  });

  describe('§3 partial update and the stored password', () => {
    async function withCredentials(): Promise<{
      registry: Registry;
      password: string;
      stored: string;
    }> {
      const password = secret();
      const registry = await create({
        username: 'erin',
        password,
        description: 'kept',
        insecure: true,
      });
      const stored = (await storedRow(registry.id)).password;
      expect(stored).not.toBeNull();
      return { registry, password, stored: stored as string };
    }

    it('keeps every omitted field, the stored password included', async () => {
      const { registry, stored } = await withCredentials();
      const updated = await update(registry.id, { description: 'new text' });
      expect(updated).toEqual({
        ...registry,
        description: 'new text',
        updated_at: updated.updated_at,
      });
      expect((await storedRow(registry.id)).password).toBe(stored);
      const untouched = await update(registry.id, {});
      expect(untouched).toEqual({ ...updated, updated_at: untouched.updated_at });
      expect((await storedRow(registry.id)).password).toBe(stored);
    });

    it('keeps the password when only the username changes', async () => {
      const { registry, password } = await withCredentials();
      expect((await update(registry.id, { username: 'frank' })).username).toBe('frank');
      expect(await storedPassword(registry.id)).toBe(password);
    });

    it('"username": null clears the username and the password', async () => {
      const { registry } = await withCredentials();
      expect((await update(registry.id, { username: null })).username).toBeNull();
      expect(await storedRow(registry.id)).toMatchObject({ username: null, password: null });
    });

    it('"password": null clears the password and keeps the username', async () => {
      const { registry } = await withCredentials();
      expect((await update(registry.id, { password: null })).username).toBe('erin');
      expect(await storedRow(registry.id)).toMatchObject({ username: 'erin', password: null });
    });

    it('a changed url without a new password clears the stored password', async () => {
      const { registry } = await withCredentials();
      const moved = await update(registry.id, { url: fresh().url });
      expect(moved.username).toBe('erin');
      expect((await storedRow(registry.id)).password).toBeNull();
    });

    it('the same url written differently keeps the stored password', async () => {
      const { registry, stored } = await withCredentials();
      const host = registry.url.slice('https://'.length);
      for (const url of [`HTTPS://${host.toUpperCase()}:443/v2/`, host, registry.url]) {
        expect((await update(registry.id, { url })).url).toBe(registry.url);
        expect((await storedRow(registry.id)).password).toBe(stored);
      }
    });

    it('a changed url with a new password keeps the new password', async () => {
      const { registry } = await withCredentials();
      const password = secret();
      await update(registry.id, { url: fresh().url, password });
      expect(await storedPassword(registry.id)).toBe(password);
    });

    it('a rejected update changes nothing', async () => {
      const { registry, stored } = await withCredentials();
      const other = await create();
      expectConflict(await put(registry.id, { name: other.name, url: fresh().url }), other.name);
      expectValidationError(await put(registry.id, { description: 'x', color: 'red' }), 'color');
      expect(await fetch(registry.id)).toEqual(registry);
      expect((await storedRow(registry.id)).password).toBe(stored);
    });
  });

  describe('§6 the stored password', () => {
    it('is encrypted: v1: format, no plaintext anywhere in the row, a fresh IV per value', async () => {
      const password = secret('same');
      const first = await create({ username: 'gina', password });
      const second = await create({ username: 'gina', password });
      const rows = [await storedRow(first.id), await storedRow(second.id)];
      for (const row of rows) {
        expect(row.password).toMatch(/^v1:/);
        expect(JSON.stringify(row)).not.toContain(password);
        expect(keyRing.decrypt(row.password as string)).toBe(password);
      }
      expect(rows[0].password).not.toBe(rows[1].password);
      const onUpdate = secret('updated');
      await update(first.id, { password: onUpdate });
      const updated = await storedRow(first.id);
      expect(updated.password).toMatch(/^v1:/);
      expect(JSON.stringify(updated)).not.toContain(onUpdate);
    });
  });

  describe('§4 path ids', () => {
    const malformed = [
      'abc',
      '0',
      '-1',
      '1.5',
      '01',
      '+1',
      '%2B1',
      '2147483648',
      '99999999999',
      '1e3',
      '0x1',
      '1%20',
      '%201',
      '9'.repeat(200),
      '9'.repeat(8000),
    ];

    const labelled = malformed.map((id) => [id.length > 20 ? `<${id.length} digits>` : id, id]);

    it.each(labelled)('GET, PUT and DELETE /%s answer 400', async (_label, id) => {
      for (const res of [await get(id), await put(id, { description: 'x' }), await remove(id)]) {
        expectValidationError(res, 'id');
      }
    });

    it('PUT and DELETE /default answer 400', async () => {
      expectValidationError(await put('default', { description: 'x' }), 'id');
      expectValidationError(await remove('default'), 'id');
    });

    it(`accepts ${MAX_ID} as an id (404 when absent)`, async () => {
      for (const res of [await get(MAX_ID), await put(MAX_ID, {}), await remove(MAX_ID)]) {
        expectError(res, 404);
      }
    });
  });

  describe('§4 request bodies', () => {
    const raw = (
      method: 'post' | 'put',
      path: string,
      body: string,
      type = 'application/json',
    ): Test => call(method, path).set('Content-Type', type).send(body);

    it('malformed JSON is a 400 that quotes nothing of the body', async () => {
      const { id } = await create();
      for (const [method, path] of [
        ['post', ''],
        ['put', `/${id}`],
      ] as const) {
        const res = await raw(method, path, '{"name":"x","password":"TOPSECRET-123');
        expectError(res, 400);
        expect(res.text).not.toContain('TOPSECRET');
        expect(res.text).not.toContain('"name":"x"');
      }
    });

    it.each(['[]', '[{"name":"x","url":"x.example.com"}]', '"a string"', '5', 'true', 'null'])(
      'a JSON %s body is a 400',
      async (body) => {
        const { id } = await create();
        expectError(await raw('post', '', body), 400);
        expectError(await raw('put', `/${id}`, body), 400);
        expect(await fetch(id)).toMatchObject({ id });
      },
    );

    /** A create body of exactly `bytes` bytes, padded in the description. */
    function bodyOfSize(bytes: number): string {
      const skeleton = JSON.stringify({ ...fresh(), description: '' });
      const body = skeleton.replace(
        '"description":""',
        `"description":"${'d'.repeat(bytes - Buffer.byteLength(skeleton))}"`,
      );
      expect(Buffer.byteLength(body)).toBe(bytes);
      return body;
    }

    it('reads and validates a body of exactly 1 MiB (400), and answers 413 to one byte more', async () => {
      expectValidationError(await raw('post', '', bodyOfSize(MIB)), 'description');
      expectError(await raw('post', '', bodyOfSize(MIB + 1)), 413);
      const { id } = await create();
      expectValidationError(await raw('put', `/${id}`, bodyOfSize(MIB)), 'description');
      expectError(await raw('put', `/${id}`, bodyOfSize(MIB + 1)), 413);
    });

    it.each([
      ['deeply nested JSON', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'application/json'],
      ['a __proto__ key', '{"__proto__":{"name":"x"},"url":"x.example.com"}', 'application/json'],
      ['a constructor key', '{"constructor":{"prototype":{"x":1}}}', 'application/json'],
      [
        'a number too large for a double',
        '{"name":"n","url":"u.example.com","default":1e400}',
        'application/json',
      ],
      ['an unsupported charset', '{"name":"n"}', 'application/json; charset=klingon'],
      ['a form body', 'name=x&url=y', 'application/x-www-form-urlencoded'],
    ])('%s is a 4xx, never a 500', async (_label, body, type) => {
      const res = await raw('post', '', body, type);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectError(res, res.status);
    });

    it.each([
      ['text/plain', '{"description":"x"}'],
      ['application/x-www-form-urlencoded', 'description=x'],
    ])('a %s body is a 415 and changes nothing', async (type, body) => {
      const { id, description } = await create();
      expectError(await raw('put', `/${id}`, body, type), 415);
      expect(await fetch(id)).toMatchObject({ description });
    });

    it('a request without a body is read as an empty one', async () => {
      const { id } = await create();
      await call('put', `/${id}`).expect(200);
      expectValidationError(await call('post', ''), 'name', 'url');
    });

    it('a content-encoded body is a 415 and changes nothing, even when it is valid', async () => {
      const { id, description } = await create();
      const res = await call('put', `/${id}`)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(JSON.stringify({ description: 'compressed' })));
      expect(expectError(res, 415).message).toBe('Request bodies must not be content-encoded');
      expect(await fetch(id)).toMatchObject({ description });
    });

    it('a body with a broken Content-Encoding is a 4xx, never a 500', async () => {
      const res = await call('post', '')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send('definitely not gzip');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectError(res, res.status);
    });
  });
});
