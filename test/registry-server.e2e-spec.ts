import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACCEPT_ALL_MANIFESTS,
  type AuthChallenge,
  basicAuthorization,
  BASIC_REALM,
  type BasicRegistry,
  createSigningCertificate,
  fetchRegistryToken,
  headerValue,
  httpRequest,
  type HttpResponse,
  MediaType,
  parseChallenge,
  pushImage,
  type PushedImage,
  type RegistryMode,
  registrySuitesRun,
  startRegistry,
  startTokenServer,
  type TestRegistry,
  type TlsRegistry,
  TOKEN_ISSUER,
  TOKEN_SERVICE,
  type TokenRegistry,
} from './support/registry';

/**
 * Smoke test of test/support/registry: a real distribution 2.8 (`docker-registry serve`) in each
 * mode, images pushed through the HTTP API, and what the registry answers to raw HTTP requests.
 *
 * What distribution 2.8 does with the Accept header of a manifest GET/HEAD (all observed here):
 * - A Docker v2 manifest fetched BY TAG is served as is only when Accept lists
 *   `application/vnd.docker.distribution.manifest.v2+json`. Otherwise (no Accept, `*\/*`,
 *   `application/json`, only OCI or list types) the registry rewrites it to a signed schema 1
 *   manifest (`application/vnd.docker.distribution.manifest.v1+prettyjws`) with ANOTHER
 *   Docker-Content-Digest (stable across requests: the signatures are not part of it).
 *   Fetched BY DIGEST it is never rewritten, whatever the Accept.
 * - An OCI manifest, by tag or by digest, is 404 MANIFEST_UNKNOWN ("OCI manifest found, but accept
 *   header does not support OCI manifests") unless Accept lists
 *   `application/vnd.oci.image.manifest.v1+json`; a HEAD gets the 404 without a body.
 */

const SUITE = 'the registry suite (test/registry-server.e2e-spec.ts)';
const describeWithRegistry = registrySuitesRun(SUITE) ? describe : describe.skip;

const MODES: RegistryMode[] = ['none', 'basic', 'token', 'tls'];
const DOCKER_REPOSITORY = 'smoke/docker-image';
const OCI_REPOSITORY = 'smoke/oci-image';

const caOf = (registry: TestRegistry): string | undefined =>
  registry.mode === 'tls' ? registry.caPem : undefined;

/** The challenge of an anonymous `GET /v2/`, as a client discovers how to authenticate. */
async function challengeOf(registry: TestRegistry): Promise<AuthChallenge | undefined> {
  const response = await httpRequest(`${registry.url}/v2/`, { ca: caOf(registry) });
  return parseChallenge(headerValue(response.headers, 'www-authenticate'));
}

/** Headers that let a raw request pull from `repositories`, in the registry's mode. */
async function pullHeaders(
  registry: TestRegistry,
  ...repositories: string[]
): Promise<Record<string, string>> {
  if (registry.mode === 'basic') {
    return { Authorization: basicAuthorization(registry.username, registry.password) };
  }
  if (registry.mode !== 'token') return {};
  const challenge = await challengeOf(registry);
  const token = await fetchRegistryToken(challenge!, {
    credentials: { username: registry.username, password: registry.password },
    scope: repositories.map((repository) => `repository:${repository}:pull`).join(' '),
  });
  return { Authorization: `Bearer ${token}` };
}

