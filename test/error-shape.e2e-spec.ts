import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import request from 'supertest';
import { appOnSqlite } from './support/test-app';
import { bearer, READ } from './support/tokens';

const BASE = '/api/v1/image-registries';

/** CONTRACT §2: every error body is exactly {statusCode, error, message}, Fastify's own too. */
describe('the error shape', () => {
  const app = appOnSqlite();

  it.each([`${BASE}/%ff`, `${BASE}/%`, '/%c0%af', `${BASE}/%E2%82`])(
    'is kept by a path Fastify cannot decode: %s',
    async (path) => {
      const response = await request(app().http)
        .get(path)
        .set('Authorization', bearer(READ))
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringContaining('is not a valid url component'),
      });
    },
  );

  it.each<[string, string, number]>([
    ['a malformed request', 'GET / HTTP/1.1\r\nHost\r\n\r\n', 400],
    [
      'headers over 16 KiB',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`,
      431,
    ],
  ])("is kept by Node's refusal of %s", async (_name, bytes, status) => {
    const { app: nest } = app();
    // Listening until the application closes after the suite.
    if (!nest.getHttpServer().listening) await nest.listen(0, '127.0.0.1');
    const { port } = nest.getHttpServer().address() as { port: number };
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text)).on('error', reject);
    });
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      statusCode: status,
      error: STATUS_CODES[status],
      message: expect.any(String),
    });
  });
});
