import type { LoggerService } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import request, { type Test } from 'supertest';
import { type RunningServer, startHttpServer } from './support/fake-servers';
import {
  basicAuthorization,
  type BasicRegistry,
  type OpenRegistry,
  pushImage,
  type PushedImage,
  registrySuitesRun,
  startRegistry,
  type TestRegistry,
  type TlsRegistry,
  TOKEN_SERVICE,
  type TokenRegistry,
} from './support/registry';
import { saveRegistries } from './support/saved-registries';
import { describeEachDatabase } from './support/test-app';
import { bearer, CREDENTIALS, READ, token, WRITE } from './support/tokens';

/**
 * §9 against real registries (distribution 2.8 from test/support/registry): the V2 handshake of
 * POST /test and POST /:id/test, resolve with check (Accept types, digests, stored credentials,
 * token scopes, TLS), credentials on redirects, and GET /:id/credentials with its log line.
 * What needs no registry is in connectivity.e2e-spec.ts.
 */

const SUITE = 'the registry connectivity suite (test/registry-connectivity.e2e-spec.ts)';
const describeWithRegistry = registrySuitesRun(SUITE) ? describe : describe.skip;

const BASE = '/api/v1/image-registries';
const DOCKER_REPOSITORY = 'app';
const OCI_REPOSITORY = 'oci-app';
const TAG = 'v1';
const WRONG_PASSWORD = 'not-the-password';
const UNKNOWN_DIGEST = `sha256:${'0'.repeat(64)}`;

/** The registries that hold images, by the key their saved copy is created under. */
const IMAGE_REGISTRIES = ['open', 'basic', 'token', 'tls'] as const;
type RegistryKey = (typeof IMAGE_REGISTRIES)[number];

interface Registries {
  open: OpenRegistry;
  basic: BasicRegistry;
  token: TokenRegistry;
  tls: TlsRegistry;
}

interface Pushed {
  docker: PushedImage;
  oci: PushedImage;
}

interface TestResult {
  ok: boolean;
  status: string;
  auth: string | null;
  http_status: number | null;
  latency_ms: number;
  message: string;
}

type ExpectedResult = Omit<TestResult, 'latency_ms' | 'message'> & { message: RegExp };

const OK = (auth: 'none' | 'basic' | 'bearer', message: RegExp): ExpectedResult => ({
  ok: true,
  status: 'ok',
  auth,
  http_status: 200,
  message,
});
const UNAUTHORIZED = (auth: 'basic' | 'bearer', message: RegExp): ExpectedResult => ({
  ok: false,
  status: 'unauthorized',
  auth,
  http_status: 401,
  message,
});

/** Every field of a test result; `message` one plain sentence, `latency_ms` whole milliseconds. */
function expectTestResult(body: TestResult, expected: ExpectedResult): void {
  expect(body).toEqual({
    ...expected,
    latency_ms: expect.any(Number),
    message: expect.stringMatching(expected.message),
  });
  expect(Number.isInteger(body.latency_ms)).toBe(true);
  expect(body.latency_ms).toBeGreaterThanOrEqual(0);
  expect(body.message).toMatch(/^[A-Z0-9][^\n]*\.$/);
}

/** The `host:port` of a registry, as references and `docker login` write it. */
const hostOf = (registry: TestRegistry): string => new URL(registry.url).host;

