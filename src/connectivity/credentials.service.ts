import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import type { Caller } from '../auth/caller';
import { unixNow } from '../common/unix-time';
import { ServiceMetrics } from '../metrics/service-metrics';
import { ImageRegistriesRepository } from '../registries/image-registries.repository';
import type { ImageRegistry } from '../registries/image-registry.entity';
import { registryNotFound } from '../registries/image-registries.service';
import { registryEvent } from '../registries/registry-events';
import { type Login, dockerConfigOf, serverOf } from './docker-config';
import { savedRegistry } from './saved-registry';
import type {
  DockerConfigDto,
  RegistryCredentialsDto,
  RegistryLoginDto,
} from './dto/credentials.dto';

/**
 * Hands out stored credentials: the only place a password leaves the service. Every registry
 * whose credentials an answer carries is recorded as a `credentials_read` event before anything
 * is sent (a 503 when it cannot be), and each answer gets one log line naming who read which.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger('Credentials');

  constructor(
    private readonly repository: ImageRegistriesRepository,
    private readonly events: AuditEventsRepository,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** One registry's credentials (CONTRACT §9), also when it has none. */
  async ofRegistry(id: number, caller: Caller): Promise<RegistryCredentialsDto> {
    const registry = await this.readRegistry(id, caller);
    return {
      server: serverOf(registry.url),
      username: registry.username,
      password: registry.password ?? null,
    };
  }

  /** One registry's credentials as a Docker config.json: no entry when it has none. */
  async dockerConfigOfRegistry(id: number, caller: Caller): Promise<DockerConfigDto> {
    const login = loginOf(await this.readRegistry(id, caller));
    return dockerConfigOf(login === undefined ? [] : [login]);
  }

  /**
   * The credentials of every registry that has them, or of those `ids` names (a 404 naming the
   * first that does not exist), ordered by id (CONTRACT §12).
   */
  async ofRegistries(
    ids: readonly number[] | undefined,
    caller: Caller,
  ): Promise<RegistryLoginDto[]> {
    const logins = await this.logins(ids, caller);
    return logins.map(({ id, url, username, password }) => ({
      registry_id: id,
      server: serverOf(url),
      username,
      password,
    }));
  }

  /** The same as one Docker config.json for a copy tool's `--authfile`. */
  async dockerConfigOfRegistries(
    ids: readonly number[] | undefined,
    caller: Caller,
  ): Promise<DockerConfigDto> {
    return dockerConfigOf(await this.logins(ids, caller));
  }

  private async readRegistry(id: number, caller: Caller): Promise<ImageRegistry> {
    const registry = await savedRegistry(this.repository, id);
    await this.record([registry], caller);
    return registry;
  }

  private async logins(ids: readonly number[] | undefined, caller: Caller): Promise<Login[]> {
    const registries = await this.repository.findAllWithCredentials(ids);
    if (ids !== undefined) {
      const found = new Set(registries.map(({ id }) => id));
      const missing = [...ids].sort((a, b) => a - b).find((id) => !found.has(id));
      if (missing !== undefined) throw registryNotFound(missing);
    }
    const logins = registries.flatMap((registry) => loginOf(registry) ?? []);
    const answered = new Set(logins.map(({ id }) => id));
    await this.record(
      registries.filter(({ id }) => answered.has(id)),
      caller,
    );
    return logins;
  }

  private async record(registries: readonly ImageRegistry[], caller: Caller): Promise<void> {
    const at = unixNow();
    const reads = registries.map((registry) =>
      registryEvent('credentials_read', registry, caller, at),
    );
    try {
      await this.events.appendNow(reads);
    } catch {
      throw new ServiceUnavailableException(
        'The credentials read could not be recorded in the audit trail, so nothing was sent; try again shortly',
      );
    }
    this.logger.log(
      `Credentials of ${registriesNamed(registries)} read by ${caller.actor ?? 'a token without sub'}`,
    );
    this.metrics.credentialsReads.inc(registries.length);
  }
}

function registriesNamed(registries: readonly ImageRegistry[]): string {
  if (registries.length === 0) return 'no image registry';
  const ids = registries.map(({ id }) => id);
  return ids.length === 1 ? `image registry ${ids[0]}` : `image registries ${ids.join(', ')}`;
}

/** A registry's login, when it has both a username and a password. */
function loginOf(
  registry: Pick<ImageRegistry, 'id' | 'url' | 'username' | 'password'>,
): Login | undefined {
  const { id, url, username, password } = registry;
  return username === null || password == null ? undefined : { id, url, username, password };
}
