import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTlsCertificates } from '../../test/support/registry/certificates';
import type { AppConfig } from '../config/app-config';
import { ServiceMetrics } from '../metrics/service-metrics';
import { OutboundError, OutboundHttp } from './outbound-http';
import { type RegistryCall, RegistryClient, type RegistryTarget } from './registry-client';

// A fake registry (and token server) made of node:http servers on 127.0.0.1, driven through a
// real OutboundHttp: the V2 handshake as the wire sees it.

const USERNAME = 'alice';
const PASSWORD = 'pa:ss wörd';
const BASIC = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
const V2: RegistryCall = { operation: 'connection_test', method: 'GET', path: '' };

// ---- local servers ------------------------------------------------------------------------

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface FakeServer {
  origin: string;
  received: Received[];
}

const closers: (() => Promise<void>)[] = [];

/**
 * An HTTP server on loopback (HTTPS when given a key and certificate) that records what it
 * received and answers with `handler`.
 */
async function fakeServer(
  handler: Handler,
  tls?: { key: Buffer; cert: Buffer },
): Promise<FakeServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url!, 'http://fake');
    received.push({
      method: request.method!,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
    });
    handler(request, response);
  };
  const server = tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    sockets.forEach((socket) => socket.destroy());
    return new Promise((resolve) => server.close(() => resolve()));
  });
  const scheme = tls === undefined ? 'http' : 'https';
  return { origin: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function reply(status: number, body = '', headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    response.end(body);
  };
}

