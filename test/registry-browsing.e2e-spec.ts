import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import {
  closedPortUrl,
  type RunningServer,
  startHttpServer,
  startSilentServer,
} from './support/fake-servers';
import {
  type BasicRegistry,
  pushImage,
  registrySuitesRun,
  startRegistry,
  type TlsRegistry,
  type TokenRegistry,
} from './support/registry';
import { saveRegistries } from './support/saved-registries';
import { describeEachDatabase } from './support/test-app';
import { bearer, READ } from './support/tokens';

const SUITE = 'the registry browsing suite (test/registry-browsing.e2e-spec.ts)';
const describeWithRegistry = registrySuitesRun(SUITE) ? describe : describe.skip;

const BASE = '/api/v1/image-registries';
const REPOSITORIES = ['team/app', 'team/base', 'team/cli', 'team/db', 'team/web'];
const TAGS = ['v1', 'v2', 'v3'];
const OUTBOUND_TIMEOUT_MS = 1_500;

/** A registry of our own: /v2/ answers 200, everything else as `answer` says. */
function fakeRegistry(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<RunningServer> {
  return startHttpServer((req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    if (req.url === '/v2/') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    answer(req, res);
  });
}

const json = (res: ServerResponse, status: number, body: object, headers = {}) =>
  res
    .writeHead(status, { 'Content-Type': 'application/json', ...headers })
    .end(JSON.stringify(body));

/** CONTRACT §13 against real registries and servers of our own. */
describeWithRegistry('browsing a registry', () => {
  let basic: BasicRegistry;
  let tokenRegistry: TokenRegistry;
  let tls: TlsRegistry;
  const fakes = {} as Record<'noCatalog' | 'limited' | 'ignoresPaging' | 'silent', RunningServer>;
  let closed: string;

  beforeAll(async () => {
    [basic, tokenRegistry, tls] = await Promise.all([
      startRegistry('basic'),
      startRegistry('token'),
      startRegistry('tls'),
    ]);
    await pushImage(tls, 'secure/app', 'v1', { format: 'oci' });
    for (const registry of [basic, tokenRegistry]) {
      for (const repository of REPOSITORIES) {
        await pushImage(registry, repository, 'v1', { format: 'docker' });
      }
      for (const tag of TAGS.slice(1))
        await pushImage(registry, 'team/app', tag, { format: 'oci' });
    }
    fakes.noCatalog = await fakeRegistry((_req, res) =>
      json(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'catalog is disabled' }] }),
    );
    fakes.limited = await fakeRegistry((_req, res) =>
      json(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'Retry-After': '120' }),
    );
    fakes.ignoresPaging = await fakeRegistry((req, res) =>
      req.url?.startsWith('/v2/_catalog')
        ? json(res, 200, { repositories: REPOSITORIES })
        : json(res, 200, { name: 'team/app', tags: TAGS }),
    );
    fakes.silent = await startSilentServer();
    closed = await closedPortUrl();
  });

  afterAll(async () => {
    await Promise.all([
      basic?.stop(),
      tokenRegistry?.stop(),
      tls?.stop(),
      ...Object.values(fakes).map((fake) => fake.close()),
    ]);
  });

  describeEachDatabase(
    'with the registries saved',
    (suite) => {
      const api = () => request(suite().app.http);
      const ids = {} as Record<string, number>;
      const repositories = (name: string, query = '') =>
        api().get(`${BASE}/${ids[name]}/repositories${query}`).set('Authorization', bearer(READ));
      const tags = (name: string, query: string) =>
        api().get(`${BASE}/${ids[name]}/tags?${query}`).set('Authorization', bearer(READ));

      beforeAll(async () => {
        const saved: Record<string, object> = {
          basic: { url: basic.url, username: basic.username, password: basic.password },
          token: {
            url: tokenRegistry.url,
            username: tokenRegistry.username,
            password: tokenRegistry.password,
          },
          // The same servers under another name: a URL can be saved once only.
          anonymousToken: { url: tokenRegistry.url.replace('127.0.0.1', 'localhost') },
          wrongPassword: {
            url: basic.url.replace('127.0.0.1', 'localhost'),
            username: basic.username,
            password: 'not-the-password',
          },
          tls: { url: tls.url, ca_certificate: tls.caPem },
          tlsUntrusted: { url: tls.url.replace('127.0.0.1', 'localhost') },
          noCatalog: { url: fakes.noCatalog.url },
          limited: { url: fakes.limited.url },
          ignoresPaging: { url: fakes.ignoresPaging.url },
          silent: { url: fakes.silent.url },
          closed: { url: closed },
          hub: { url: 'docker.io' },
        };
        Object.assign(ids, await saveRegistries(suite().app.http, saved));
      });

      it.each(['basic', 'token'])(
        'pages over the catalog of the %s registry with n=2',
        async (name) => {
          const seen: string[] = [];
          let next: string | null = null;
          let pages = 0;
          do {
            const query: string = next === null ? '?n=2' : `?n=2&last=${encodeURIComponent(next)}`;
            const page = await repositories(name, query).expect(200);
            expect((page.body.repositories as string[]).length).toBeLessThanOrEqual(2);
            seen.push(...(page.body.repositories as string[]));
            next = page.body.next as string | null;
            pages += 1;
          } while (next !== null && pages < 10);
          expect(seen).toEqual(REPOSITORIES);
          expect(pages).toBe(3);
        },
      );

      it('pages over the tags of a repository', async () => {
        const first = await tags('token', 'repository=team/app&n=2').expect(200);
        expect(first.body).toEqual({ repository: 'team/app', tags: ['v1', 'v2'], next: 'v2' });
        const second = await tags('token', 'repository=team/app&n=2&last=v2').expect(200);
        expect(second.body).toEqual({ repository: 'team/app', tags: ['v3'], next: null });
        const all = await tags('basic', 'repository=team/app').expect(200);
        expect(all.body).toEqual({ repository: 'team/app', tags: TAGS, next: null });
      });

      it('trusts the private CA stored with the registry, and only that', async () => {
        const listed = await repositories('tls').expect(200);
        expect(listed.body).toEqual({ repositories: ['secure/app'], next: null });
        await tags('tls', 'repository=secure/app').expect(200, {
          repository: 'secure/app',
          tags: ['v1'],
          next: null,
        });
        const untrusted = await repositories('tlsUntrusted').expect(502);
        expect(untrusted.body.message).toMatch(/certificate|TLS/i);
      });

      it('pages itself over the full list of a registry that ignores n and last', async () => {
        const first = await repositories('ignoresPaging', '?n=2').expect(200);
        expect(first.body).toEqual({ repositories: ['team/app', 'team/base'], next: 'team/base' });
        const second = await repositories('ignoresPaging', '?n=2&last=team/base').expect(200);
        expect(second.body).toEqual({ repositories: ['team/cli', 'team/db'], next: 'team/db' });
        const last = await repositories('ignoresPaging', '?n=2&last=team/db').expect(200);
        expect(last.body).toEqual({ repositories: ['team/web'], next: null });
        const tagPage = await tags('ignoresPaging', 'repository=team/app&n=1&last=v1').expect(200);
        expect(tagPage.body).toEqual({ repository: 'team/app', tags: ['v2'], next: 'v2' });
      });

      it('is a 501 when the registry does not offer its catalog to these credentials', async () => {
        for (const name of ['anonymousToken', 'noCatalog', 'hub']) {
          const response = await repositories(name).expect(501);
          expect(response.body.message).toMatch(/does not offer its list of repositories/);
        }
      });

      it('is a 404 for a repository the registry does not know, and for an unknown registry', async () => {
        const unknown = await tags('basic', 'repository=team/nothing').expect(404);
        expect(unknown.body.message).toMatch(/team\/nothing is not in the registry/);
        await api()
          .get(`${BASE}/2147483000/repositories`)
          .set('Authorization', bearer(READ))
          .expect(404);
      });

      it('is a 502 when the registry refuses the credentials or cannot be reached', async () => {
        const refused = await repositories('wrongPassword').expect(502);
        expect(refused.body.message).toMatch(/refused the credentials/);
        expect(refused.text).not.toContain('not-the-password');
        await repositories('closed').expect(502);
      });

      it('is a 504 when the registry does not answer in time', async () => {
        await repositories('silent').expect(504);
      });

      it("is a 429 with the registry's Retry-After when it rate-limits, for resolve with check too", async () => {
        const listed = await repositories('limited').expect(429);
        expect(listed.headers['retry-after']).toBe('120');
        const tagged = await tags('limited', 'repository=team/app').expect(429);
        expect(tagged.headers['retry-after']).toBe('120');
        const resolved = await api()
          .post(`${BASE}/resolve`)
          .set('Authorization', bearer(READ))
          .send({ image: `${new URL(fakes.limited.url).host}/team/app:v1`, check: true })
          .expect(429);
        expect(resolved.headers['retry-after']).toBe('120');
        expect(resolved.body.message).toMatch(/rate-limiting/);
      });

      it.each([
        ['n=0', 'repositories', '?n=0', /n must not be less than 1/],
        ['n=1001', 'repositories', '?n=1001', /n must not be greater than 1000/],
        ['no repository', 'tags', '?n=2', /repository/],
        ['an upper-case repository', 'tags', '?repository=Team/App', /repository: .*lower case/],
        ['an empty part', 'tags', '?repository=team//app', /repository: /],
      ])('is a 400 for %s', async (_case, path, query, message) => {
        const response = await api()
          .get(`${BASE}/${ids.basic}/${path}${query}`)
          .set('Authorization', bearer(READ))
          .expect(400);
        expect(JSON.stringify(response.body.message)).toMatch(message);
      });

      it('needs registries:read', async () => {
        await api().get(`${BASE}/${ids.basic}/repositories`).expect(401);
        await api()
          .get(`${BASE}/${ids.basic}/tags?repository=team/app`)
          .set('Authorization', bearer('registries:credentials'))
          .expect(403);
      });
    },
    { OUTBOUND_TIMEOUT_MS: String(OUTBOUND_TIMEOUT_MS) },
  );
});
