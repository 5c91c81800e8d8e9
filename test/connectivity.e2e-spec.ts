import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { type Test } from 'supertest';
import {
  closedPortUrl,
  type RunningServer,
  startHttpServer,
  startSilentServer,
} from './support/fake-servers';
import { describeEachDatabase } from './support/test-app';
import { bearer, CREDENTIALS, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';
const OUTBOUND_TIMEOUT_MS = 1_000;
const SHA = `sha256:${'a'.repeat(64)}`;

/** A self-signed certificate, PEM: a valid ca_certificate value. */
function selfSignedCertificate(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ca-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(directory, 'key.pem'),
        '-out',
        join(directory, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=test-ca',
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(directory, 'cert.pem'), 'utf8');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describeEachDatabase(
  'connectivity without a registry server',
  (suite) => {
    const post = (path: string, body: object | undefined, scope = WRITE): Test => {
      const call = request(suite().app.http)
        .post(`${BASE}${path}`)
        .set('Authorization', bearer(scope));
      return body === undefined ? call : call.send(body);
    };
    const create = async (body: object): Promise<{ id: number; url: string }> =>
      (await post('', body).expect(201)).body as { id: number; url: string };
    const testUnsaved = async (url: string): Promise<Record<string, unknown>> =>
      (await post('/test', { url }).expect(200)).body as Record<string, unknown>;

    let html: RunningServer;
    let notFound: RunningServer;
    let silent: RunningServer;
    beforeAll(async () => {
      html = await startHttpServer((_req, res) => {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end('<html><body>Welcome</body></html>');
      });
      notFound = await startHttpServer((_req, res) => {
        res.statusCode = 404;
        res.end('not found');
      });
      silent = await startSilentServer();
    });
    afterAll(async () => {
      await Promise.all([html.close(), notFound.close(), silent.close()]);
    });

    describe('POST /test (unsaved) and POST /:id/test', () => {
      it('reports a closed port as unreachable, with no HTTP status or auth', async () => {
        const result = await testUnsaved(await closedPortUrl());
        expect(result).toEqual({
          ok: false,
          status: 'unreachable',
          auth: null,
          http_status: null,
          latency_ms: expect.any(Number),
          message: expect.stringContaining('refused'),
        });
      });

      it('reports a server that accepts and never answers as a timeout, in time', async () => {
        const started = Date.now();
        const result = await testUnsaved(silent.url);
        expect(result).toMatchObject({
          ok: false,
          status: 'timeout',
          auth: null,
          http_status: null,
        });
        expect(Date.now() - started).toBeLessThan(OUTBOUND_TIMEOUT_MS * 5); // no hang
        expect(result.latency_ms).toBeGreaterThanOrEqual(OUTBOUND_TIMEOUT_MS - 50);
      });

      it('reports a web page or a 404 at /v2/ as not_a_registry', async () => {
        expect(await testUnsaved(html.url)).toMatchObject({
          ok: false,
          status: 'not_a_registry',
          auth: 'none',
          http_status: 200,
        });
        expect(await testUnsaved(notFound.url)).toMatchObject({
          status: 'not_a_registry',
          http_status: 404,
        });
      });

      it('validates the unsaved body like a registry: URL rules, password rule, unknown fields', async () => {
        await post('/test', { url: 'http://169.254.169.254' }).expect(400);
        await post('/test', { url: 'ftp://x.example.com' }).expect(400);
        await post('/test', { url: 'x.example.com', password: 'p' }).expect(400);
        await post('/test', { url: 'x.example.com', name: 'n' }).expect(400);
        await post('/test', { url: 'x.example.com', ca_certificate: 'not a certificate' }).expect(
          400,
        );
        await post('/test', { url: 'x.example.com' }, READ).expect(403);
      });

      it('tests a saved registry with an empty body or {}, and refuses any field', async () => {
        const { id } = await create({ name: 'saved-html', url: html.url });
        for (const body of [undefined, {}]) {
          expect((await post(`/${id}/test`, body).expect(200)).body).toMatchObject({
            status: 'not_a_registry',
          });
        }
        const overridden = await post(`/${id}/test`, { url: notFound.url }).expect(400);
        expect(JSON.stringify(overridden.body)).toContain('url');
        await post(`/${id}/test`, {}, READ).expect(403);
        await post('/2147483647/test', {}).expect(404);
        await post('/abc/test', {}).expect(400);
      });
    });

    describe('GET /:id/credentials', () => {
      const credentials = (id: number, scope = CREDENTIALS, query = ''): Test =>
        request(suite().app.http)
          .get(`${BASE}/${id}/credentials${query}`)
          .set('Authorization', bearer(scope));

      it('needs registries:credentials, which write and read do not grant', async () => {
        const { id } = await create({ name: 'cred-scope', url: 'cred-scope.example.com' });
        await credentials(id, WRITE).expect(403);
        await credentials(id, READ).expect(403);
        await credentials(id, `${WRITE} ${READ}`).expect(403);
        await credentials(id).expect(200);
      });

      it('answers the server as docker login writes it, plain and as a Docker config.json', async () => {
        const { id } = await create({
          name: 'cred-harbor',
          url: 'https://Harbor.Example.com:8443/v2/',
          username: 'robot$import',
          password: 'pa:ss',
        });
        expect((await credentials(id).expect(200)).body).toEqual({
          server: 'harbor.example.com:8443',
          username: 'robot$import',
          password: 'pa:ss',
        });
        expect(
          (await credentials(id, CREDENTIALS, '?format=dockerconfigjson').expect(200)).body,
        ).toEqual({
          auths: {
            'harbor.example.com:8443': {
              username: 'robot$import',
              password: 'pa:ss',
              auth: Buffer.from('robot$import:pa:ss').toString('base64'),
            },
          },
        });
      });

      it('names Docker Hub https://index.docker.io/v1/ and answers nulls without credentials', async () => {
        const { id } = await create({ name: 'cred-hub', url: 'registry.hub.docker.com' });
        expect((await credentials(id).expect(200)).body).toEqual({
          server: 'https://index.docker.io/v1/',
          username: null,
          password: null,
        });
        expect(
          (await credentials(id, CREDENTIALS, '?format=dockerconfigjson').expect(200)).body,
        ).toEqual({
          auths: {},
        });
        await request(suite().app.http)
          .delete(`${BASE}/${id}`)
          .set('Authorization', bearer(WRITE))
          .expect(200);
      });

      it('answers 404 for an absent registry and 400 for an unknown format', async () => {
        await credentials(2147483647).expect(404);
        const { id } = await create({ name: 'cred-format', url: 'cred-format.example.com' });
        await credentials(id, CREDENTIALS, '?format=yaml').expect(400);
      });
    });

    describe('POST /resolve without check', () => {
      const resolve = (image: string, scope = READ): Test => post('/resolve', { image }, scope);
      let hubId: number;
      let harborId: number;

      beforeAll(async () => {
        hubId = (await create({ name: 'resolve-hub', url: 'docker.io' })).id;
        harborId = (await create({ name: 'resolve-harbor', url: 'harbor.resolve.example:8443' }))
          .id;
        await create({ name: 'resolve-team', url: 'https://harbor.resolve.example:8443/team' });
      });

      it('answers 404 saying no default is set when the reference names no registry', async () => {
        const res = await resolve('nginx').expect(404);
        expect(res.body.message).toMatch(/no default/i);
      });

      it('uses Docker Hub as default with library/ and latest', async () => {
        await request(suite().app.http)
          .put(`${BASE}/${hubId}`)
          .set('Authorization', bearer(WRITE))
          .send({ default: true })
          .expect(200);
        const res = await resolve('nginx').expect(200);
        expect(res.body).toMatchObject({
          reference: 'docker.io/library/nginx:latest',
          repository: 'library/nginx',
          tag: 'latest',
          digest: null,
          registry: { id: hubId },
        });
        expect((await resolve('nginx:1.27').expect(200)).body.reference).toBe(
          'docker.io/library/nginx:1.27',
        );
        expect((await resolve(`library/nginx@${SHA}`).expect(200)).body).toMatchObject({
          reference: `docker.io/library/nginx@${SHA}`,
          tag: null,
          digest: SHA,
        });
        expect((await resolve(`nginx:1.27@${SHA}`).expect(200)).body.reference).toBe(
          `docker.io/library/nginx:1.27@${SHA}`,
        );
        expect((await resolve('myuser/app').expect(200)).body.repository).toBe('myuser/app');
      });

      it('matches Docker Hub aliases to the Docker Hub registry', async () => {
        for (const image of [
          'docker.io/nginx',
          'index.docker.io/library/nginx',
          'registry-1.docker.io/library/nginx',
        ]) {
          const res = await resolve(image).expect(200);
          expect(res.body).toMatchObject({
            registry: { id: hubId },
            reference: 'docker.io/library/nginx:latest',
          });
        }
      });

      it('matches a host and port to its registry, the longest path prefix winning', async () => {
        expect(
          (await resolve('harbor.resolve.example:8443/proj/app:v1').expect(200)).body,
        ).toMatchObject({
          registry: { id: harborId },
          reference: 'harbor.resolve.example:8443/proj/app:v1',
          repository: 'proj/app',
          tag: 'v1',
        });
        const team = await resolve('harbor.resolve.example:8443/team/app').expect(200);
        expect(team.body.registry.url).toBe('https://harbor.resolve.example:8443/team');
      });

      it('keeps a one-part name as written on a default registry that is not Docker Hub', async () => {
        await request(suite().app.http)
          .put(`${BASE}/${harborId}`)
          .set('Authorization', bearer(WRITE))
          .send({ default: true })
          .expect(200);
        expect((await resolve('nginx').expect(200)).body).toMatchObject({
          registry: { id: harborId },
          reference: 'harbor.resolve.example:8443/nginx:latest',
          repository: 'nginx',
        });
      });

      it('answers 404 naming an unknown host, and 400 for a malformed reference', async () => {
        const unknown = await resolve('quay.io/org/app').expect(404);
        expect(unknown.body.message).toContain('quay.io');
        for (const image of ['Nginx', 'nginx:', 'https://x/y', '', `nginx@sha256:abc`]) {
          await resolve(image).expect(400);
        }
        await post('/resolve', { image: 'nginx', extra: 1 }).expect(400);
        await resolve('nginx', CREDENTIALS).expect(403);
      });

      it('answers 400 to a reference whose registry no URL can name', async () => {
        for (const image of ['reg.example.com:99999/app', '169.254.169.254/app']) {
          const res = await resolve(image).expect(400);
          expect(JSON.stringify(res.body.message)).toContain('image names the registry');
        }
      });
    });

    describe('POST /resolve with check, when the registry cannot answer', () => {
      it('answers 502 when the registry is unreachable and 504 when it does not answer in time', async () => {
        const closed = await closedPortUrl();
        await create({ name: 'check-closed', url: closed });
        await create({ name: 'check-silent', url: silent.url });
        const closedHost = new URL(closed).host;
        const refused = await post(
          '/resolve',
          { image: `${closedHost}/app:v1`, check: true },
          READ,
        ).expect(502);
        expect(refused.body.message).toContain('refused');
        const silentHost = new URL(silent.url).host;
        await post('/resolve', { image: `${silentHost}/app:v1`, check: true }, READ).expect(504);
      });
    });

    describe('ca_certificate', () => {
      const certificate = selfSignedCertificate();

      it('is validated as X.509 on write, returned, and cleared with null', async () => {
        const { id } = await create({
          name: 'ca-ok',
          url: 'ca-ok.example.com',
          ca_certificate: certificate,
        });
        const fetched = await request(suite().app.http)
          .get(`${BASE}/${id}`)
          .set('Authorization', bearer(READ))
          .expect(200);
        expect(fetched.body.ca_certificate).toBe(certificate);
        const bundle = `${certificate}\n${certificate}`;
        await request(suite().app.http)
          .put(`${BASE}/${id}`)
          .set('Authorization', bearer(WRITE))
          .send({ ca_certificate: bundle })
          .expect(200);
        const cleared = await request(suite().app.http)
          .put(`${BASE}/${id}`)
          .set('Authorization', bearer(WRITE))
          .send({ ca_certificate: null })
          .expect(200);
        expect(cleared.body.ca_certificate).toBeNull();
      });

      it.each([
        ['garbage', 'not a certificate'],
        ['a damaged certificate', certificate.replace(/\n[A-Za-z0-9+/]{20}/, '\n')],
        ['text around it', `hello\n${certificate}`],
        ['more than 64 KiB', certificate.repeat(Math.ceil(65_537 / certificate.length))],
      ])('rejects %s with 400 naming ca_certificate', async (_label, value) => {
        const res = await post('', {
          name: 'ca-bad',
          url: 'ca-bad.example.com',
          ca_certificate: value,
        }).expect(400);
        expect(JSON.stringify(res.body.message)).toContain('ca_certificate');
      });
    });
  },
  { OUTBOUND_TIMEOUT_MS: String(OUTBOUND_TIMEOUT_MS) },
);
