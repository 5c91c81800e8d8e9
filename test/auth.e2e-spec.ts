import {
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  type KeyPairKeyObjectResult,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Algorithm, sign } from 'jsonwebtoken';
import { AuthGuard } from '@nestjs/passport';
import { Strategy as PassportJwtStrategy } from 'passport-jwt';
import request, { type Response } from 'supertest';
import { JwtAuthGuard } from '../src/auth/jwt-auth.guard';
import { JwtStrategy } from '../src/auth/jwt.strategy';
import type { Environment } from '../src/config/environment';
import { appOnSqlite, type TestApp } from './support/test-app';
import { CREDENTIALS, READ, TEST_JWT_SECRET, WRITE } from './support/tokens';

const LIST = '/api/v1/image-registries';

// ---------------------------------------------------------------------------------------------
// Keys and tokens

interface Signer {
  key: string | KeyObject;
  algorithm: Algorithm;
  kid?: string;
}

const rsaKeys = (): KeyPairKeyObjectResult => generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256Keys = (): KeyPairKeyObjectResult =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

const hs256 = (secret: string | KeyObject = TEST_JWT_SECRET): Signer => ({
  key: secret,
  algorithm: 'HS256',
});
/** The classic algorithm-confusion attack: the RSA/EC public key, as PEM, used as an HMAC secret. */
const hs256WithPublicKey = (publicKey: KeyObject): Signer =>
  hs256(createSecretKey(Buffer.from(pem(publicKey))));

const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of a valid read token; a claim set to undefined is left out. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const all = { sub: 'e2e-tester', scope: READ, exp: now() + 300, ...overrides };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

function jwt(overrides: Record<string, unknown> = {}, signer: Signer = hs256()): string {
  return sign(claims(overrides), signer.key, {
    algorithm: signer.algorithm,
    ...(signer.kid === undefined ? {} : { keyid: signer.kid }),
  });
}

/** A token assembled by hand, for what jsonwebtoken refuses to produce. */
const handMade = (header: object, payload: object, signature = ''): string =>
  `${b64(header)}.${b64(payload)}.${signature}`;

/** A genuine read token whose payload was then changed to claim write. */
function tampered(): string {
  const [header, , signature] = jwt().split('.');
  return [header, b64(claims({ scope: WRITE })), signature].join('.');
}

// ---------------------------------------------------------------------------------------------
// Application and requests

/** Settings that leave the public key or the JWKS as the only way to verify a token. */
const WITHOUT_SECRET: Environment = { JWT_SECRET: undefined };

type Method = 'get' | 'post' | 'put' | 'delete';

function call(app: () => TestApp, token?: string, method: Method = 'get', path = LIST) {
  const pending = request(app().http)[method](path);
  return token === undefined ? pending : pending.set('Authorization', `Bearer ${token}`);
}

/** Checks the error body `{statusCode, error, message}` (nothing else) and returns the message. */
function expectErrorBody(response: Response, statusCode: number, error: string): string {
  const body = response.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body).toMatchObject({ statusCode, error });
  expect(typeof body.message).toBe('string');
  return body.message as string;
}

async function expectUnauthorized(app: () => TestApp, token?: string): Promise<string> {
  const response = await call(app, token).expect(401);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
  const message = expectErrorBody(response, 401, 'Unauthorized');
  for (const part of [token, ...(token?.split('.') ?? [])]) {
    if (part !== undefined && part.length >= 8) expect(response.text).not.toContain(part);
  }
  return message;
}

const expectAccepted = async (app: () => TestApp, token: string): Promise<void> => {
  await call(app, token).expect(200);
};

async function expectForbidden(app: () => TestApp, token: string, method: Method, path = LIST) {
  const response = await call(app, token, method, path).send({}).expect(403);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
  expectErrorBody(response, 403, 'Forbidden');
}

// ---------------------------------------------------------------------------------------------

