import request from 'supertest';
import { describeEachDatabase } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

/**
 * Versions and conditional requests (RFC 9110): every registry has a version, answers carry it as
 * a strong ETag, If-Match guards PUT and DELETE with a 412, If-None-Match makes GET a 304.
 */

const BASE = '/api/v1/image-registries';
const writer = bearer(WRITE);
const reader = bearer(READ);

describeEachDatabase('registry versions and conditional requests', (suite) => {
  const api = () => request(suite().app.http);
  let sequence = 0;

  const create = async (extra: object = {}) => {
    sequence += 1;
    const response = await api()
      .post(BASE)
      .set('Authorization', writer)
      .send({ name: `versioned-${sequence}`, url: `versioned-${sequence}.example.com`, ...extra })
      .expect(201);
    return { id: response.body.id as number, etag: response.headers.etag, response };
  };
  const get = (id: number) => api().get(`${BASE}/${id}`).set('Authorization', reader);
  const put = (id: number, body: object, ifMatch?: string) => {
    const pending = api().put(`${BASE}/${id}`).set('Authorization', writer);
    return (ifMatch === undefined ? pending : pending.set('If-Match', ifMatch)).send(body);
  };
  const remove = (id: number, ifMatch?: string) => {
    const pending = api().delete(`${BASE}/${id}`).set('Authorization', writer);
    return ifMatch === undefined ? pending : pending.set('If-Match', ifMatch);
  };

  it('answers version 1 on create, on get and as the default, the body unchanged', async () => {
    const { id, etag, response } = await create({ default: true });
    expect(etag).toBe('"1"');
    expect(response.body).not.toHaveProperty('version');
    expect((await get(id).expect(200)).headers.etag).toBe('"1"');
    const byDefault = await api().get(`${BASE}/default`).set('Authorization', reader).expect(200);
    expect(byDefault.headers.etag).toBe('"1"');
    expect(Object.keys(byDefault.body as object).sort()).toEqual(
      Object.keys(response.body as object).sort(),
    );
  });

  it('moves the version on every PUT, even one that changes no field', async () => {
    const { id } = await create();
    expect((await put(id, { description: 'x' }).expect(200)).headers.etag).toBe('"2"');
    expect((await put(id, {}).expect(200)).headers.etag).toBe('"3"');
    expect((await get(id)).headers.etag).toBe('"3"');
  });

  it('gives the registry that loses the default a new version', async () => {
    const first = await create({ default: true });
    await create({ default: true });
    expect((await get(first.id)).headers.etag).toBe('"2"');
    const third = await create();
    await put(third.id, { default: true }).expect(200);
    const second = await api().get(`${BASE}/default`).set('Authorization', reader);
    expect(second.body.id).toBe(third.id);
  });

  it('applies a PUT whose If-Match names the current ETag, in a list or as *', async () => {
    const { id } = await create();
    expect((await put(id, { description: 'a' }, '"1"').expect(200)).headers.etag).toBe('"2"');
    expect((await put(id, { description: 'b' }, '"7", "2"').expect(200)).headers.etag).toBe('"3"');
    expect((await put(id, { description: 'c' }, '*').expect(200)).headers.etag).toBe('"4"');
  });

  it('answers 412 to a stale or weak If-Match and changes nothing', async () => {
    const { id } = await create({ description: 'kept' });
    await put(id, { description: 'moved on' }).expect(200);
    const before = await get(id);
    for (const stale of ['"1"', 'W/"2"', '"3", W/"2"']) {
      const response = await put(id, { description: 'lost' }, stale).expect(412);
      expect(response.body).toEqual({
        statusCode: 412,
        error: 'Precondition Failed',
        message: `Image registry ${id} has changed: its current ETag is "2"`,
      });
    }
    const after = await get(id);
    expect(after.body).toEqual(before.body);
    expect(after.headers.etag).toBe('"2"');
  });

  it('answers 400 to a malformed If-Match, and 400 or 404 before any precondition', async () => {
    const { id } = await create();
    const malformed = await put(id, { description: 'x' }, '2').expect(400);
    expect(malformed.body.message).toEqual([expect.stringContaining('If-Match')]);
    await put(424242, { description: 'x' }, '"1"').expect(404);
    await put(id, { description: 7 }, '"99"').expect(400);
    await remove(424242, '"1"').expect(404);
    expect((await get(id)).headers.etag).toBe('"1"');
  });

  it('deletes only while If-Match names the current ETag', async () => {
    const { id } = await create();
    await put(id, {}).expect(200);
    const refused = await remove(id, '"1"').expect(412);
    expect(refused.body.message).toBe(`Image registry ${id} has changed: its current ETag is "2"`);
    await get(id).expect(200);
    await remove(id, '"2"').expect(200);
    await get(id).expect(404);
    const other = await create();
    await remove(other.id, '*').expect(200);
  });

  it('answers 304 with no body to an If-None-Match that names the current version', async () => {
    const { id } = await create();
    for (const current of ['"1"', 'W/"1"', '"5", "1"', '*']) {
      const response = await get(id).set('If-None-Match', current).expect(304);
      expect(response.text).toBe('');
      expect(response.headers.etag).toBe('"1"');
    }
    const changed = await get(id).set('If-None-Match', '"0"').expect(200);
    expect(changed.body.id).toBe(id);
    await get(id).set('If-None-Match', 'nope').expect(400);
    await get(424242).set('If-None-Match', '*').expect(404);
  });
});