describeWithRegistry('test registries (distribution 2.8)', () => {
  describe.each(MODES)('in mode %s', (mode) => {
    let registry: TestRegistry;
    let docker: PushedImage;
    let oci: PushedImage;
    let authorization: Record<string, string>;

    const headManifest = (
      repository: string,
      reference: string,
      accept?: string,
    ): Promise<HttpResponse> =>
      httpRequest(`${registry.url}/v2/${repository}/manifests/${reference}`, {
        method: 'HEAD',
        headers: { ...authorization, ...(accept === undefined ? {} : { Accept: accept }) },
        ca: caOf(registry),
      });

    beforeAll(async () => {
      registry = await startRegistry(mode);
      docker = await pushImage(registry, DOCKER_REPOSITORY, 'latest', { format: 'docker' });
      oci = await pushImage(registry, OCI_REPOSITORY, 'latest', { format: 'oci' });
      authorization = await pullHeaders(registry, DOCKER_REPOSITORY, OCI_REPOSITORY);
    });

    afterAll(async () => {
      await registry?.stop();
    });

    it('listens on its own port of 127.0.0.1, never on :5000', () => {
      expect(registry.url).toBe(
        `${mode === 'tls' ? 'https' : 'http'}://127.0.0.1:${registry.port}`,
      );
      expect(registry.port).not.toBe(5000);
    });

    it.each([
      ['Docker v2', DOCKER_REPOSITORY, () => docker, MediaType.dockerManifest],
      ['OCI', OCI_REPOSITORY, () => oci, MediaType.ociManifest],
    ])(
      'serves the %s manifest with the pushed digest to a client accepting the four types',
      async (_, repository, pushed, mediaType) => {
        const { digest, size } = pushed();
        for (const reference of ['latest', digest]) {
          const response = await headManifest(repository, reference, ACCEPT_ALL_MANIFESTS);
          expect(response.status).toBe(200);
          expect(headerValue(response.headers, 'docker-content-digest')).toBe(digest);
          expect(headerValue(response.headers, 'content-type')).toBe(mediaType);
          expect(headerValue(response.headers, 'content-length')).toBe(String(size));
        }
      },
    );

    it.each([
      ['no Accept', undefined],
      ['Accept: */*', '*/*'],
      ['only the OCI and list types', `${MediaType.ociManifest}, ${MediaType.dockerManifestList}`],
    ])(
      'rewrites the Docker v2 manifest, by tag, to signed schema 1 with another digest (%s)',
      async (_, accept) => {
        const response = await headManifest(DOCKER_REPOSITORY, 'latest', accept);
        expect(response.status).toBe(200);
        expect(headerValue(response.headers, 'content-type')).toBe(MediaType.dockerSchema1Signed);
        expect(headerValue(response.headers, 'docker-content-digest')).toMatch(/^sha256:/);
        expect(headerValue(response.headers, 'docker-content-digest')).not.toBe(docker.digest);
      },
    );

    it('serves the Docker v2 manifest by digest as is, whatever the Accept', async () => {
      const response = await headManifest(DOCKER_REPOSITORY, docker.digest);
      expect(response.status).toBe(200);
      expect(headerValue(response.headers, 'content-type')).toBe(MediaType.dockerManifest);
      expect(headerValue(response.headers, 'docker-content-digest')).toBe(docker.digest);
    });

    it.each([
      ['no Accept', undefined],
      ['only the Docker types', `${MediaType.dockerManifest}, ${MediaType.dockerManifestList}`],
    ])('answers 404 for the OCI manifest, by tag or digest (%s)', async (_, accept) => {
      for (const reference of ['latest', oci.digest]) {
        expect((await headManifest(OCI_REPOSITORY, reference, accept)).status).toBe(404);
      }
      const response = await httpRequest(`${registry.url}/v2/${OCI_REPOSITORY}/manifests/latest`, {
        headers: { ...authorization, ...(accept === undefined ? {} : { Accept: accept }) },
        ca: caOf(registry),
      });
      expect(response.status).toBe(404);
      expect(JSON.parse(response.text)).toEqual({
        errors: [
          {
            code: 'MANIFEST_UNKNOWN',
            message: 'OCI manifest found, but accept header does not support OCI manifests',
          },
        ],
      });
    });
  });

  describe('in mode basic', () => {
    let registry: BasicRegistry;

    beforeAll(async () => {
      registry = await startRegistry('basic');
    });

    afterAll(async () => {
      await registry?.stop();
    });

    it('challenges with Basic and the realm, and accepts the htpasswd credentials', async () => {
      const anonymous = await httpRequest(`${registry.url}/v2/`);
      expect(anonymous.status).toBe(401);
      expect(headerValue(anonymous.headers, 'www-authenticate')).toBe(
        `Basic realm="${BASIC_REALM}"`,
      );
      const authorized = await httpRequest(`${registry.url}/v2/`, {
        headers: { Authorization: basicAuthorization(registry.username, registry.password) },
      });
      expect(authorized.status).toBe(200);
    });

    it('refuses a wrong password, also to pushImage', async () => {
      const response = await httpRequest(`${registry.url}/v2/`, {
        headers: { Authorization: basicAuthorization(registry.username, 'wrong') },
      });
      expect(response.status).toBe(401);
      await expect(
        pushImage(registry, 'smoke/denied', 'latest', {
          format: 'docker',
          auth: { username: registry.username, password: 'wrong' },
        }),
      ).rejects.toThrow(/expected 202, got 401/);
    });
  });

  describe('in mode token', () => {
    let registry: TokenRegistry;
    const credentials = (): { username: string; password: string } => ({
      username: registry.username,
      password: registry.password,
    });

    beforeAll(async () => {
      registry = await startRegistry('token');
    });

    afterAll(async () => {
      await registry?.stop();
    });

    beforeEach(() => registry.tokenServer.reset());

    it('challenges with Bearer, the token server as realm and the service', async () => {
      const response = await httpRequest(`${registry.url}/v2/`);
      expect(response.status).toBe(401);
      expect(headerValue(response.headers, 'www-authenticate')).toBe(
        `Bearer realm="${registry.tokenServer.url}",service="${TOKEN_SERVICE}"`,
      );
      expect(registry.service).toBe(TOKEN_SERVICE);
      expect(registry.issuer).toBe(TOKEN_ISSUER);
    });

    it('lets pushImage get a pull,push token with the credentials from the token server', async () => {
      const pushed = await pushImage(registry, 'smoke/pushed', 'v1', { format: 'oci' });
      expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const authorization = basicAuthorization(registry.username, registry.password);
      expect(registry.tokenServer.requestCount).toBeGreaterThanOrEqual(1);
      expect(registry.tokenServer.requests[0]).toEqual({
        authorization,
        account: registry.username,
        service: TOKEN_SERVICE,
        scopes: ['repository:smoke/pushed:pull,push'],
        status: 200,
        granted: [{ type: 'repository', name: 'smoke/pushed', actions: ['pull', 'push'] }],
      });
      expect(registry.tokenServer.lastHeaders?.authorization).toBe(authorization);
    });

    it('accepts a token from the token server, and only with the access it grants', async () => {
      await pushImage(registry, 'smoke/pulled', 'v1', { format: 'docker' });
      const challenge = (await challengeOf(registry))!;
      const catalogToken = await fetchRegistryToken(challenge, { credentials: credentials() });
      const root = await httpRequest(`${registry.url}/v2/`, {
        headers: { Authorization: `Bearer ${catalogToken}` },
      });
      expect(root.status).toBe(200);

      const manifestUrl = `${registry.url}/v2/smoke/pulled/manifests/v1`;
      const withoutScope = await httpRequest(manifestUrl, {
        method: 'HEAD',
        headers: { Authorization: `Bearer ${catalogToken}`, Accept: ACCEPT_ALL_MANIFESTS },
      });
      expect(withoutScope.status).toBe(401);
      expect(parseChallenge(headerValue(withoutScope.headers, 'www-authenticate'))?.params).toEqual(
        {
          realm: registry.tokenServer.url,
          service: TOKEN_SERVICE,
          scope: 'repository:smoke/pulled:pull',
          error: 'insufficient_scope',
        },
      );

      const pullToken = await fetchRegistryToken(challenge, {
        credentials: credentials(),
        scope: 'repository:smoke/pulled:pull',
      });
      const pulled = await httpRequest(manifestUrl, {
        method: 'HEAD',
        headers: { Authorization: `Bearer ${pullToken}`, Accept: ACCEPT_ALL_MANIFESTS },
      });
      expect(pulled.status).toBe(200);
    });

    it('gives anonymous clients pull only, and wrong credentials nothing', async () => {
      const challenge = (await challengeOf(registry))!;
      await expect(
        fetchRegistryToken(challenge, {
          credentials: { username: registry.username, password: 'wrong' },
          scope: 'repository:smoke/any:pull',
        }),
      ).rejects.toThrow(/answered 401/);

      const anonymousToken = await fetchRegistryToken(challenge, {
        scope: 'repository:smoke/any:pull,push',
      });
      expect(registry.tokenServer.requests.map(({ status }) => status)).toEqual([401, 200]);
      expect(registry.tokenServer.requests[1].granted).toEqual([
        { type: 'repository', name: 'smoke/any', actions: ['pull'] },
      ]);
      const upload = await httpRequest(`${registry.url}/v2/smoke/any/blobs/uploads/`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${anonymousToken}` },
      });
      expect(upload.status).toBe(401);
      expect(headerValue(upload.headers, 'www-authenticate')).toContain('insufficient_scope');
    });

    it('refuses a token signed by a key that is not in its rootcertbundle', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'untrusted-signer-'));
      const impostor = await startTokenServer({
        signing: await createSigningCertificate(directory),
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        username: 'someone',
        password: 'secret',
      });
      try {
        const response = await httpRequest(`${registry.url}/v2/`, {
          headers: { Authorization: `Bearer ${impostor.issueToken('someone', [])}` },
        });
        expect(response.status).toBe(401);
      } finally {
        await impostor.stop();
        await rm(directory, { recursive: true, force: true });
      }
    });
  });

  describe('in mode tls', () => {
    let registry: TlsRegistry;

    beforeAll(async () => {
      registry = await startRegistry('tls');
    });

    afterAll(async () => {
      await registry?.stop();
    });

    it('fails certificate verification without the CA', async () => {
      await expect(httpRequest(`${registry.url}/v2/`)).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
      await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow('fetch failed');
    });

    it('answers over https for 127.0.0.1 when the CA is trusted', async () => {
      expect(registry.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      const response = await httpRequest(`${registry.url}/v2/`, { ca: registry.caPem });
      expect(response.status).toBe(200);
      expect(headerValue(response.headers, 'docker-distribution-api-version')).toBe('registry/2.0');
    });
  });
});