describe('authentication with JWT_SECRET (HS256)', () => {
  const app = appOnSqlite();

  it('verifies tokens with the passport-jwt strategy behind AuthGuard("jwt")', () => {
    expect(Object.getPrototypeOf(JwtAuthGuard)).toBe(AuthGuard('jwt'));
    expect(app().app.get(JwtStrategy)).toBeInstanceOf(PassportJwtStrategy);
  });

  it('answers 401 with a bare Bearer challenge when there is no token', async () => {
    const response = await call(app).expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expectErrorBody(response, 401, 'Unauthorized');
  });

  it.each<[string, () => string]>([
    ['garbage', () => 'this-is-not-a-jwt-at-all'],
    ['three garbage segments', () => 'garbage-one.garbage-two.garbage-three'],
    [
      'a token signed with another secret',
      () => jwt({}, hs256('another-secret-0123456789abcdefghij')),
    ],
    ['a payload changed after signing', tampered],
    ['alg none', () => handMade({ alg: 'none', typ: 'JWT' }, claims())],
    ['alg None', () => handMade({ alg: 'None', typ: 'JWT' }, claims())],
    [
      'alg none carrying a valid HS256 signature',
      () => {
        const signature = jwt().split('.')[2];
        return handMade({ alg: 'none', typ: 'JWT' }, claims(), signature);
      },
    ],
    [
      'HS384 (not a configured algorithm) with the right secret',
      () => jwt({}, { key: TEST_JWT_SECRET, algorithm: 'HS384' }),
    ],
    [
      'a header that is not an object',
      () => `${Buffer.from('"HS256"').toString('base64url')}.${b64(claims())}.x`,
    ],
  ])('answers 401 for %s', async (_name, token) => {
    await expectUnauthorized(app, token());
  });

  // Times are computed when the test runs, not when the table is declared.
  it.each<[string, () => Record<string, unknown>, RegExp]>([
    ['expired 2 minutes ago', () => ({ exp: now() - 120 }), /expired/],
    [
      'expired 65 seconds ago (the contract allows 60 s of skew)',
      () => ({ exp: now() - 65 }),
      /expired/,
    ],
    ['not valid for another 2 minutes (nbf)', () => ({ nbf: now() + 120 }), /not valid yet/],
    ['without exp', () => ({ exp: undefined }), /\bexp\b/],
  ])('answers 401 for a token %s, saying why', async (_name, overrides, reason) => {
    expect(await expectUnauthorized(app, jwt(overrides()))).toMatch(reason);
  });

  it.each<[string, () => Record<string, unknown>]>([
    ['expired 10 seconds ago', () => ({ exp: now() - 10 })],
    ['valid from 10 seconds from now', () => ({ nbf: now() + 10 })],
  ])('allows clock skew: accepts a token %s', async (_name, overrides) => {
    await expectAccepted(app, jwt(overrides()));
  });

  it('answers 400 to two Authorization headers, whatever the first says', async () => {
    for (const headers of [
      [`Bearer ${jwt()}`, 'Bearer garbage'],
      ['Bearer garbage', `Bearer ${jwt()}`],
      [`Bearer ${jwt()}`, `Bearer ${jwt()}`],
    ]) {
      const response = await request(app().http)
        .get(LIST)
        // An array becomes one header line per value (superagent's types allow it for Cookie only).
        .set('Authorization', headers as unknown as string)
        .expect(400);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_request"');
      expectErrorBody(response, 400, 'Bad Request');
    }
  });

  it.each<[string, string | string[] | undefined, number, string]>([
    ['no token', undefined, 401, 'Bearer'],
    ['an invalid token', 'Bearer garbage', 401, 'Bearer error="invalid_token"'],
    [
      'two Authorization headers',
      ['Bearer garbage', 'Bearer garbage'],
      400,
      'Bearer error="invalid_request"',
    ],
  ])(
    'refuses a body sent with %s before reading it, as the guard would, and closes the connection',
    async (_name, authorization, status, challenge) => {
      const call = request(app().http).post(LIST);
      if (authorization !== undefined) void call.set('Authorization', authorization as string);
      const response = await call
        .send({ name: 'unread', url: 'unread.example.com' })
        .expect(status);
      expect(response.headers['www-authenticate']).toBe(challenge);
      expect(response.headers.connection).toBe('close');
      expectErrorBody(response, status, status === 401 ? 'Unauthorized' : 'Bad Request');
    },
  );

  it('answers 401 to a token larger than 8 KiB, and accepts one just under', async () => {
    const padding = (length: number) => ({ pad: 'x'.repeat(length) });
    const base = jwt(padding(0)).length;
    const under = jwt(padding(Math.floor(((8192 - base) * 3) / 4) - 16));
    expect(under.length).toBeLessThanOrEqual(8192);
    expect(under.length).toBeGreaterThan(8100);
    await expectAccepted(app, under);
    const over = jwt(padding(8192));
    expect(await expectUnauthorized(app, over)).toMatch(/larger than 8192 bytes/);
  });

  it('accepts a token without issuer or audience when none is configured', async () => {
    await expectAccepted(app, jwt({ iss: 'https://anyone.example.com', aud: 'anything' }));
  });
});

