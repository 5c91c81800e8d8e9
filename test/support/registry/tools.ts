import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The distribution 2.8 binary from Debian's `docker-registry` package; REGISTRY_BINARY overrides it. */
export const REGISTRY_BINARY = process.env.REGISTRY_BINARY ?? '/usr/bin/docker-registry';

/** The absolute path of `command` found on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, command);
    if (directory !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The tools the registry helpers run that are not installed, and those of `alsoNeeded` (commands
 * of the Debian package of the same name, such as skopeo); empty when all are.
 */
export function missingRegistryTools(alsoNeeded: readonly string[] = []): string[] {
  const missing = alsoNeeded
    .filter((command) => findOnPath(command) === undefined)
    .map((command) => `${command} (apt-get install ${command})`);
  if (!existsSync(REGISTRY_BINARY))
    missing.push(`${REGISTRY_BINARY} (apt-get install docker-registry)`);
  if (findOnPath('htpasswd') === undefined)
    missing.push('htpasswd (apt-get install apache2-utils)');
  if (findOnPath('openssl') === undefined) missing.push('openssl (apt-get install openssl)');
  return missing;
}

/**
 * Whether the suites that need a real registry run. Without the tools they are skipped with a loud
 * line; with REQUIRE_REGISTRY=1 (CI) they run anyway, and `startRegistry` fails naming what is missing.
 */
export function registrySuitesRun(suite: string, alsoNeeded: readonly string[] = []): boolean {
  const missing = missingRegistryTools(alsoNeeded);
  if (missing.length === 0 || process.env.REQUIRE_REGISTRY === '1') return true;
  console.warn(
    `\n*** SKIPPING ${suite}: missing ${missing.join(', ')}. ***\n*** Install them, or set REQUIRE_REGISTRY=1 to fail instead. ***\n`,
  );
  return false;
}

/** Throws naming every missing tool; `startRegistry` calls it first. */
export function assertRegistryTools(): void {
  const missing = missingRegistryTools();
  if (missing.length > 0) {
    throw new Error(`Cannot start a test registry, missing: ${missing.join(', ')}`);
  }
}
