import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

export interface RegistryConfigOptions {
  port: number;
  /** An empty directory where the registry keeps its blobs and manifests. */
  storageDirectory: string;
  htpasswd?: { realm: string; path: string };
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  tls?: { certificate: string; key: string };
}

/** A distribution 2.8 configuration (https://distribution.github.io/distribution/about/configuration/). */
export function registryConfig(options: RegistryConfigOptions): Record<string, unknown> {
  const auth: Record<string, unknown> = {};
  if (options.htpasswd !== undefined) auth.htpasswd = options.htpasswd;
  if (options.token !== undefined) {
    const { realm, service, issuer, rootCertBundle } = options.token;
    auth.token = { realm, service, issuer, rootcertbundle: rootCertBundle };
  }
  return {
    version: '0.1',
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: options.storageDirectory },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `127.0.0.1:${options.port}`,
      secret: randomBytes(16).toString('hex'),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    },
    ...(Object.keys(auth).length === 0 ? {} : { auth }),
  };
}

/** Writes the configuration as config.yml; JSON is valid YAML, and needs no escaping of paths. */
export async function writeRegistryConfig(
  path: string,
  options: RegistryConfigOptions,
): Promise<void> {
  await writeFile(path, `${JSON.stringify(registryConfig(options), null, 2)}\n`);
}