describe('scopes', () => {
  const app = appOnSqlite();
  const withScope = (scope: unknown): string => jwt({ scope });

  it.each<[Method, string]>([
    ['post', LIST],
    ['put', `${LIST}/1`],
    ['delete', `${LIST}/1`],
  ])('refuses a read token on %s %s with 403 insufficient_scope', async (method, path) => {
    await expectForbidden(app, withScope(READ), method, path);
  });

  it.each([LIST, `${LIST}/default`, `${LIST}/1`])(
    'refuses a credentials-only token on GET %s',
    async (path) => {
      await expectForbidden(app, withScope(CREDENTIALS), 'get', path);
    },
  );

  it('lets a write token read (write implies read) and write', async () => {
    await expectAccepted(app, withScope(WRITE));
    await call(app, withScope(WRITE), 'post')
      .send({ name: 'scoped', url: 'registry.example.com' })
      .expect(201);
  });

  it.each([
    ['several space-separated scopes', `${CREDENTIALS} ${READ}`],
    ['unknown scopes around a known one', `openid ${READ} profile`],
    ['extra spaces', `  ${READ}  `],
    ['an Object.prototype name beside it', `constructor ${READ}`],
  ])('grants read from %s', async (_name, scope) => {
    await expectAccepted(app, withScope(scope));
  });

  it.each([
    ['no scope claim', undefined],
    ['an array of scopes', [READ, WRITE]],
    ['a number', 1],
    ['scopes in the wrong case', 'REGISTRIES:READ'],
    ['comma-separated scopes', `${READ},${WRITE}`],
  ])('grants nothing from %s', async (_name, scope) => {
    await expectForbidden(app, withScope(scope), 'get');
  });
});

describe('authentication with JWT_ISSUER and JWT_AUDIENCE', () => {
  const ISSUER = 'https://idp.example.com/';
  const AUDIENCE = 'image-registry-service';
  const app = appOnSqlite({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });

  it.each([
    ['the right issuer and audience', { iss: ISSUER, aud: AUDIENCE }],
    ['the audience among several', { iss: ISSUER, aud: ['other-service', AUDIENCE] }],
  ])('accepts %s', async (_name, overrides) => {
    await expectAccepted(app, jwt(overrides));
  });

  it.each([
    ['a wrong issuer', { iss: 'https://evil.example.com/', aud: AUDIENCE }],
    ['no issuer', { aud: AUDIENCE }],
    ['a wrong audience', { iss: ISSUER, aud: 'other-service' }],
    ['no audience', { iss: ISSUER }],
  ])('answers 401 for %s', async (_name, overrides) => {
    await expectUnauthorized(app, jwt(overrides));
  });
});

describe('authentication with an RSA JWT_PUBLIC_KEY (RS256)', () => {
  const { publicKey, privateKey } = rsaKeys();
  const app = appOnSqlite({ ...WITHOUT_SECRET, JWT_PUBLIC_KEY: pem(publicKey) });

  it('accepts an RS256 token signed with the matching private key', async () => {
    await expectAccepted(app, jwt({}, { key: privateKey, algorithm: 'RS256' }));
  });

  it.each<[string, () => string]>([
    [
      'an RS256 token signed with another key',
      () => jwt({}, { key: rsaKeys().privateKey, algorithm: 'RS256' }),
    ],
    [
      'a PS256 token signed with the right key',
      () => jwt({}, { key: privateKey, algorithm: 'PS256' }),
    ],
    ['an HS256 token when only a public key is configured', () => jwt()],
    [
      'an HS256 token whose secret is the public key (algorithm confusion)',
      () => jwt({}, hs256WithPublicKey(publicKey)),
    ],
    ['an ES256 token', () => jwt({}, { key: p256Keys().privateKey, algorithm: 'ES256' })],
  ])('answers 401 for %s', async (_name, token) => {
    await expectUnauthorized(app, token());
  });
});