/** 200 to requests carrying `accepted` as authorization, otherwise 401 with `challenge`. */
function guarded(
  challenge: string,
  accepted: string,
  granted: Handler = reply(200, '{}'),
): Handler {
  return (request, response) => {
    const next =
      request.headers.authorization === accepted
        ? granted
        : reply(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', { 'www-authenticate': challenge });
    next(request, response);
  };
}

/** A token server that hands out `token` (as `field`) to `credentials`, and 401 to anyone else. */
function tokenServer(token: string, credentials: string | undefined, field = 'token'): Handler {
  return (request, response) => {
    const next =
      request.headers.authorization === credentials
        ? reply(200, JSON.stringify({ [field]: token, expires_in: 300 }), {
            'content-type': 'application/json',
          })
        : reply(401, '{"details":"incorrect username or password"}');
    next(request, response);
  };
}

function bearerChallenge(tokens: FakeServer, scope = 'repository:app:pull'): string {
  return `Bearer realm="${tokens.origin}/token",service="fake-registry",scope="${scope}"`;
}

// ---- the client under test ----------------------------------------------------------------

let http: OutboundHttp;
let client: RegistryClient;

function target(registry: FakeServer, credentials: Partial<RegistryTarget> = {}): RegistryTarget {
  return {
    url: registry.origin,
    username: USERNAME,
    password: PASSWORD,
    insecure: false,
    caCertificate: null,
    ...credentials,
  };
}

const anonymous = { username: null, password: null };

const authorizations = (server: FakeServer) =>
  server.received.map(({ headers }) => headers.authorization);

async function failureOf(call: Promise<unknown>): Promise<OutboundError> {
  const error = await call.then(
    () => new Error('expected a failure'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OutboundError);
  return error as OutboundError;
}

beforeEach(() => {
  http = new OutboundHttp({
    outbound: { connectTimeoutMs: 3_000, timeoutMs: 10_000 },
  } as AppConfig);
  client = new RegistryClient(http, new ServiceMetrics());
});

afterEach(async () => {
  await http.onModuleDestroy();
  await Promise.all(closers.splice(0).map((close) => close()));
});

// ---- the tests ----------------------------------------------------------------------------

describe('RegistryClient', () => {
  it('reports an anonymous 200 as auth none, presenting nothing', async () => {
    const registry = await fakeServer(reply(200, '{}'));

    const answer = await client.call(target(registry), V2);

    expect(answer).toMatchObject({ status: 200, auth: 'none', presentedCredentials: false });
    expect(registry.received).toEqual([expect.objectContaining({ method: 'GET', path: '/v2/' })]);
    expect(authorizations(registry)).toEqual([undefined]);
  });

  describe('Basic', () => {
    const challenge = 'Basic realm="x"';

    it('answers the challenge with the credentials', async () => {
      const registry = await fakeServer(guarded(challenge, BASIC));

      const answer = await client.call(target(registry), V2);

      expect(answer).toMatchObject({ status: 200, auth: 'basic', presentedCredentials: true });
      expect(authorizations(registry)).toEqual([undefined, BASIC]);
    });

    it('sends an empty password when none is stored', async () => {
      const emptyPassword = `Basic ${Buffer.from(`${USERNAME}:`).toString('base64')}`;
      const registry = await fakeServer(guarded(challenge, emptyPassword));

      const answer = await client.call(target(registry, { password: null }), V2);

      expect(answer).toMatchObject({ status: 200, presentedCredentials: true });
    });

    it('returns the refusal of wrong credentials', async () => {
      const registry = await fakeServer(guarded(challenge, BASIC));

      const answer = await client.call(target(registry, { password: 'wrong' }), V2);

      expect(answer).toMatchObject({ status: 401, auth: 'basic', presentedCredentials: true });
    });

    it('returns the 401 without credentials to present', async () => {
      const registry = await fakeServer(guarded(challenge, BASIC));

      const answer = await client.call(target(registry, anonymous), V2);

      expect(answer).toMatchObject({ status: 401, auth: 'basic', presentedCredentials: false });
      expect(registry.received).toHaveLength(1);
    });

    it('does not take the credentials along when the registry redirects elsewhere', async () => {
      const storage = await fakeServer(reply(200, 'blob'));
      const registry = await fakeServer(
        guarded(challenge, BASIC, (_request, response) => {
          response.writeHead(307, { location: `${storage.origin}/blob`, 'content-length': '0' });
          response.end();
        }),
      );

      const answer = await client.call(target(registry), {
        operation: 'manifest',
        method: 'GET',
        path: 'app/blobs/x',
      });

      expect(answer.body.toString()).toBe('blob');
      expect(authorizations(registry)).toEqual([undefined, BASIC]);
      expect(authorizations(storage)).toEqual([undefined]);
    });
  });

  describe('Bearer', () => {
    it('fetches a token from the realm on another server, with the credentials', async () => {
      const tokens = await fakeServer(tokenServer('tok-1', BASIC));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-1'));

      const answer = await client.call(target(registry), V2);

      expect(answer).toMatchObject({ status: 200, auth: 'bearer', presentedCredentials: true });
      expect(tokens.received).toHaveLength(1);
      const [request] = tokens.received;
      expect(request).toMatchObject({ method: 'GET', path: '/token' });
      expect(Object.fromEntries(request.query)).toEqual({
        service: 'fake-registry',
        scope: 'repository:app:pull',
      });
      expect(request.headers.authorization).toBe(BASIC);
      // The registry itself only ever sees the token.
      expect(authorizations(registry)).toEqual([undefined, 'Bearer tok-1']);
    });

    it('asks for the scope of the call rather than the one in the challenge', async () => {
      const tokens = await fakeServer(tokenServer('tok-1', BASIC));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-1'));

      await client.call(target(registry), { ...V2, scope: 'repository:library/nginx:pull' });

      expect(tokens.received[0].query.get('scope')).toBe('repository:library/nginx:pull');
    });

    it('keeps the query the realm already has', async () => {
      const tokens = await fakeServer(tokenServer('tok-1', BASIC));
      const challenge = `Bearer realm="${tokens.origin}/token?account=ci",service="fake-registry"`;
      const registry = await fakeServer(guarded(challenge, 'Bearer tok-1'));

      await client.call(target(registry), V2);

      expect(Object.fromEntries(tokens.received[0].query)).toEqual({
        account: 'ci',
        service: 'fake-registry',
      });
    });

    it('fetches an anonymous token without credentials', async () => {
      const tokens = await fakeServer(tokenServer('anonymous-tok', undefined));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer anonymous-tok'));

      const answer = await client.call(target(registry, anonymous), V2);

      expect(answer).toMatchObject({ status: 200, auth: 'bearer', presentedCredentials: false });
      expect(authorizations(tokens)).toEqual([undefined]);
    });

    it('accepts the token as access_token', async () => {
      const tokens = await fakeServer(tokenServer('tok-2', BASIC, 'access_token'));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-2'));

      await expect(client.call(target(registry), V2)).resolves.toMatchObject({ status: 200 });
    });

    it("returns the token server's 401 when it refuses the credentials", async () => {
      const tokens = await fakeServer(tokenServer('tok-1', BASIC));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-1'));

      const answer = await client.call(target(registry, { password: 'wrong' }), V2);

      expect(answer).toMatchObject({ status: 401, auth: 'bearer', presentedCredentials: true });
      expect(registry.received).toHaveLength(1);
    });

    it('returns the refusal of a token the registry does not accept', async () => {
      const tokens = await fakeServer(tokenServer('tok-1', BASIC));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer other'));

      const answer = await client.call(target(registry), V2);

      expect(answer).toMatchObject({ status: 401, auth: 'bearer', presentedCredentials: true });
      expect(authorizations(registry)).toEqual([undefined, 'Bearer tok-1']);
    });

    it.each([
      ['an HTML page', '<html><body>login</body></html>'],
      ['JSON without a token', '{"expires_in":300}'],
      ['an empty token', '{"token":""}'],
      ['JSON null', 'null'],
    ])('fails when the token server sends %s', async (_case, body) => {
      const tokens = await fakeServer(reply(200, body));
      const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-1'));

      const error = await failureOf(client.call(target(registry), V2));

      expect(error.kind).toBe('unreachable');
      expect(error.message).toBe(`The token server at ${tokens.origin.slice(7)} sent no token.`);
      expect(registry.received).toHaveLength(1);
    });

    it.each([
      ['no realm', 'Bearer service="fake-registry"'],
      ['a realm that is not a URL', 'Bearer realm="/token"'],
      ['a realm that is not http', 'Bearer realm="ftp://127.0.0.1/token"'],
    ])('fails on a challenge with %s', async (_case, challenge) => {
      const registry = await fakeServer(guarded(challenge, 'Bearer tok-1'));

      const error = await failureOf(client.call(target(registry), V2));

      expect(error).toMatchObject({
        kind: 'unreachable',
        message: 'The registry named no usable token realm in its challenge.',
      });
    });

    it('never sends the credentials to a realm on a metadata address', async () => {
      const registry = await fakeServer(
        guarded('Bearer realm="http://169.254.169.254/latest/meta-data/"', 'Bearer tok-1'),
      );

      const error = await failureOf(client.call(target(registry), V2));

      expect(error.kind).toBe('unreachable');
      expect(error.message).toMatch(/link-local or metadata address/);
    });
  });

  describe('other challenges', () => {
    it.each([
      ['an unknown scheme', { 'www-authenticate': 'Negotiate' }],
      ['no challenge', {}],
    ])('reports a 401 with %s as auth null, presenting nothing', async (_case, headers) => {
      const registry = await fakeServer(reply(401, '', headers));

      const answer = await client.call(target(registry), V2);

      expect(answer).toMatchObject({ status: 401, auth: null, presentedCredentials: false });
      expect(registry.received).toHaveLength(1);
    });

    it('passes a 403 through as auth none, without presenting credentials', async () => {
      const registry = await fakeServer(reply(403, 'forbidden'));

      const answer = await client.call(target(registry), V2);

      expect(answer).toMatchObject({ status: 403, auth: 'none', presentedCredentials: false });
    });
  });

  it('sends the method, path and Accept of the call on every registry request', async () => {
    const accept =
      'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json';
    const tokens = await fakeServer(tokenServer('tok-1', BASIC));
    const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-1'));

    const answer = await client.call(target(registry), {
      operation: 'manifest',
      method: 'HEAD',
      path: 'library/nginx/manifests/1.27',
      accept,
    });

    expect(answer.status).toBe(200);
    expect(registry.received).toEqual([
      expect.objectContaining({ method: 'HEAD', path: '/v2/library/nginx/manifests/1.27' }),
      expect.objectContaining({ method: 'HEAD', path: '/v2/library/nginx/manifests/1.27' }),
    ]);
    expect(registry.received.map(({ headers }) => headers.accept)).toEqual([accept, accept]);
    expect(tokens.received[0].method).toBe('GET');
  });
  it('retries a HEAD the registry refuses as a GET, with the authorization it already has', async () => {
    const tokens = await fakeServer(tokenServer('tok-1', BASIC));
    const challenge = bearerChallenge(tokens);
    const registry = await fakeServer((request, response) => {
      if (request.headers.authorization !== 'Bearer tok-1') {
        reply(401, '', { 'www-authenticate': challenge })(request, response);
      } else {
        reply(request.method === 'HEAD' ? 405 : 200, '{}')(request, response);
      }
    });

    const answer = await client.call(target(registry), {
      operation: 'manifest',
      method: 'HEAD',
      path: 'app/manifests/1',
      retryAsGet: ({ status }) => status === 405,
    });

    expect(answer).toMatchObject({ status: 200, auth: 'bearer', presentedCredentials: true });
    expect(registry.received.map(({ method }) => method)).toEqual(['HEAD', 'HEAD', 'GET']);
    expect(authorizations(registry)).toEqual([undefined, 'Bearer tok-1', 'Bearer tok-1']);
    expect(tokens.received).toHaveLength(1);
  });

  it('holds one deadline over the whole handshake, not one per request', async () => {
    const timeoutMs = 600;
    const slowly =
      (handler: Handler): Handler =>
      (request, response) =>
        void setTimeout(() => handler(request, response), timeoutMs / 2.5);
    const tokens = await fakeServer(slowly(tokenServer('tok-1', BASIC)));
    const registry = await fakeServer(slowly(guarded(bearerChallenge(tokens), 'Bearer tok-1')));
    const hurried = new OutboundHttp({
      outbound: { connectTimeoutMs: 3_000, timeoutMs },
    } as AppConfig);
    try {
      // Each of the three requests fits in the deadline; together they do not.
      const error = await failureOf(
        new RegistryClient(hurried, new ServiceMetrics()).call(target(registry), V2),
      );
      expect(error.kind).toBe('timeout');
    } finally {
      await hurried.onModuleDestroy();
    }
  });

  it('never sends the credentials of an https registry to a plain-http token realm', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tls-'));
    closers.push(() => rm(directory, { recursive: true, force: true }));
    const certificates = await createTlsCertificates(directory);
    const tokens = await fakeServer(tokenServer('tok-1', BASIC));
    const registry = await fakeServer(guarded(bearerChallenge(tokens), 'Bearer tok-1'), {
      key: readFileSync(certificates.keyPath),
      cert: readFileSync(certificates.certificatePath),
    });

    const error = await failureOf(
      client.call(target(registry, { caCertificate: certificates.caPem }), V2),
    );

    expect(error.message).toMatch(/plain HTTP; the credentials are not sent there/);
    expect(tokens.received).toHaveLength(0);
  });
});
