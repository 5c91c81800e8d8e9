import type { ImageRegistriesRepository } from '../registries/image-registries.repository';
import type { ImageRegistry } from '../registries/image-registry.entity';
import { registryNotFound } from '../registries/image-registries.service';

/** A saved registry with its decrypted credentials, for a call that logs in there; else a 404. */
export async function savedRegistry(
  repository: ImageRegistriesRepository,
  id: number,
): Promise<ImageRegistry> {
  const registry = await repository.findWithCredentials(id);
  if (registry === undefined) throw registryNotFound(id);
  return registry;
}