describe('authentication with a P-256 JWT_PUBLIC_KEY (ES256)', () => {
  const { publicKey, privateKey } = p256Keys();
  const app = appOnSqlite({ ...WITHOUT_SECRET, JWT_PUBLIC_KEY: pem(publicKey) });

  it('accepts an ES256 token signed with the matching private key', async () => {
    await expectAccepted(app, jwt({}, { key: privateKey, algorithm: 'ES256' }));
  });

  it.each<[string, () => string]>([
    [
      'an ES256 token signed with another key',
      () => jwt({}, { key: p256Keys().privateKey, algorithm: 'ES256' }),
    ],
    ['an RS256 token', () => jwt({}, { key: rsaKeys().privateKey, algorithm: 'RS256' })],
    [
      'an HS256 token whose secret is the public key (algorithm confusion)',
      () => jwt({}, hs256WithPublicKey(publicKey)),
    ],
  ])('answers 401 for %s', async (_name, token) => {
    await expectUnauthorized(app, token());
  });
});

describe('authentication with JWT_JWKS_URI', () => {
  const rsa = { kid: 'rsa-key-1', ...rsaKeys() };
  const ec = { kid: 'ec-key-1', ...p256Keys() };
  const jwk = (key: KeyObject, kid: string, alg: Algorithm) => ({
    ...key.export({ format: 'jwk' }),
    kid,
    alg,
    use: 'sig',
  });
  const jwks = { keys: [jwk(rsa.publicKey, rsa.kid, 'RS256'), jwk(ec.publicKey, ec.kid, 'ES256')] };

  let server: Server;
  let jwksUri = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const found = req.url === '/.well-known/jwks.json';
      res.writeHead(found ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(found ? JSON.stringify(jwks) : '{}');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });
  // Declared after the JWKS server's hooks, so it starts once the server listens.
  const app = appOnSqlite(() => ({ ...WITHOUT_SECRET, JWT_JWKS_URI: jwksUri }));

  it.each<[string, Signer]>([
    [
      'an RS256 token whose kid names the RSA key',
      { key: rsa.privateKey, algorithm: 'RS256', kid: rsa.kid },
    ],
    [
      'an ES256 token whose kid names the EC key',
      { key: ec.privateKey, algorithm: 'ES256', kid: ec.kid },
    ],
  ])('accepts %s', async (_name, signer) => {
    await expectAccepted(app, jwt({}, signer));
  });

  it.each<[string, () => Signer]>([
    ['an unknown kid', () => ({ key: rsa.privateKey, algorithm: 'RS256', kid: 'no-such-key' })],
    [
      'no kid while the JWKS holds several keys',
      () => ({ key: rsa.privateKey, algorithm: 'RS256' }),
    ],
    [
      'a known kid but another private key',
      () => ({ key: rsaKeys().privateKey, algorithm: 'RS256', kid: rsa.kid }),
    ],
    [
      'the RSA kid on an ES256 token',
      () => ({ key: ec.privateKey, algorithm: 'ES256', kid: rsa.kid }),
    ],
    ['an HS256 token signed with the test secret', () => ({ ...hs256(), kid: rsa.kid })],
    [
      'an HS256 token whose secret is the JWKS public key (algorithm confusion)',
      () => ({ ...hs256WithPublicKey(rsa.publicKey), kid: rsa.kid }),
    ],
  ])('answers 401 for %s', async (_name, signer) => {
    await expectUnauthorized(app, jwt({}, signer()));
  });
});

describe('public endpoints', () => {
  const app = appOnSqlite();

  it('serves GET /health without a token', async () => {
    const response = await request(app().http).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('serves GET /health/ready with 200 while the database is up', async () => {
    const response = await request(app().http).get('/health/ready').expect(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });

  it('serves Swagger UI at /api/docs without a token', async () => {
    const response = await request(app().http).get('/api/docs').redirects(2).expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves the OpenAPI document at /api/docs-json without a token', async () => {
    const response = await request(app().http).get('/api/docs-json').expect(200);
    expect(String((response.body as { openapi?: unknown }).openapi)).toMatch(/^3\./);
  });
});
