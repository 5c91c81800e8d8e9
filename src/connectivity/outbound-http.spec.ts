import { execFileSync } from 'node:child_process';
import dns, { type LookupAddress } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { AppConfig } from '../config/app-config';
import {
  OutboundError,
  OutboundHttp,
  type OutboundResponse,
  type OutboundTls,
} from './outbound-http';

// Every server here listens on loopback; the link-local addresses below are never connected to.

const MiB = 1024 * 1024;
const QUICK_MS = 300;
const NO_TLS: OutboundTls = { caCertificate: null, insecure: false };
const REAL_LOOKUP = dns.lookup;

// ---- local servers ------------------------------------------------------------------------

interface Listening {
  server: NetServer;
  sockets: Set<Socket>;
  /** Every TCP connection the server accepted. */
  connections: number;
}

const running: Listening[] = [];

async function listen(server: NetServer, host = '127.0.0.1'): Promise<Listening> {
  const listening: Listening = { server, sockets: new Set(), connections: 0 };
  server.on('connection', (socket: Socket) => {
    listening.connections += 1;
    listening.sockets.add(socket);
    socket.on('close', () => listening.sockets.delete(socket));
  });
  running.push(listening);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return listening;
}

async function closeServers(): Promise<void> {
  await Promise.all(
    running.splice(0).map(({ server, sockets }) => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
}

function portOf({ server }: Listening): number {
  return (server.address() as AddressInfo).port;
}

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface FakeServer extends Listening {
  origin: string;
  port: number;
  received: Received[];
}

/** An HTTP(S) server on loopback that records what it received and answers with `handler`. */
async function fakeServer(
  handler: Handler,
  options: { tls?: { cert: string; key: string }; host?: string } = {},
): Promise<FakeServer> {
  const received: Received[] = [];
  const recording: Handler = (request, response) => {
    received.push({ method: request.method!, path: request.url!, headers: request.headers });
    handler(request, response);
  };
  const server =
    options.tls === undefined
      ? createHttpServer(recording)
      : createHttpsServer(options.tls, recording);
  const listening = await listen(server, options.host);
  const port = portOf(listening);
  const host = net.isIPv6(options.host ?? '') ? `[${options.host}]` : (options.host ?? '127.0.0.1');
  const scheme = options.tls === undefined ? 'http' : 'https';
  return Object.assign(listening, { origin: `${scheme}://${host}:${port}`, port, received });
}

/** A bare TCP server: what it does with a connection is up to `onConnection`. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<Listening> {
  return listen(net.createServer(onConnection));
}

function reply(status: number, body: string | Buffer = '', headers: string[] = []): Handler {
  return (_request, response) => {
    response.writeHead(status, ['Content-Length', String(Buffer.byteLength(body)), ...headers]);
    response.end(body);
  };
}

function redirect(status: number, location: string | (() => string)): Handler {
  return (_request, response) => {
    const target = typeof location === 'string' ? location : location();
    response.writeHead(status, { location: target, 'content-length': '0' });
    response.end();
  };
}

function routes(table: Record<string, Handler>): Handler {
  return (request, response) =>
    (table[request.url!] ?? reply(404, 'no such route'))(request, response);
}

/** `/hop/N` redirects to `/hop/N-1`; `/hop/0` answers 200. */
const hops: Handler = (request, response) => {
  const left = Number(request.url!.split('/')[2]);
  const next = left === 0 ? reply(200, 'arrived') : redirect(302, `/hop/${left - 1}`);
  next(request, response);
};

/** A port nothing listens on (there is a small window in which another process could take it). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- TLS material -------------------------------------------------------------------------

interface Certificate {
  cert: string;
  key: string;
}

/** A self-signed certificate valid for IP 127.0.0.1 (and no name). */
function selfSigned(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-http-spec-'));
  try {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=fake registry'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1'],
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the client under test ----------------------------------------------------------------

const clients: OutboundHttp[] = [];

function outboundHttp(timeoutMs = 10_000, connectTimeoutMs = 3_000): OutboundHttp {
  const client = new OutboundHttp({ outbound: { connectTimeoutMs, timeoutMs } } as AppConfig);
  clients.push(client);
  return client;
}

let http: OutboundHttp;

function get(
  url: string,
  headers: Record<string, string> = {},
  tlsOptions: OutboundTls = NO_TLS,
  client: OutboundHttp = http,
): Promise<OutboundResponse> {
  return client.send({ method: 'GET', url, headers, tls: tlsOptions });
}

async function failureOf(call: Promise<OutboundResponse>): Promise<OutboundError> {
  const error = await call.then(
    (response) => new Error(`expected a failure, got HTTP ${response.status}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OutboundError);
  return error as OutboundError;
}

/** Runs `call` and returns how long it took to fail, with the failure. */
async function timed(call: () => Promise<OutboundResponse>) {
  const started = performance.now();
  const error = await failureOf(call());
  return { error, elapsed: performance.now() - started };
}

type Answer = LookupAddress[] | NodeJS.ErrnoException;

/**
 * Replaces DNS for the given names, as the service's guarded lookup sees it (it asks for all
 * addresses); every other lookup (the test servers' own, `localhost`) goes to the real resolver.
 */
function fakeDns(names: Record<string, Answer>): void {
  const fake = (...args: Parameters<typeof REAL_LOOKUP>): void => {
    const [hostname, options, callback] = args as unknown as [
      string,
      dns.LookupOptions,
      (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
    ];
    const answer = names[hostname];
    if (answer === undefined) return Reflect.apply(REAL_LOOKUP, dns, args);
    expect(options.all).toBe(true);
    setImmediate(() => (answer instanceof Error ? callback(answer, []) : callback(null, answer)));
  };
  jest.spyOn(dns, 'lookup').mockImplementation(fake);
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

beforeEach(() => {
  http = outboundHttp();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(clients.splice(0).map((client) => client.onModuleDestroy()));
  await closeServers();
});

// ---- the tests ----------------------------------------------------------------------------

describe('OutboundHttp', () => {
  describe('connection pools', () => {
    it('keeps a bounded number of pools however many CAs callers bring', async () => {
      const server = await fakeServer(reply(200, 'ok'));
      for (let index = 0; index < 40; index += 1) {
        const tls = { caCertificate: `ca-${index}`, insecure: false };
        expect((await get(`${server.origin}/v2/`, {}, tls)).status).toBe(200);
      }
      expect((http as unknown as { agents: Map<string, unknown> }).agents.size).toBeLessThanOrEqual(
        32,
      );
    });
  });

  describe('answers', () => {
    it('returns status, body and lower-cased headers, repeated ones joined', async () => {
      const server = await fakeServer(
        reply(200, '{"ok":true}', [
          ...['Docker-Content-Digest', 'sha256:abc', 'Content-Type', 'application/json'],
          ...['X-Repeated', 'a', 'X-Repeated', 'b'],
        ]),
      );

      const response = await get(`${server.origin}/v2/`, { accept: 'application/json' });

      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('{"ok":true}');
      expect(response.headers).toMatchObject({
        'docker-content-digest': 'sha256:abc',
        'content-type': 'application/json',
        'x-repeated': 'a, b',
      });
      expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
      expect(server.received).toEqual([expect.objectContaining({ method: 'GET', path: '/v2/' })]);
      expect(server.received[0].headers.accept).toBe('application/json');
    });

    it('returns error statuses as answers, not failures', async () => {
      const server = await fakeServer(reply(503, 'down'));

      await expect(get(`${server.origin}/v2/`)).resolves.toMatchObject({ status: 503 });
    });

    it('sends HEAD and returns the headers without a body', async () => {
      const server = await fakeServer((_request, response) => {
        response.writeHead(200, { 'Content-Length': '1234', 'Docker-Content-Digest': 'sha256:x' });
        response.end();
      });

      const response = await http.send({
        method: 'HEAD',
        url: `${server.origin}/v2/app/manifests/latest`,
        tls: NO_TLS,
      });

      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(0);
      expect(response.headers).toMatchObject({
        'content-length': '1234',
        'docker-content-digest': 'sha256:x',
      });
      expect(server.received.map(({ method }) => method)).toEqual(['HEAD']);
    });
  });

  describe('redirects', () => {
    describe.each([301, 302, 303, 307, 308])('%i', (status) => {
      it.each([
        ['an absolute', (target: FakeServer) => `${target.origin}/landed`],
        ['a relative', () => '../landed'],
      ])('follows %s Location', async (_kind, location) => {
        const server: FakeServer = await fakeServer(
          routes({
            '/v2/start': redirect(status, () => location(server)),
            '/landed': reply(200, 'landed'),
          }),
        );

        const response = await get(`${server.origin}/v2/start`);

        expect(response.status).toBe(200);
        expect(response.body.toString()).toBe('landed');
        expect(server.received.map(({ path }) => path)).toEqual(['/v2/start', '/landed']);
      });
    });

    it('keeps the method of a HEAD across a redirect', async () => {
      const server = await fakeServer(hops);

      const response = await http.send({
        method: 'HEAD',
        url: `${server.origin}/hop/2`,
        tls: NO_TLS,
      });

      expect(response.status).toBe(200);
      expect(server.received.map(({ method }) => method)).toEqual(['HEAD', 'HEAD', 'HEAD']);
    });

    it('follows three redirects', async () => {
      const server = await fakeServer(hops);

      const response = await get(`${server.origin}/hop/3`);

      expect(response.body.toString()).toBe('arrived');
      expect(server.received).toHaveLength(4);
    });

    it('refuses a fourth redirect without following it', async () => {
      const server = await fakeServer(hops);

      const error = await failureOf(get(`${server.origin}/hop/4`));

      expect(error.kind).toBe('unreachable');
      expect(error.message).toMatch(/redirected more than 3 times/);
      expect(server.received.map(({ path }) => path)).toEqual([
        '/hop/4',
        '/hop/3',
        '/hop/2',
        '/hop/1',
      ]);
    });

    it.each(['http://', 'http://[::1', 'ftp://127.0.0.1/blob', 'file:///etc/passwd'])(
      'reports a redirect to %s as unreachable',
      async (location) => {
        const server = await fakeServer(redirect(302, location));

        const error = await failureOf(get(`${server.origin}/v2/`));

        expect(error).toMatchObject({
          kind: 'unreachable',
          message: `127.0.0.1:${server.port} redirected to an address that is not an http or https URL.`,
        });
      },
    );

    it('returns a redirect status without a Location as the answer', async () => {
      const server = await fakeServer(reply(302, 'nowhere to go'));

      await expect(get(`${server.origin}/v2/`)).resolves.toMatchObject({ status: 302 });
    });
  });

  describe('credentials on redirects', () => {
    const headers = { authorization: 'Basic dXNlcjpzZWNyZXQ=', accept: 'application/json' };
    const authorizations = (server: FakeServer) =>
      server.received.map((received) => received.headers.authorization);

    it('sends authorization again after a same-origin redirect', async () => {
      const registry = await fakeServer(
        routes({ '/v2/': redirect(307, '/v2/elsewhere'), '/v2/elsewhere': reply(200) }),
      );

      await get(`${registry.origin}/v2/`, headers);

      expect(authorizations(registry)).toEqual([headers.authorization, headers.authorization]);
    });

    it('does not send authorization to another port of the same host', async () => {
      const storage = await fakeServer(reply(200, 'blob'));
      const registry = await fakeServer(redirect(307, `${storage.origin}/blob`));

      const response = await get(`${registry.origin}/v2/app/blobs/sha256:1`, headers);

      expect(response.body.toString()).toBe('blob');
      expect(authorizations(registry)).toEqual([headers.authorization]);
      expect(storage.received).toEqual([expect.objectContaining({ path: '/blob' })]);
      expect(authorizations(storage)).toEqual([undefined]);
      // Only the credentials stay behind.
      expect(storage.received[0].headers.accept).toBe('application/json');
    });

    it('does not send authorization to another host name, even on the same server', async () => {
      fakeDns({ 'storage.test': [v4('127.0.0.1')] });
      const server: FakeServer = await fakeServer(
        routes({
          '/v2/': redirect(302, () => `http://storage.test:${server.port}/blob`),
          '/blob': reply(200),
        }),
      );

      await get(`${server.origin}/v2/`, headers);

      expect(server.received.map(({ headers: { host } }) => host)).toEqual([
        `127.0.0.1:${server.port}`,
        `storage.test:${server.port}`,
      ]);
      expect(authorizations(server)).toEqual([headers.authorization, undefined]);
    });

    it('does not send authorization again when a redirect comes back to its origin', async () => {
      const registry = await fakeServer(
        routes({
          '/v2/': redirect(302, () => `${elsewhere.origin}/bounce`),
          '/v2/back': reply(200),
        }),
      );
      const elsewhere = await fakeServer(redirect(302, `${registry.origin}/v2/back`));

      await get(`${registry.origin}/v2/`, headers);

      expect(registry.received.map(({ path }) => path)).toEqual(['/v2/', '/v2/back']);
      expect(authorizations(registry)).toEqual([headers.authorization, undefined]);
      expect(authorizations(elsewhere)).toEqual([undefined]);
    });

    it('treats the header name case-insensitively', async () => {
      const storage = await fakeServer(reply(200));
      const registry = await fakeServer(redirect(307, `${storage.origin}/blob`));

      await get(`${registry.origin}/v2/`, { Authorization: headers.authorization });

      expect(authorizations(registry)).toEqual([headers.authorization]);
      expect(authorizations(storage)).toEqual([undefined]);
    });
  });

  describe('link-local and metadata addresses', () => {
    const blockedMessage = /link-local or metadata address/;

    /** Spies on every way undici opens a connection. */
    function connections() {
      const plain = jest.spyOn(net, 'connect');
      const secure = jest.spyOn(tls, 'connect');
      return () => plain.mock.calls.length + secure.mock.calls.length;
    }

    it('sees the connections of an ordinary call (so the spies below mean something)', async () => {
      const count = connections();
      const server = await fakeServer(reply(200));

      await get(`${server.origin}/v2/`);

      expect(count()).toBe(1);
    });

    it.each([
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.0.1:8443/v2/',
      'http://2852039166/', // 169.254.169.254 written as one number
      'http://[::ffff:169.254.169.254]/',
      'http://[fe80::1]/v2/',
      'https://[febf:ffff::1]:5000/v2/',
    ])('refuses %s without connecting', async (url) => {
      const count = connections();

      const error = await failureOf(get(url));

      expect(error.kind).toBe('unreachable');
      expect(error.message).toMatch(blockedMessage);
      expect(count()).toBe(0);
    });

    it.each(['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]:5000/'])(
      'refuses a redirect to %s',
      async (location) => {
        const registry = await fakeServer(redirect(302, location));
        const count = connections();

        const error = await failureOf(get(`${registry.origin}/v2/`));

        expect(error.kind).toBe('unreachable');
        expect(error.message).toMatch(blockedMessage);
        expect(count()).toBe(1); // the registry only
      },
    );

    it.each([
      ['169.254.169.254', [v4('169.254.169.254')]],
      ['fe80::1', [v6('fe80::1')]],
      ['a link-local address among good ones', [v4('127.0.0.1'), v4('169.254.1.1')]],
    ])('refuses a host name resolving to %s, connecting nowhere', async (_case, addresses) => {
      fakeDns({ 'metadata.test': addresses });
      const loopback = await fakeServer(reply(200));

      const error = await failureOf(get(`http://metadata.test:${loopback.port}/`));

      expect(error.kind).toBe('unreachable');
      expect(error.message).toMatch(/^metadata\.test is a link-local or metadata address/);
      expect(loopback.connections).toBe(0);
    });

    it('passes ordinary addresses through its resolver', async () => {
      fakeDns({ 'registry.test': [v4('127.0.0.1')] });
      const server = await fakeServer(reply(200, 'resolved'));

      const response = await get(`http://registry.test:${server.port}/v2/`);

      expect(response.body.toString()).toBe('resolved');
      expect(server.received[0].headers.host).toBe(`registry.test:${server.port}`);
    });

    it('resolves localhost with the system resolver', async () => {
      const { address } = await dns.promises.lookup('localhost');
      const server = await fakeServer(reply(200, 'local'), { host: address });

      const response = await get(`http://localhost:${server.port}/v2/`);

      expect(response.body.toString()).toBe('local');
    });

    it('reports a name that does not resolve as unreachable', async () => {
      fakeDns({
        'missing.test': Object.assign(new Error('getaddrinfo ENOTFOUND missing.test'), {
          code: 'ENOTFOUND',
        }),
      });

      const error = await failureOf(get('http://missing.test:5000/v2/'));

      expect(error).toMatchObject({
        kind: 'unreachable',
        message: 'missing.test:5000 is not a known host name.',
      });
    });
  });

  describe('timeouts', () => {
    // A connect timeout cannot be provoked reliably on loopback (it accepts or refuses at once).
    let quick: OutboundHttp;

    beforeEach(() => {
      quick = outboundHttp(QUICK_MS, QUICK_MS);
    });

    async function expectTimeout(url: string): Promise<void> {
      const { error, elapsed } = await timed(() => get(url, {}, NO_TLS, quick));

      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/did not answer in time/);
      expect(elapsed).toBeGreaterThanOrEqual(QUICK_MS * 0.8);
      expect(elapsed).toBeLessThan(QUICK_MS * 6); // a bound against hanging, generous for a loaded machine
    }

    it('gives up on a server that accepts and never answers', async () => {
      const silent = await tcpServer(() => undefined);

      await expectTimeout(`http://127.0.0.1:${portOf(silent)}/v2/`);
    });

    it('gives up on a body that stalls after the headers', async () => {
      const server = await fakeServer((_request, response) => {
        response.writeHead(200, { 'content-length': '100' });
        response.write('only the start');
      });

      await expectTimeout(`${server.origin}/v2/`);
    });

    it('gives up on a body that trickles in past the total deadline', async () => {
      const server = await fakeServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const drip = setInterval(() => response.write('.'), QUICK_MS / 6);
        response.on('close', () => clearInterval(drip));
      });

      await expectTimeout(`${server.origin}/v2/`);
    });

    it('counts the deadline over all redirects together', async () => {
      const slowHops: Handler = (request, response) => {
        setTimeout(() => hops(request, response), QUICK_MS / 2);
      };
      const server = await fakeServer(slowHops);

      await expectTimeout(`${server.origin}/hop/3`);
    });
  });

  describe('broken connections', () => {
    it('reports a closed port as refused', async () => {
      const port = await closedPort();

      const error = await failureOf(get(`http://127.0.0.1:${port}/v2/`));

      expect(error).toMatchObject({
        kind: 'unreachable',
        message: `127.0.0.1:${port} refused the connection.`,
      });
    });

    it.each([
      ['resets the connection at once', (socket: Socket) => socket.resetAndDestroy()],
      [
        'resets the connection after reading the request',
        (socket: Socket) => socket.once('data', () => socket.resetAndDestroy()),
      ],
      [
        'closes the connection after reading the request',
        (socket: Socket) => socket.once('data', () => socket.end()),
      ],
    ])('reports a server that %s as unreachable', async (_case, onConnection) => {
      const server = await tcpServer(onConnection);

      const error = await failureOf(get(`http://127.0.0.1:${portOf(server)}/v2/`));

      expect(error.kind).toBe('unreachable');
      expect(error.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${portOf(server)} `));
    });

    it('reports a server that does not speak HTTP as unreachable', async () => {
      const server = await tcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));

      const error = await failureOf(get(`http://127.0.0.1:${portOf(server)}/v2/`));

      expect(error.kind).toBe('unreachable');
    });
  });

  describe('TLS', () => {
    let certificate: Certificate;
    let otherCertificate: Certificate;
    let server: FakeServer;

    beforeAll(() => {
      certificate = selfSigned();
      otherCertificate = selfSigned();
    });

    beforeEach(async () => {
      server = await fakeServer(reply(200, 'secure'), { tls: certificate });
    });

    const withCa = (ca: Certificate): OutboundTls => ({ caCertificate: ca.cert, insecure: false });

    it('refuses a self-signed certificate it was not told to trust', async () => {
      const error = await failureOf(get(`${server.origin}/v2/`));

      expect(error.kind).toBe('tls_error');
      expect(error.message).toMatch(
        /^The TLS certificate of 127\.0\.0\.1:\d+ could not be verified/,
      );
    });

    it('trusts the certificate given as the CA', async () => {
      const response = await get(`${server.origin}/v2/`, {}, withCa(certificate));

      expect(response.body.toString()).toBe('secure');
    });

    it('does not trust a certificate signed by another CA', async () => {
      const error = await failureOf(get(`${server.origin}/v2/`, {}, withCa(otherCertificate)));

      expect(error.kind).toBe('tls_error');
    });

    it('checks the host name against the certificate', async () => {
      fakeDns({ 'registry.test': [v4('127.0.0.1')] });

      const error = await failureOf(
        get(`https://registry.test:${server.port}/v2/`, {}, withCa(certificate)),
      );

      expect(error.kind).toBe('tls_error');
    });

    it('skips verification when insecure, whatever the CA', async () => {
      const insecure = { caCertificate: otherCertificate.cert, insecure: true };

      await expect(get(`${server.origin}/v2/`, {}, insecure)).resolves.toMatchObject({
        status: 200,
      });
      await expect(
        get(`${server.origin}/v2/`, {}, { ...NO_TLS, insecure: true }),
      ).resolves.toMatchObject({ status: 200 });
    });

    it('keeps the trust of one call out of the next', async () => {
      const url = `${server.origin}/v2/`;

      expect((await failureOf(get(url))).kind).toBe('tls_error');
      expect((await get(url, {}, withCa(certificate))).status).toBe(200);
      expect((await get(url, {}, { ...NO_TLS, insecure: true })).status).toBe(200);
      expect((await failureOf(get(url))).kind).toBe('tls_error');
      expect((await failureOf(get(url, {}, withCa(otherCertificate)))).kind).toBe('tls_error');
    });
  });

  describe('size cap', () => {
    const sizedBody =
      (size: number, chunked: boolean): Handler =>
      (_request, response) => {
        response.writeHead(200, chunked ? {} : { 'content-length': String(size) });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let sent = 0; sent < size; sent += chunk.length) {
          response.write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
        }
        response.end();
      };

    describe.each([
      ['with a Content-Length', false],
      ['chunked', true],
    ])('%s', (_case, chunked) => {
      it('reads exactly 4 MiB', async () => {
        const server = await fakeServer(sizedBody(4 * MiB, chunked));

        const response = await get(`${server.origin}/v2/`);

        expect(response.body).toHaveLength(4 * MiB);
      });

      it('refuses 4 MiB and one byte', async () => {
        const server = await fakeServer(sizedBody(4 * MiB + 1, chunked));

        const error = await failureOf(get(`${server.origin}/v2/`));

        expect(error).toMatchObject({
          kind: 'unreachable',
          message: `127.0.0.1:${server.port} sent an answer larger than 4 MiB.`,
        });
      });
    });
  });
});
