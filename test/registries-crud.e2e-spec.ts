import request from 'supertest';
import { describeEachDatabase } from './support/test-app';
import { bearer, READ, WRITE } from './support/tokens';

const writer = bearer(WRITE);
const reader = bearer(READ);

describeEachDatabase('image registries CRUD', (suite) => {
  const api = () => request(suite().app.http);

  it('creates, reads, lists, updates and deletes a registry', async () => {
    const created = await api()
      .post('/api/v1/image-registries')
      .set('Authorization', writer)
      .send({ name: 'docker-hub', url: 'docker.io', username: 'myuser', password: 'mypassword' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'docker-hub',
      url: 'https://registry-1.docker.io',
      username: 'myuser',
      default: false,
      description: '',
      insecure: false,
      ca_certificate: null,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect(created.body.created_at).toBe(created.body.updated_at);
    const id = created.body.id as number;

    const fetched = await api()
      .get(`/api/v1/image-registries/${id}`)
      .set('Authorization', reader)
      .expect(200);
    expect(fetched.body).toEqual(created.body);

    const list = await api()
      .get('/api/v1/image-registries')
      .set('Authorization', reader)
      .expect(200);
    expect(list.headers['x-total-count']).toBe('1');
    expect(list.body).toEqual([created.body]);

    const updated = await api()
      .put(`/api/v1/image-registries/${id}`)
      .set('Authorization', writer)
      .send({ description: 'public images', default: true })
      .expect(200);
    expect(updated.body).toMatchObject({
      description: 'public images',
      default: true,
      username: 'myuser',
    });

    await api().get('/api/v1/image-registries/default').set('Authorization', reader).expect(200);
    const deleted = await api()
      .delete(`/api/v1/image-registries/${id}`)
      .set('Authorization', writer)
      .expect(200);
    expect(deleted.text).toBe('');
    await api().get(`/api/v1/image-registries/${id}`).set('Authorization', reader).expect(404);
    await api().get('/api/v1/image-registries/default').set('Authorization', reader).expect(404);
  });

  it('rejects a name that differs only in case with 409', async () => {
    await api()
      .post('/api/v1/image-registries')
      .set('Authorization', writer)
      .send({ name: 'Harbor', url: 'harbor.example.com' })
      .expect(201);
    const conflict = await api()
      .post('/api/v1/image-registries')
      .set('Authorization', writer)
      .send({ name: 'harbor', url: 'harbor2.example.com' })
      .expect(409);
    expect(conflict.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining('harbor'),
    });
    const sameUrl = await api()
      .post('/api/v1/image-registries')
      .set('Authorization', writer)
      .send({ name: 'other', url: 'HTTPS://Harbor.Example.com:443/v2/' })
      .expect(409);
    expect(sameUrl.body.message).toContain('https://harbor.example.com');
  });
});
