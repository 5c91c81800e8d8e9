import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  type BasicRegistry,
  pushImage,
  type PushedImage,
  registrySuitesRun,
  startRegistry,
  type TokenRegistry,
} from './support/registry';
import { saveRegistries } from './support/saved-registries';
import { describeEachDatabase } from './support/test-app';
import { bearer, CREDENTIALS, READ } from './support/tokens';

const SUITE = 'the import job suite (test/import-job.e2e-spec.ts)';
const describeWithSkopeo = registrySuitesRun(SUITE, ['skopeo']) ? describe : describe.skip;
const run = promisify(execFile);

const BASE = '/api/v1/image-registries';
/** Its `importer:` base64 has both "+" and "/", which base64url would have turned into "-" and "_". */
const SOURCE_PASSWORD = 'Imp0rt-1?YbaX0~';

/** skopeo, as an import job runs it; its output (both streams) when it succeeds. */
async function skopeo(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('skopeo', args, { timeout: 60_000 });
  return `${stdout}${stderr}`;
}

/**
 * CONTRACT §12 with the real copy tool: an import job resolves the image with `check`, asks for
 * one auth file covering the source and the destination, and hands it to `skopeo copy`.
 */
describeWithSkopeo('an import job with skopeo', () => {
  let source: BasicRegistry;
  let destination: TokenRegistry;
  let image: PushedImage;
  let directory: string;
  let certificates: string;

  beforeAll(async () => {
    [source, destination] = await Promise.all([
      startRegistry('basic', { tls: true, username: 'importer', password: SOURCE_PASSWORD }),
      startRegistry('token', { allowAnonymousPull: false }),
    ]);
    image = await pushImage(source, 'team/app', 'v1', { format: 'docker' });
    directory = await mkdtemp(join(tmpdir(), 'import-job-'));
    // skopeo trusts the *.crt files of --src-cert-dir as CAs: the source's private one.
    certificates = join(directory, 'certs');
    await run('mkdir', [certificates]);
    await writeFile(join(certificates, 'ca.crt'), source.caPem!);
  });

  afterAll(async () => {
    await Promise.all([source?.stop(), destination?.stop()]);
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  describeEachDatabase('with both registries saved', (suite, kind) => {
    const api = () => request(suite().app.http);
    const ids = { source: 0, destination: 0 };
    const host = (url: string) => new URL(url).host;

    beforeAll(async () => {
      const saved = await saveRegistries(suite().app.http, {
        source: {
          url: source.url,
          username: source.username,
          password: source.password,
          ca_certificate: source.caPem,
        },
        platform: {
          url: destination.url,
          username: destination.username,
          password: destination.password,
        },
        // A registry the job does not ask for: its credentials stay out of the file.
        elsewhere: { url: 'https://elsewhere.example.com', username: 'x', password: 'y' },
      });
      ids.source = saved.source;
      ids.destination = saved.platform;
    });

    it('copies the image with only the auth file the service answered', async () => {
      const resolved = await api()
        .post(`${BASE}/resolve`)
        .set('Authorization', bearer(READ))
        .send({ image: `${host(source.url)}/team/app:v1`, check: true })
        .expect(200);
      expect(resolved.body.digest).toBe(image.digest);

      const config = await api()
        .get(
          `${BASE}/credentials?format=dockerconfigjson&registryIds=${ids.source},${ids.destination}`,
        )
        .set('Authorization', bearer(CREDENTIALS))
        .expect(200);
      expect(Object.keys(config.body.auths as object)).toEqual([
        host(source.url),
        host(destination.url),
      ]);
      const sourceAuth = (config.body.auths as Record<string, { auth: string }>)[host(source.url)]
        .auth;
      expect(sourceAuth).toMatch(/\+/);
      expect(sourceAuth).toMatch(/\//);
      const authfile = join(directory, `auth-${kind}.json`);
      await writeFile(authfile, JSON.stringify(config.body), { mode: 0o600 });

      const target = `docker://${host(destination.url)}/imported-${kind}/app:v1`;
      const copy = [
        'copy',
        '--authfile',
        authfile,
        '--src-cert-dir',
        certificates,
        '--dest-tls-verify=false',
        '--preserve-digests',
        `docker://${host(source.url)}/team/app:v1`,
        target,
      ];
      const copied = await skopeo(...copy);
      expect(copied).toMatch(/Writing manifest to image destination/);

      const inspect = ['inspect', '--authfile', authfile, '--tls-verify=false', target];
      const inspected = JSON.parse(await run('skopeo', inspect).then(({ stdout }) => stdout)) as {
        Digest: string;
      };
      console.info(
        `[${kind}] resolve with check: ${resolved.body.digest as string}\n$ skopeo ${copy.join(' ')}\n${copied}$ skopeo ${inspect.join(' ')}\nDigest: ${inspected.Digest}`,
      );
      expect(inspected.Digest).toBe(resolved.body.digest);
    });

    it('cannot copy without it: the registries do ask for those credentials', async () => {
      const empty = join(directory, `empty-${kind}.json`);
      await writeFile(empty, '{"auths": {}}');
      await expect(
        skopeo(
          'copy',
          '--authfile',
          empty,
          '--src-cert-dir',
          certificates,
          '--dest-tls-verify=false',
          `docker://${host(source.url)}/team/app:v1`,
          `docker://${host(destination.url)}/refused-${kind}/app:v1`,
        ),
      ).rejects.toThrow(/unauthorized|authentication required/i);
    });
  });
});
