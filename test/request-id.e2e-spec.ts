import request from 'supertest';
import { appOnSqlite } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

/**
 * X-Request-Id: a caller's id is kept when it is 1–128 characters of [A-Za-z0-9._:-], anything
 * else gets a new UUID, and every response carries it: successes, the service's errors and the
 * refusals Fastify makes itself before a handler runs.
 */

const LIST = '/api/v1/image-registries';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  const app = appOnSqlite({ CORS_ORIGINS: 'https://console.example.com' });
  const api = () => request(app().http);

  it.each(['a', 'trace-7b0c6f9e.2f4c:4c61_9d1e', 'x'.repeat(128)])('keeps %s', async (id) => {
    const response = await api()
      .get(LIST)
      .set('Authorization', bearer(READ))
      .set('X-Request-Id', id);
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe(id);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'ünï'],
    ['a quote', '"abc"'],
  ])('replaces one with %s by a new UUID', async (_what, id) => {
    const response = await api()
      .get(LIST)
      .set('Authorization', bearer(READ))
      .set('X-Request-Id', id);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('makes a new one for each request without one', async () => {
    const [first, second] = await Promise.all([api().get('/health'), api().get('/health')]);
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('replaces two X-Request-Id headers by a new one', async () => {
    const response = await api()
      .get('/health')
      .set('X-Request-Id', ['first', 'second'] as unknown as string);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it.each([
    ['401 without a token', () => api().get(LIST), 401],
    [
      '403 without the scope',
      () => api().post(LIST).set('Authorization', bearer(READ)).send({}),
      403,
    ],
    [
      '404 for an unknown route',
      () => api().get('/nowhere').set('Authorization', bearer(READ)),
      404,
    ],
    [
      '400 for a malformed id',
      () => api().get(`${LIST}/0`).set('Authorization', bearer(READ)),
      400,
    ],
    [
      '400 for malformed JSON',
      () =>
        api()
          .post(LIST)
          .set('Authorization', bearer(WRITE))
          .set('Content-Type', 'application/json')
          .send('{"name":'),
      400,
    ],
    [
      '413 for a body over 1 MiB',
      () =>
        api()
          .post(LIST)
          .set('Authorization', bearer(WRITE))
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ description: 'x'.repeat(1024 * 1024) })),
      413,
    ],
    [
      '415 for a body that is not JSON',
      () =>
        api()
          .post(LIST)
          .set('Authorization', bearer(WRITE))
          .set('Content-Type', 'text/plain')
          .send('x'),
      415,
    ],
    [
      '400 for an undecodable path',
      () => api().get(`${LIST}/%ff`).set('Authorization', bearer(READ)),
      400,
    ],
    [
      'a preflight',
      () =>
        api()
          .options(LIST)
          .set('Origin', 'https://console.example.com')
          .set('Access-Control-Request-Method', 'PUT'),
      204,
    ],
  ])('is on the %s', async (_what, send, status) => {
    const response = await send().set('X-Request-Id', 'given-id');
    expect(response.status).toBe(status);
    expect(response.headers['x-request-id']).toBe('given-id');
  });

  it('is readable by a browser on a configured origin', async () => {
    const response = await api()
      .get(LIST)
      .set('Authorization', bearer(READ))
      .set('Origin', 'https://console.example.com');
    expect(response.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
  });
});
