import { missingRegistryTools, pushImage, startRegistry } from '../test/support/registry';
import { API } from './load';

export interface LocalRegistry {
  /** `127.0.0.1:<port>/team/app:v1`, pushed there. */
  image: string;
  stop(): Promise<void>;
}

/**
 * A real registry (distribution, Basic auth) on this machine with one image, saved in the service
 * with its credentials; undefined, with the reason, when the registry tools are not installed.
 */
export async function startLocalRegistry(
  serviceUrl: string,
  token: string,
): Promise<LocalRegistry | string> {
  const missing = missingRegistryTools();
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  const registry = await startRegistry('basic');
  try {
    await pushImage(registry, 'team/app', 'v1', { format: 'docker' });
    const saved = await fetch(`${serviceUrl}${API}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench-local-registry',
        url: registry.url,
        username: registry.username,
        password: registry.password,
      }),
    });
    if (saved.status !== 201) throw new Error(`saving the local registry: ${saved.status}`);
    return { image: `${new URL(registry.url).host}/team/app:v1`, stop: () => registry.stop() };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}
