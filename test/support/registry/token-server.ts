import { randomUUID, sign } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningCertificate } from './certificates';

export interface TokenServerOptions {
  signing: SigningCertificate;
  /** The registry's name: the token's `aud`, and what clients send as `service`. */
  service: string;
  /** The token's `iss`, which the registry checks against `auth.token.issuer`. */
  issuer: string;
  username: string;
  password: string;
  /** Whether a request without credentials gets a pull-only token (default) or a 401. */
  allowAnonymousPull?: boolean;
  expiresInSeconds?: number;
}

/** One access entry of a token, as in the `scope` parameter `repository:name:pull,push`. */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** What the token server saw, and answered, for one request. */
export interface TokenRequestRecord {
  authorization: string | undefined;
  account: string | undefined;
  service: string | undefined;
  scopes: string[];
  status: number;
  /** The access the issued token grants; empty when none was issued. */
  granted: TokenAccess[];
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** `repository:library/alpine:pull,push` → `{ type, name, actions }`; undefined when malformed. */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

/**
 * A Docker registry token server (https://distribution.github.io/distribution/spec/auth/token/) on
 * 127.0.0.1: `GET /token?service=…&scope=…&account=…` with optional Basic credentials answers
 * `{ token, access_token, expires_in, issued_at }`, an ES256 JWT whose `kid` is the libtrust ID of
 * the key the registry trusts. A valid user gets all it asks for, an anonymous one pull at most (or a
 * 401), wrong credentials a 401. Every request is recorded for assertions.
 */
export class TokenServer {
  /** The token endpoint, i.e. the registry's `auth.token.realm`; set once listening. */
  url = '';
  private readonly server: Server = createServer((request, response) =>
    this.handle(request, response),
  );
  private readonly records: TokenRequestRecord[] = [];
  private lastRequestHeaders: IncomingHttpHeaders | undefined;

  constructor(private readonly options: TokenServerOptions) {}

  /** Listens on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server.unref(); // a forgotten token server must not keep Node alive
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/token`;
  }

  /** How many requests reached the token endpoint. */
  get requestCount(): number {
    return this.records.length;
  }

  get requests(): readonly TokenRequestRecord[] {
    return this.records;
  }

  /** The headers of the latest request, whatever its path. */
  get lastHeaders(): IncomingHttpHeaders | undefined {
    return this.lastRequestHeaders;
  }

  /** Forgets the recorded requests. */
  reset(): void {
    this.records.length = 0;
    this.lastRequestHeaders = undefined;
  }

  /** A signed token for `subject` granting `access`, as the endpoint would issue it. */
  issueToken(subject: string, access: TokenAccess[]): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', kid: this.options.signing.keyId };
    const claims = {
      iss: this.options.issuer,
      sub: subject,
      aud: this.options.service,
      exp: now + this.expiresIn(),
      nbf: now - 1,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signed), {
      key: this.options.signing.privateKey,
      dsaEncoding: 'ieee-p1363', // JWS wants raw r‖s, not DER
    });
    return `${signed}.${base64url(signature)}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private expiresIn(): number {
    return this.options.expiresInSeconds ?? 300;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.lastRequestHeaders = request.headers;
    const url = new URL(request.url ?? '/', this.url);
    if (request.method !== 'GET' || url.pathname !== '/token') {
      this.answer(response, 404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
      return;
    }
    const scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' '));
    const record: TokenRequestRecord = {
      authorization: request.headers.authorization,
      account: url.searchParams.get('account') ?? undefined,
      service: url.searchParams.get('service') ?? undefined,
      scopes: scopes.filter(Boolean),
      status: 0,
      granted: [],
    };
    this.records.push(record);
    const subject = this.authenticate(request.headers.authorization);
    if (subject === undefined) {
      record.status = 401;
      response.setHeader('WWW-Authenticate', 'Basic realm="test-token-server"');
      this.answer(response, 401, {
        errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }],
      });
      return;
    }
    if (record.service !== undefined && record.service !== this.options.service) {
      record.status = 400;
      this.answer(response, 400, { errors: [{ code: 'DENIED', message: 'unknown service' }] });
      return;
    }
    record.granted = this.grant(subject, record.scopes);
    record.status = 200;
    const token = this.issueToken(subject, record.granted);
    this.answer(response, 200, {
      token,
      access_token: token,
      expires_in: this.expiresIn(),
      issued_at: new Date().toISOString(),
    });
  }

  /** The subject: the user for valid Basic credentials, '' for anonymous (if allowed), else undefined. */
  private authenticate(authorization: string | undefined): string | undefined {
    if (authorization === undefined) {
      return this.options.allowAnonymousPull === false ? undefined : '';
    }
    const [scheme, encoded] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'basic' || encoded === undefined) return undefined;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const username = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    const valid =
      separator > 0 && username === this.options.username && password === this.options.password;
    return valid ? username : undefined;
  }

  private grant(subject: string, scopes: string[]): TokenAccess[] {
    const granted: TokenAccess[] = [];
    for (const access of scopes.map(parseScope)) {
      if (access === undefined) continue;
      const actions =
        subject === ''
          ? access.actions.filter((action) => access.type === 'repository' && action === 'pull')
          : access.actions;
      if (actions.length > 0) granted.push({ ...access, actions });
    }
    return granted;
  }

  private answer(response: ServerResponse, status: number, body: object): void {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  }
}

/** A token server listening on 127.0.0.1; see `TokenServer`. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const tokenServer = new TokenServer(options);
  await tokenServer.start();
  return tokenServer;
}
