import type { AddressInfo } from 'node:net';
import {
  type ApiError,
  createImageRegistryClient,
  type ImageRegistryClient,
} from '../clients/typescript/index';
import { startHttpServer } from './support/fake-servers';
import { describeEachDatabase } from './support/test-app';
import { CREDENTIALS, READ, token, WRITE } from './support/tokens';

/**
 * The admin console's view of the API: every operation called through the typed client generated
 * from the committed OpenAPI document, against the real server. A change that breaks the client
 * breaks this suite.
 */
describeEachDatabase('the generated TypeScript client', (suite) => {
  let baseUrl: string;
  let writer: ImageRegistryClient;
  let reader: ImageRegistryClient;
  let anonymous: ImageRegistryClient;

  beforeAll(async () => {
    const { app } = suite().app;
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    writer = createImageRegistryClient({ baseUrl, token: () => token(WRITE) });
    reader = createImageRegistryClient({ baseUrl, token: token(READ) });
    anonymous = createImageRegistryClient({ baseUrl });
  });

  const expectError = (error: ApiError | undefined, statusCode: number): ApiError => {
    expect(error).toMatchObject({ statusCode, error: expect.any(String) });
    return error!;
  };

  it('creates, lists, reads, updates, sets the default and deletes', async () => {
    const created = await writer.POST('/api/v1/image-registries', {
      body: { name: 'client-hub', url: 'docker.io', username: 'me', password: 's3cret' },
    });
    expect(created.response.status).toBe(201);
    const registry = created.data!;
    expect(registry).toMatchObject({ name: 'client-hub', url: 'https://registry-1.docker.io' });
    expect(registry).not.toHaveProperty('password');

    const page = await reader.GET('/api/v1/image-registries', {
      params: { query: { pageNum: 1, pageSize: 100 } },
    });
    expect(page.data).toContainEqual(registry);
    expect(Number(page.response.headers.get('X-Total-Count'))).toBe(page.data!.length);

    const read = await reader.GET('/api/v1/image-registries/{id}', {
      params: { path: { id: registry.id } },
    });
    expect(read.data).toEqual(registry);

    const updated = await writer.PUT('/api/v1/image-registries/{id}', {
      params: { path: { id: registry.id } },
      body: { description: 'through the client', default: true },
    });
    expect(updated.data).toMatchObject({ description: 'through the client', default: true });

    const byDefault = await reader.GET('/api/v1/image-registries/default');
    expect(byDefault.data?.id).toBe(registry.id);

    const deleted = await writer.DELETE('/api/v1/image-registries/{id}', {
      params: { path: { id: registry.id } },
    });
    expect(deleted.response.status).toBe(200);
    expect(deleted.error).toBeUndefined();
  });

  it('gets typed error bodies: 400, 401, 403, 404, 409', async () => {
    const invalid = await writer.POST('/api/v1/image-registries', {
      body: { name: '', url: 'ftp://x.example.com' },
    });
    expect(expectError(invalid.error, 400).message).toEqual(
      expect.arrayContaining([expect.stringContaining('url')]),
    );

    const unauthenticated = await anonymous.GET('/api/v1/image-registries');
    expectError(unauthenticated.error, 401);
    expect(unauthenticated.response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);

    const forbidden = await reader.POST('/api/v1/image-registries', {
      body: { name: 'nope', url: 'nope.example.com' },
    });
    expectError(forbidden.error, 403);

    const missing = await reader.GET('/api/v1/image-registries/{id}', {
      params: { path: { id: 2147483647 } },
    });
    expectError(missing.error, 404);
    const missingUpdate = await writer.PUT('/api/v1/image-registries/{id}', {
      params: { path: { id: 2147483647 } },
      body: { description: 'x' },
    });
    expectError(missingUpdate.error, 404);
    const missingDelete = await writer.DELETE('/api/v1/image-registries/{id}', {
      params: { path: { id: 2147483647 } },
    });
    expectError(missingDelete.error, 404);

    await writer.POST('/api/v1/image-registries', {
      body: { name: 'taken', url: 'taken.example.com' },
    });
    const conflict = await writer.POST('/api/v1/image-registries', {
      body: { name: 'TAKEN', url: 'other.example.com' },
    });
    expect(expectError(conflict.error, 409).message).toContain('TAKEN');

    const badPage = await reader.GET('/api/v1/image-registries', {
      params: { query: { pageSize: 101 } },
    });
    expectError(badPage.error, 400);
  });

  it('saves with If-Match: a stale ETag is a typed 412, the current one a 200', async () => {
    const created = await writer.POST('/api/v1/image-registries', {
      body: { name: 'client-versioned', url: 'client-versioned.example.com' },
    });
    const id = created.data!.id;
    const etag = created.response.headers.get('ETag')!;
    expect(etag).toBe('"1"');

    const saved = await writer.PUT('/api/v1/image-registries/{id}', {
      params: { path: { id }, header: { 'If-Match': etag } },
      body: { description: 'first save' },
    });
    expect(saved.response.headers.get('ETag')).toBe('"2"');

    const stale = await writer.PUT('/api/v1/image-registries/{id}', {
      params: { path: { id }, header: { 'If-Match': etag } },
      body: { description: 'second save, from an old copy' },
    });
    expect(expectError(stale.error, 412).message).toContain('"2"');

    const unchanged = await reader.GET('/api/v1/image-registries/{id}', {
      params: { path: { id }, header: { 'If-None-Match': '"2"' } },
    });
    expect(unchanged.response.status).toBe(304);
  });

  it('reads the audit trail with registries:audit', async () => {
    const auditor = createImageRegistryClient({
      baseUrl,
      token: token('registries:audit', { subject: 'auditor' }),
    });
    const created = await writer.POST('/api/v1/image-registries', {
      body: { name: 'client-audited', url: 'client-audited.example.com' },
    });
    const { data, response } = await auditor.GET('/api/v1/image-registries/events', {
      params: { query: { registryId: created.data!.id, action: 'created' } },
    });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('X-Total-Count'))).toBe(1);
    expect(data).toEqual([
      expect.objectContaining({
        action: 'created',
        registry_id: created.data!.id,
        registry_name: 'client-audited',
        actor: 'e2e-tester',
        changes: ['name', 'url'],
        request_id: created.response.headers.get('X-Request-Id'),
      }),
    ]);
    const refused = await reader.GET('/api/v1/image-registries/events');
    expectError(refused.error, 403);
  });

  it('reads the credentials of several registries, as a list and as one auth file', async () => {
    const importer = createImageRegistryClient({ baseUrl, token: token(CREDENTIALS) });
    const created = await writer.POST('/api/v1/image-registries', {
      body: {
        name: 'client-credentials',
        url: 'client-credentials.example.com:8443',
        username: 'robot',
        password: 'client-secret',
      },
    });
    const registryIds = String(created.data!.id);
    const list = await importer.GET('/api/v1/image-registries/credentials', {
      params: { query: { registryIds } },
    });
    expect(list.data).toEqual([
      {
        registry_id: created.data!.id,
        server: 'client-credentials.example.com:8443',
        username: 'robot',
        password: 'client-secret',
      },
    ]);
    const file = await importer.GET('/api/v1/image-registries/credentials', {
      params: { query: { registryIds, format: 'dockerconfigjson' } },
    });
    expect(file.data).toEqual({
      auths: {
        'client-credentials.example.com:8443': {
          username: 'robot',
          password: 'client-secret',
          auth: Buffer.from('robot:client-secret').toString('base64'),
        },
      },
    });
    const missing = await importer.GET('/api/v1/image-registries/credentials', {
      params: { query: { registryIds: '2147483000' } },
    });
    expectError(missing.error, 404);
    expectError((await writer.GET('/api/v1/image-registries/credentials')).error, 403);
  });

  it('browses a registry: repositories and tags, a page at a time', async () => {
    const fake = await startHttpServer((req, res) => {
      const body = req.url?.startsWith('/v2/_catalog')
        ? { repositories: ['team/app', 'team/base', 'team/cli'] }
        : req.url?.startsWith('/v2/team/app/tags/list')
          ? { name: 'team/app', tags: ['v1', 'v2'] }
          : {};
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    try {
      const created = await writer.POST('/api/v1/image-registries', {
        body: { name: 'client-browsed', url: fake.url },
      });
      const id = created.data!.id;
      const page = await reader.GET('/api/v1/image-registries/{id}/repositories', {
        params: { path: { id }, query: { n: 2 } },
      });
      expect(page.data).toEqual({ repositories: ['team/app', 'team/base'], next: 'team/base' });
      const rest = await reader.GET('/api/v1/image-registries/{id}/repositories', {
        params: { path: { id }, query: { n: 2, last: page.data!.next! } },
      });
      expect(rest.data).toEqual({ repositories: ['team/cli'], next: null });
      const tagged = await reader.GET('/api/v1/image-registries/{id}/tags', {
        params: { path: { id }, query: { repository: 'team/app' } },
      });
      expect(tagged.data).toEqual({ repository: 'team/app', tags: ['v1', 'v2'], next: null });
      const invalid = await reader.GET('/api/v1/image-registries/{id}/tags', {
        params: { path: { id }, query: { repository: 'Team/App' } },
      });
      expectError(invalid.error, 400);
    } finally {
      await fake.close();
    }
  });

  it('answers 404 for the default when none is set', async () => {
    const { data } = await reader.GET('/api/v1/image-registries');
    for (const registry of data ?? []) {
      if (registry.default) {
        await writer.PUT('/api/v1/image-registries/{id}', {
          params: { path: { id: registry.id } },
          body: { default: false },
        });
      }
    }
    expectError((await reader.GET('/api/v1/image-registries/default')).error, 404);
  });

  it('reaches the health probes without a token', async () => {
    expect((await anonymous.GET('/health')).data).toEqual({ status: 'ok' });
    expect((await anonymous.GET('/health/ready')).data?.status).toBe('ok');
  });
});
