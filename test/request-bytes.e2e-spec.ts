import { connect } from 'node:net';
import request from 'supertest';
import { describeEachDatabase } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

const BASE = '/api/v1/image-registries';

/** One raw HTTP/1.1 exchange, for what clients do not send on their own; the whole answer. */
function rawExchange(port: number, message: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(message));
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer)).on('error', reject);
  });
}

const statusLine = (answer: string): string => answer.split('\r\n', 1)[0];

/** CONTRACT §2 and §3: bodies are UTF-8 JSON, and nothing else is stored. */
describeEachDatabase('request bytes', (suite) => {
  const api = () => request(suite().app.http);
  const post = (body: string | Buffer, contentType = 'application/json') =>
    api()
      .post(BASE)
      .set('Authorization', bearer(WRITE))
      .set('Content-Type', contentType)
      .send(body);
  /** The application's port, listening from the first call until the suite closes it. */
  const listening = async (): Promise<number> => {
    const { app } = suite().app;
    if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
    return (app.getHttpServer().address() as { port: number }).port;
  };
  const total = async () =>
    Number(
      (await api().get(BASE).set('Authorization', bearer(READ)).expect(200)).headers[
        'x-total-count'
      ],
    );

  it.each([
    ['application/json; charset=iso-8859-1', 415],
    ['application/json; charset=utf-16', 415],
    ['application/json;charset="latin1"', 415],
  ])('refuses %s with %d, storing nothing', async (contentType, status) => {
    const before = await total();
    await post(JSON.stringify({ name: 'latin', url: 'latin.example.com' }), contentType).expect(
      status,
    );
    expect(await total()).toBe(before);
  });

  it.each([
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json; charset="utf-8"',
  ])('accepts %s', async (contentType) => {
    const name = `utf8-${Math.random().toString(36).slice(2, 8)}`;
    await post(JSON.stringify({ name, url: `${name}.example.com` }), contentType).expect(201);
  });

  it('refuses bytes that are not UTF-8 with a 400, storing nothing', async () => {
    const before = await total();
    const body = Buffer.concat([
      Buffer.from('{"name":"caf'),
      Buffer.from([0xe9]), // "é" in Latin-1
      Buffer.from('","url":"cafe.example.com"}'),
    ]);
    const answer = await rawExchange(
      await listening(),
      Buffer.concat([
        Buffer.from(
          `POST ${BASE} HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer(WRITE)}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ),
        body,
      ]),
    );
    expect(statusLine(answer)).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The request body is not valid JSON in UTF-8',
    });
    expect(await total()).toBe(before);
  });

  it.each([
    ['name', '{"name":"\\ud800abc","url":"lone1.example.com"}', 'name'],
    [
      'description',
      '{"name":"lone2","url":"lone2.example.com","description":"x\\udc00"}',
      'description',
    ],
    [
      'a property name',
      '{"name":"lone3","url":"lone3.example.com","\\ud83d":1}',
      'a property name',
    ],
    [
      'a nested array',
      '{"name":"lone4","url":"lone4.example.com","extra":{"tags":["ok","\\udc00"]}}',
      'extra.tags[1]',
    ],
  ])(
    'refuses a lone surrogate in %s with a 400 naming it, storing nothing',
    async (_where, body, field) => {
      const before = await total();
      const response = await post(body).expect(400);
      expect(response.body.message).toEqual([
        `${field} must not contain a lone surrogate (not Unicode)`,
      ]);
      expect(await total()).toBe(before);
    },
  );

  it('keeps a character outside the BMP (a surrogate pair) exactly', async () => {
    const description = 'pull \ud83d\ude80 fast';
    const created = await post(
      JSON.stringify({ name: 'rocket', url: 'rocket.example.com', description }),
    ).expect(201);
    expect(created.body.description).toBe(description);
    const read = await api()
      .get(`${BASE}/${created.body.id as number}`)
      .set('Authorization', bearer(READ))
      .expect(200);
    expect(read.body.description).toBe('pull 🚀 fast');
  });

  it('refuses a transfer coding other than chunked with a 501, storing nothing', async () => {
    const port = await listening();
    const before = await total();
    const json = '{"name":"coded","url":"coded.example.com"}';
    const chunked = `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`;
    const head = (encoding: string) =>
      `POST ${BASE} HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer(WRITE)}\r\nContent-Type: application/json\r\nTransfer-Encoding: ${encoding}\r\nConnection: close\r\n\r\n`;
    expect(statusLine(await rawExchange(port, head('gzip, chunked') + chunked))).toBe(
      'HTTP/1.1 501 Not Implemented',
    );
    expect(await total()).toBe(before);
    expect(statusLine(await rawExchange(port, head('chunked') + chunked))).toBe(
      'HTTP/1.1 201 Created',
    );
  });
});
