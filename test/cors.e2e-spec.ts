import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request, { type Response } from 'supertest';
import { CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS } from '../src/common/cors';
import { OPENAPI_FILE } from '../src/docs/generate-openapi';
import { appOnSqlite, type TestApp } from './support/test-app';
import { READ, token } from './support/tokens';

/**
 * CORS as a browser sees it: preflights for every route and method of the API from a configured
 * origin, the headers exposed on real answers, and nothing at all for any other origin.
 */

const CONSOLE = 'https://console.example.com';
const SECOND_CONSOLE = 'http://127.0.0.1:8080';
const STRANGER = 'https://evil.example.com';
const LIST = '/api/v1/image-registries';

interface Route {
  method: string;
  path: string;
}

/** Every operation of the committed document (kept equal to the code by its own test), HEAD too. */
function documentedRoutes(): Route[] {
  const document = JSON.parse(readFileSync(join(__dirname, '..', OPENAPI_FILE), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).flatMap(([template, item]) => {
    const path = template.replace(/\{[^}]+\}/g, '1');
    return Object.keys(item).flatMap((method) => {
      const upper = method.toUpperCase();
      return upper === 'GET'
        ? [
            { method: upper, path },
            { method: 'HEAD', path },
          ]
        : [{ method: upper, path }];
    });
  });
}

const ROUTES = documentedRoutes();
const ROUTE_CASES = ROUTES.map((route) => [route.method, route.path] as const);

/** What a browser sends before a cross-origin request with the console's headers. */
const preflight = (app: () => TestApp, origin: string, method: string, path: string) =>
  request(app().http)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', CORS_REQUEST_HEADERS.join(',').toLowerCase());

const listAs = (app: () => TestApp, origin: string) =>
  request(app().http)
    .get(LIST)
    .set('Origin', origin)
    .set('Authorization', `Bearer ${token(READ)}`);

const corsHeadersOf = (response: Response): string[] =>
  Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));

const listOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');

it('covers every operation of the document', () => {
  expect(ROUTES.length).toBeGreaterThanOrEqual(12);
  expect(new Set(ROUTES.map((route) => route.method))).toEqual(
    new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE']),
  );
});

describe('CORS with CORS_ORIGINS set', () => {
  const app = appOnSqlite({ CORS_ORIGINS: `${CONSOLE},${SECOND_CONSOLE}` });

  it.each(ROUTE_CASES)(
    'allows a preflighted %s %s from a configured origin',
    async (method, path) => {
      const response = await preflight(app, CONSOLE, method, path);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(response.headers['access-control-allow-origin']).toBe(CONSOLE);
      expect(listOf(response.headers['access-control-allow-methods'])).toContain(
        method.toLowerCase(),
      );
      expect(listOf(response.headers['access-control-allow-headers'])).toEqual(
        expect.arrayContaining(CORS_REQUEST_HEADERS.map((name) => name.toLowerCase())),
      );
      expect(response.headers['access-control-max-age']).toBe('600');
      expect(listOf(response.headers.vary)).toContain('origin');
      // Bearer tokens, not cookies: the browser is never asked to send credentials.
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it('allows exactly the methods the API has', async () => {
    const response = await preflight(app, CONSOLE, 'PATCH', `${LIST}/1`);
    expect(listOf(response.headers['access-control-allow-methods']).sort()).toEqual([
      'delete',
      'get',
      'head',
      'post',
      'put',
    ]);
  });

  it('answers each configured origin with its own origin', async () => {
    const response = await preflight(app, SECOND_CONSOLE, 'PUT', `${LIST}/1`);
    expect(response.headers['access-control-allow-origin']).toBe(SECOND_CONSOLE);
  });

  it('exposes X-Total-Count, ETag and X-Request-Id on an answer to a configured origin', async () => {
    const response = await listAs(app, CONSOLE).expect(200);
    expect(response.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(listOf(response.headers['access-control-expose-headers'])).toEqual(
      CORS_EXPOSED_HEADERS.map((name) => name.toLowerCase()),
    );
    expect(listOf(response.headers.vary)).toContain('origin');
  });

  it('lets a configured origin read a 401, so the console can tell the user to sign in', async () => {
    const response = await request(app().http).get(LIST).set('Origin', CONSOLE).expect(401);
    expect(response.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it('lets a configured origin read the 401 that refuses a body before it is read', async () => {
    const response = await request(app().http)
      .post(LIST)
      .set('Origin', CONSOLE)
      .send({ name: 'unread', url: 'unread.example.com' })
      .expect(401);
    expect(response.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it('lets a configured origin read a 404 error body', async () => {
    const response = await request(app().http)
      .get(`${LIST}/424242`)
      .set('Origin', CONSOLE)
      .set('Authorization', `Bearer ${token(READ)}`)
      .expect(404);
    expect(response.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it.each(ROUTE_CASES)(
    'sends no CORS header at all to a preflight of %s %s from another origin',
    async (method, path) => {
      const response = await preflight(app, STRANGER, method, path);
      expect(corsHeadersOf(response)).toEqual([]);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    },
  );

  it('sends no CORS header at all on an answer to another origin', async () => {
    const response = await listAs(app, STRANGER).expect(200);
    expect(corsHeadersOf(response)).toEqual([]);
  });

  it('sends no CORS header to a request without an Origin', async () => {
    const response = await request(app().http)
      .get(LIST)
      .set('Authorization', `Bearer ${token(READ)}`)
      .expect(200);
    expect(corsHeadersOf(response)).toEqual([]);
  });

  it('compares origins exactly: another scheme or port is another origin', async () => {
    for (const origin of ['http://console.example.com', 'https://console.example.com:8443']) {
      expect(corsHeadersOf(await preflight(app, origin, 'GET', LIST))).toEqual([]);
    }
  });
});

describe('CORS without CORS_ORIGINS', () => {
  const app = appOnSqlite({});

  it.each([
    ['OPTIONS', 'a preflight'],
    ['GET', 'an answer'],
  ])('sends no CORS header on %s (%s)', async (method) => {
    const response =
      method === 'OPTIONS'
        ? await preflight(app, CONSOLE, 'GET', LIST)
        : await listAs(app, CONSOLE);
    expect(corsHeadersOf(response)).toEqual([]);
  });

  it.each(ROUTE_CASES)(
    'answers a preflight of %s %s as a route it has not',
    async (method, path) => {
      const response = await preflight(app, CONSOLE, method, path);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    },
  );
});