/** A server on 127.0.0.1 that forwards everything to `target`, recording each request's headers. */
async function startRecordingProxy(
  target: string,
): Promise<RunningServer & { seen: { path: string; authorization?: string }[] }> {
  const seen: { path: string; authorization?: string }[] = [];
  const server = await startHttpServer((incoming, outgoing) => {
    seen.push({ path: incoming.url ?? '', authorization: incoming.headers.authorization });
    const upstream = httpRequest(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: { ...incoming.headers, host: new URL(target).host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  return { ...server, seen };
}

/** A server on 127.0.0.1 that answers every request with a 302 to the same path on `target`. */
async function startRedirector(
  target: string,
): Promise<RunningServer & { authorizations: (string | undefined)[] }> {
  const authorizations: (string | undefined)[] = [];
  const server = await startHttpServer((incoming, outgoing) => {
    authorizations.push(incoming.headers.authorization);
    outgoing.writeHead(302, { Location: new URL(incoming.url ?? '/', target).href });
    outgoing.end();
  });
  return { ...server, authorizations };
}

/** A logger for app.useLogger() that keeps `context: message` lines. */
function capturingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: unknown, ...params: unknown[]): void => {
    lines.push(`${String(params.at(-1))}: ${String(message)}`);
  };
  return { lines, log: keep, error: keep, warn: keep, debug: keep, verbose: keep };
}

describeWithRegistry('connectivity against real registries', () => {
  let registries: Registries;
  const pushed = {} as Record<RegistryKey, Pushed>;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let redirector: Awaited<ReturnType<typeof startRedirector>>;

  beforeAll(async () => {
    const [open, basic, tokenRegistry, tls] = await Promise.all([
      startRegistry('none'),
      startRegistry('basic'),
      startRegistry('token'),
      startRegistry('tls'),
    ]);
    registries = { open, basic, token: tokenRegistry, tls };
    for (const key of IMAGE_REGISTRIES) {
      pushed[key] = {
        docker: await pushImage(registries[key], DOCKER_REPOSITORY, TAG, { format: 'docker' }),
        oci: await pushImage(registries[key], OCI_REPOSITORY, TAG, { format: 'oci' }),
      };
    }
    proxy = await startRecordingProxy(basic.url);
    redirector = await startRedirector(proxy.url);
  });

  afterAll(async () => {
    await Promise.all([
      ...Object.values(registries ?? {}).map((registry: TestRegistry) => registry.stop()),
      proxy?.close(),
      redirector?.close(),
    ]);
  });

  describeEachDatabase('with the registries saved', (suite) => {
    const ids = {} as Record<RegistryKey | 'redirecting', number>;

    const call = (method: 'get' | 'post' | 'put', path: string, scope = WRITE): Test =>
      request(suite().app.http)[method](`${BASE}${path}`).set('Authorization', bearer(scope));
    const update = (id: number, change: object): Test => call('put', `/${id}`).send(change);
    const testSaved = async (id: number): Promise<TestResult> =>
      (await call('post', `/${id}/test`).expect(200)).body as TestResult;
    const testUnsaved = async (body: object): Promise<TestResult> =>
      (await call('post', '/test').send(body).expect(200)).body as TestResult;
    const resolve = (image: string): Test =>
      call('post', '/resolve', READ).send({ image, check: true });

    /** Runs `body` with `change` saved on the registry, then saves `restore` whatever happened. */
    async function withSaved(
      id: number,
      change: object,
      restore: object,
      body: () => Promise<void>,
    ): Promise<void> {
      await update(id, change).expect(200);
      try {
        await body();
      } finally {
        await update(id, restore).expect(200);
      }
    }

    beforeAll(async () => {
      const { open, basic, token: tokenRegistry, tls } = registries;
      const saved: Record<keyof typeof ids, object> = {
        open: { url: open.url },
        basic: { url: basic.url, username: basic.username, password: basic.password },
        token: {
          url: tokenRegistry.url,
          username: tokenRegistry.username,
          password: tokenRegistry.password,
        },
        tls: { url: tls.url, ca_certificate: tls.caPem },
        redirecting: { url: redirector.url, username: basic.username, password: basic.password },
      };
      Object.assign(ids, await saveRegistries(suite().app.http, saved));
    });

    describe('POST /test (unsaved)', () => {
      const cases: [string, (r: Registries) => object, ExpectedResult][] = [
        ['an open registry', (r) => ({ url: r.open.url }), OK('none', /without asking/)],
        [
          'a Basic registry with the right credentials',
          (r) => ({ url: r.basic.url, username: r.basic.username, password: r.basic.password }),
          OK('basic', /accepted the credentials/),
        ],
        [
          'a Basic registry with a wrong password',
          (r) => ({ url: r.basic.url, username: r.basic.username, password: WRONG_PASSWORD }),
          UNAUTHORIZED('basic', /refused the credentials/),
        ],
        [
          'a Basic registry without credentials',
          (r) => ({ url: r.basic.url }),
          UNAUTHORIZED('basic', /requires credentials/),
        ],
        [
          'a token registry with the right credentials',
          (r) => ({ url: r.token.url, username: r.token.username, password: r.token.password }),
          OK('bearer', /accepted the credentials/),
        ],
        [
          'a token registry with wrong credentials',
          (r) => ({ url: r.token.url, username: r.token.username, password: WRONG_PASSWORD }),
          UNAUTHORIZED('bearer', /refused the credentials/),
        ],
        [
          // The token server gives anonymous clients a token; /v2/ needs no access, so it is ok.
          'a token registry anonymously, its token server allowing anonymous pulls',
          (r) => ({ url: r.token.url }),
          OK('bearer', /anonymous/),
        ],
        [
          'a TLS registry whose CA is not trusted',
          (r) => ({ url: r.tls.url }),
          {
            ok: false,
            status: 'tls_error',
            auth: null,
            http_status: null,
            message: /certificate/,
          },
        ],
        [
          'a TLS registry with its CA as ca_certificate',
          (r) => ({ url: r.tls.url, ca_certificate: r.tls.caPem }),
          OK('none', /without asking/),
        ],
        [
          'a TLS registry with insecure: true',
          (r) => ({ url: r.tls.url, insecure: true }),
          OK('none', /without asking/),
        ],
      ];

      it.each(cases)('tests %s', async (_label, body, expected) => {
        expectTestResult(await testUnsaved(body(registries)), expected);
      });

      it('asks the token server with the Basic credentials, for the challenged service', async () => {
        const { token: registry } = registries;
        registry.tokenServer.reset();
        await testUnsaved({
          url: registry.url,
          username: registry.username,
          password: registry.password,
        });
        expect(registry.tokenServer.requests).toEqual([
          expect.objectContaining({
            authorization: basicAuthorization(registry.username, registry.password),
            service: TOKEN_SERVICE,
            status: 200,
          }),
        ]);
      });
    });

    describe('POST /:id/test (saved)', () => {
      it.each([
        ['open', OK('none', /without asking/)],
        ['basic', OK('basic', /accepted the credentials/)],
        ['token', OK('bearer', /accepted the credentials/)],
        ['tls', OK('none', /without asking/)], // with the CA stored
      ] as const)('tests the saved %s registry', async (key, expected) => {
        expectTestResult(await testSaved(ids[key]), expected);
      });

      it('uses the stored credentials: a stored wrong password is refused', async () => {
        const { basic } = registries;
        expectTestResult(await testSaved(ids.basic), OK('basic', /accepted the credentials/));
        await withSaved(
          ids.basic,
          { password: WRONG_PASSWORD },
          { password: basic.password },
          async () => {
            expectTestResult(
              await testSaved(ids.basic),
              UNAUTHORIZED('basic', /refused the credentials/),
            );
          },
        );
      });

      it('reports a tls_error for the saved TLS registry once its CA is cleared', async () => {
        const { tls } = registries;
        await withSaved(
          ids.tls,
          { ca_certificate: null },
          { ca_certificate: tls.caPem },
          async () => {
            expectTestResult(await testSaved(ids.tls), {
              ok: false,
              status: 'tls_error',
              auth: null,
              http_status: null,
              message: /certificate/,
            });
          },
        );
      });
    });

    describe('POST /resolve with check', () => {
      /** Resolves `image` on the registry `key` and checks the whole answer. */
      async function expectResolved(
        key: RegistryKey,
        image: string,
        expected: { reference: string; repository: string; tag: string | null; digest: string },
      ): Promise<void> {
        const res = await resolve(image).expect(200);
        expect(res.body).toEqual({ registry: expect.any(Object), ...expected });
        expect(res.body.registry).toMatchObject({ id: ids[key], url: registries[key].url });
        expect(res.body.registry).not.toHaveProperty('password');
      }

      describe.each(IMAGE_REGISTRIES)('on the %s registry', (key) => {
        const host = (): string => hostOf(registries[key]);

        it('finds the pushed Docker v2 digest of a tag (Accept lists the Docker v2 type)', async () => {
          // Without that type distribution would rewrite it to schema 1, with another digest.
          await expectResolved(key, `${host()}/${DOCKER_REPOSITORY}:${TAG}`, {
            reference: `${host()}/${DOCKER_REPOSITORY}:${TAG}`,
            repository: DOCKER_REPOSITORY,
            tag: TAG,
            digest: pushed[key].docker.digest,
          });
        });

        it('finds the pushed OCI digest of a tag (Accept lists the OCI type)', async () => {
          // Without that type distribution would answer 404.
          await expectResolved(key, `${host()}/${OCI_REPOSITORY}:${TAG}`, {
            reference: `${host()}/${OCI_REPOSITORY}:${TAG}`,
            repository: OCI_REPOSITORY,
            tag: TAG,
            digest: pushed[key].oci.digest,
          });
        });

        it('confirms a digest, alone or with its tag', async () => {
          const { digest } = pushed[key].docker;
          await expectResolved(key, `${host()}/${DOCKER_REPOSITORY}@${digest}`, {
            reference: `${host()}/${DOCKER_REPOSITORY}@${digest}`,
            repository: DOCKER_REPOSITORY,
            tag: null,
            digest,
          });
          await expectResolved(key, `${host()}/${DOCKER_REPOSITORY}:${TAG}@${digest}`, {
            reference: `${host()}/${DOCKER_REPOSITORY}:${TAG}@${digest}`,
            repository: DOCKER_REPOSITORY,
            tag: TAG,
            digest,
          });
        });

        it.each([
          ['an unknown tag', `${DOCKER_REPOSITORY}:nope`],
          ['an unknown digest', `${DOCKER_REPOSITORY}@${UNKNOWN_DIGEST}`],
          ['an unknown repository', `nothing-here:${TAG}`],
        ])('answers 404 for %s', async (_label, image) => {
          const res = await resolve(`${host()}/${image}`).expect(404);
          expect(res.body.message).toContain(`${image} is not in the registry`);
        });
      });

      it('answers 502 naming the refusal when the stored password is wrong', async () => {
        const { basic } = registries;
        await withSaved(
          ids.basic,
          { password: WRONG_PASSWORD },
          { password: basic.password },
          async () => {
            const res = await resolve(`${hostOf(basic)}/${DOCKER_REPOSITORY}:${TAG}`).expect(502);
            expect(res.body.message).toMatch(/refused the credentials/);
            expect(JSON.stringify(res.body)).not.toContain(WRONG_PASSWORD);
          },
        );
      });

      it('asks the token server for a pull token of the repository, with the stored credentials', async () => {
        const { token: registry } = registries;
        registry.tokenServer.reset();
        await resolve(`${hostOf(registry)}/${DOCKER_REPOSITORY}:${TAG}`).expect(200);
        expect(registry.tokenServer.requests.length).toBeGreaterThan(0);
        for (const recorded of registry.tokenServer.requests) {
          expect(recorded).toMatchObject({
            authorization: basicAuthorization(registry.username, registry.password),
            service: TOKEN_SERVICE,
            scopes: [`repository:${DOCKER_REPOSITORY}:pull`],
            status: 200,
          });
        }
      });

      it('answers 502 mentioning the certificate when the TLS registry has no CA stored', async () => {
        const { tls } = registries;
        await withSaved(
          ids.tls,
          { ca_certificate: null },
          { ca_certificate: tls.caPem },
          async () => {
            const res = await resolve(`${hostOf(tls)}/${DOCKER_REPOSITORY}:${TAG}`).expect(502);
            expect(res.body.message).toMatch(/certificate/);
          },
        );
      });

      it('resolves a reference without a host on the default registry', async () => {
        await update(ids.open, { default: true }).expect(200);
        await expectResolved('open', `${DOCKER_REPOSITORY}:${TAG}`, {
          reference: `${hostOf(registries.open)}/${DOCKER_REPOSITORY}:${TAG}`,
          repository: DOCKER_REPOSITORY,
          tag: TAG,
          digest: pushed.open.docker.digest,
        });
      });
    });

    describe('credentials on a redirect', () => {
      it('does not follow a redirect to another origin with the credentials', async () => {
        // The saved URL answers 302 to a recording proxy in front of the Basic registry: the
        // credentials go to the saved origin, never to the proxy (another port, another origin).
        redirector.authorizations.length = 0;
        proxy.seen.length = 0;
        expectTestResult(
          await testSaved(ids.redirecting),
          UNAUTHORIZED('basic', /refused the credentials/),
        );
        const { basic } = registries;
        expect(redirector.authorizations).toContain(
          basicAuthorization(basic.username, basic.password),
        );
        expect(proxy.seen.length).toBeGreaterThan(0);
        expect(proxy.seen.every(({ authorization }) => authorization === undefined)).toBe(true);
      });
    });

    describe('GET /:id/credentials', () => {
      const SUBJECT = 'image-import-service';
      const read = (query = ''): Test =>
        request(suite().app.http)
          .get(`${BASE}/${ids.basic}/credentials${query}`)
          .set('Authorization', `Bearer ${token(CREDENTIALS, { subject: SUBJECT })}`)
          .expect(200);

      it('hands out the stored credentials, plain and as a Docker config.json, and logs who read them', async () => {
        const { basic } = registries;
        const server = hostOf(basic);
        const logger = capturingLogger();
        suite().app.app.useLogger(logger);
        try {
          expect((await read()).body).toEqual({
            server,
            username: basic.username,
            password: basic.password,
          });
          const config = (await read('?format=dockerconfigjson')).body as {
            auths: Record<string, { username: string; password: string; auth: string }>;
          };
          expect(Object.keys(config.auths)).toEqual([server]);
          expect(config.auths[server]).toMatchObject({
            username: basic.username,
            password: basic.password,
          });
          expect(Buffer.from(config.auths[server].auth, 'base64').toString('utf8')).toBe(
            `${basic.username}:${basic.password}`,
          );
        } finally {
          suite().app.app.useLogger(false);
        }
        const reads = logger.lines.filter((line) => line.includes(SUBJECT));
        expect(reads).toHaveLength(2);
        for (const line of reads) expect(line).toMatch(new RegExp(`\\b${ids.basic}\\b`));
        expect(logger.lines.join('\n')).not.toContain(basic.password);
      });
    });
  });
});
