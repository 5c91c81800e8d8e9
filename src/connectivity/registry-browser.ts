import {
  BadGatewayException,
  BadRequestException,
  Injectable,
  NotFoundException,
  NotImplementedException,
} from '@nestjs/common';
import { ImageRegistriesRepository } from '../registries/image-registries.repository';
import type { ImageRegistry } from '../registries/image-registry.entity';
import { isDockerHubUrl } from '../registries/registry-url';
import type { RepositoryPageDto, TagPageDto } from './dto/browse.dto';
import { checkRepository, InvalidImageReferenceError } from './image-reference';
import { isSuccess, OutboundError, type OutboundResponse } from './outbound-http';
import { type RegistryCall, RegistryClient, targetOf } from './registry-client';
import { rateLimited, unanswered, unexpectedAnswer } from './registry-failures';
import { savedRegistry } from './saved-registry';
import { nextFromLink, pageOf } from './registry-paging';

type ListCall = Omit<RegistryCall, 'method'>;

/**
 * What a registry holds, for the import picker (CONTRACT §13): its repositories from
 * `/v2/_catalog` and a repository's tags from `/v2/<name>/tags/list`, a page at a time, through the
 * same handshake, stored credentials, TLS settings and outbound rules as every other call.
 */
@Injectable()
export class RegistryBrowser {
  constructor(
    private readonly registries: ImageRegistriesRepository,
    private readonly client: RegistryClient,
  ) {}

  async repositories(id: number, n: number, last?: string): Promise<RepositoryPageDto> {
    const registry = await savedRegistry(this.registries, id);
    if (isDockerHubUrl(registry.url)) throw catalogNotOffered(registry);
    const answer = await this.list(registry, n, last, {
      operation: 'catalog',
      path: '_catalog',
      scope: 'registry:catalog:*',
    });
    if ([401, 403, 404].includes(answer.status)) {
      await this.checkCredentials(registry, 'catalog');
      throw catalogNotOffered(registry);
    }
    const page = this.page(registry, answer, 'repositories', n, last);
    return { repositories: page.names, next: page.next };
  }

  async tags(id: number, repository: string, n: number, last?: string): Promise<TagPageDto> {
    const name = repositoryParameter(repository);
    const registry = await savedRegistry(this.registries, id);
    const path = isDockerHubUrl(registry.url) && !name.includes('/') ? `library/${name}` : name;
    const answer = await this.list(registry, n, last, {
      operation: 'tags',
      path: `${path}/tags/list`,
      scope: `repository:${path}:pull`,
    });
    if ([401, 403, 404].includes(answer.status)) {
      if (answer.status !== 404) await this.checkCredentials(registry, 'tags');
      throw new NotFoundException(
        `The repository ${path} is not in the registry ${registry.url}, or these credentials may not read it`,
      );
    }
    const page = this.page(registry, answer, 'tags', n, last);
    return { repository: path, tags: page.names, next: page.next };
  }

  private async list(
    registry: ImageRegistry,
    n: number,
    last: string | undefined,
    call: ListCall,
  ): Promise<OutboundResponse> {
    const query = new URLSearchParams({ n: String(n), ...(last === undefined ? {} : { last }) });
    return this.send(registry, {
      ...call,
      method: 'GET',
      path: `${call.path}?${query.toString()}`,
    });
  }

  /**
   * The handshake at `/v2/`: a 502 when the registry (or its token server) refuses the stored
   * credentials, or answers it as no registry does.
   */
  private async checkCredentials(
    registry: ImageRegistry,
    operation: RegistryCall['operation'],
  ): Promise<void> {
    const answer = await this.send(registry, { operation, method: 'GET', path: '' });
    if (answer.status === 401 || answer.status === 403) {
      throw new BadGatewayException(`The registry ${registry.url} refused the credentials`);
    }
    if (!isSuccess(answer.status)) throw unexpectedAnswer(registry.url, answer.status);
  }

  private async send(registry: ImageRegistry, call: RegistryCall): Promise<OutboundResponse> {
    try {
      return await this.client.call(targetOf(registry), call);
    } catch (error) {
      if (error instanceof OutboundError) throw unanswered(error);
      throw error;
    }
  }

  private page(
    registry: ImageRegistry,
    answer: OutboundResponse,
    key: 'repositories' | 'tags',
    n: number,
    last: string | undefined,
  ): { names: string[]; next: string | null } {
    if (answer.status === 429) throw rateLimited(registry.url, answer);
    if (!isSuccess(answer.status)) throw unexpectedAnswer(registry.url, answer.status);
    const names = namesIn(answer.body, key);
    if (names === undefined) {
      throw new BadGatewayException(
        `The registry ${registry.url} answered with something other than a list of ${key}`,
      );
    }
    return pageOf(names, n, last, nextFromLink(answer.headers.link));
  }
}

function catalogNotOffered(registry: ImageRegistry): NotImplementedException {
  return new NotImplementedException(
    `The registry ${registry.url} does not offer its list of repositories to these credentials; enter the repository name instead`,
  );
}

function repositoryParameter(repository: string): string {
  try {
    return checkRepository(repository);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) {
      throw new BadRequestException([`repository: ${error.message}`]);
    }
    throw error;
  }
}

/** The names under `key` of a list answer (`tags` may be null for a repository without any). */
function namesIn(body: Buffer, key: 'repositories' | 'tags'): string[] | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const names = parsed[key] ?? (key === 'tags' ? [] : undefined);
    return Array.isArray(names) && names.every((name) => typeof name === 'string')
      ? names
      : undefined;
  } catch {
    return undefined;
  }
}
