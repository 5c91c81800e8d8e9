import request from 'supertest';
import type { App } from 'supertest/types';
import { bearer, WRITE } from './tokens';

/**
 * Creates one registry per entry, named by its key, in the order given; answers their ids by
 * name. Each must be created (201).
 */
export async function saveRegistries<Name extends string>(
  http: App,
  registries: Record<Name, object>,
): Promise<Record<Name, number>> {
  const ids = {} as Record<Name, number>;
  for (const [name, body] of Object.entries(registries) as [Name, object][]) {
    const created = await request(http)
      .post('/api/v1/image-registries')
      .set('Authorization', bearer(WRITE))
      .send({ name, ...body })
      .expect(201);
    ids[name] = (created.body as { id: number }).id;
  }
  return ids;
}
