import {
  BadGatewayException,
  BadRequestException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ImageRegistriesRepository } from '../registries/image-registries.repository';
import type { ImageRegistry } from '../registries/image-registry.entity';
import { toImageRegistryResponse } from '../registries/dto/image-registry-response.dto';
import { passwordWithoutUsername } from '../registries/image-registries.service';
import {
  InvalidRegistryUrlError,
  isDockerHubUrl,
  normalizeRegistryUrl,
} from '../registries/registry-url';
import { ConnectionTester } from './connection-tester';
import { savedRegistry } from './saved-registry';
import type { ConnectionTestResultDto } from './dto/connection-test-result.dto';
import type { ResolvedImageDto, ResolveImageDto } from './dto/resolve-image.dto';
import type { TestRegistryDto } from './dto/test-registry.dto';
import {
  DOCKER_HUB_DOMAIN,
  effectiveTag,
  type ImageReference,
  InvalidImageReferenceError,
  parseImageReference,
} from './image-reference';
import { isSuccess, OutboundError } from './outbound-http';
import { RegistryClient, targetOf } from './registry-client';
import { rateLimited, unanswered, unexpectedAnswer } from './registry-failures';

/** The manifest types an image can have; without them a registry may rewrite or hide it. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

@Injectable()
export class ConnectivityService {
  constructor(
    private readonly repository: ImageRegistriesRepository,
    private readonly tester: ConnectionTester,
    private readonly client: RegistryClient,
  ) {}

  async testSaved(id: number): Promise<ConnectionTestResultDto> {
    return this.tester.test(targetOf(await savedRegistry(this.repository, id)));
  }

  testUnsaved(request: TestRegistryDto): Promise<ConnectionTestResultDto> {
    const username = request.username ?? null;
    const password = request.password ?? null;
    if (password !== null && username === null) throw passwordWithoutUsername();
    return this.tester.test({
      url: normalizeRegistryUrl(request.url),
      username,
      password,
      insecure: request.insecure ?? false,
      caCertificate: request.ca_certificate ?? null,
    });
  }

  async resolve(request: ResolveImageDto): Promise<ResolvedImageDto> {
    const reference = parse(request.image);
    const registry = await this.registryFor(reference);
    const hub = isDockerHubUrl(registry.url);
    const repository =
      hub || reference.explicitDomain ? reference.repository : nameAsWritten(request.image);
    const tag = effectiveTag(reference);
    const digest =
      request.check === true
        ? await this.manifestDigest(registry, repository, reference.digest ?? tag!)
        : reference.digest;
    const host = hub ? DOCKER_HUB_DOMAIN : new URL(registry.url).host;
    // The reference carries what the caller gave; a digest found by the check is in `digest`.
    const given = `${tag === null ? '' : `:${tag}`}${reference.digest === null ? '' : `@${reference.digest}`}`;
    return {
      registry: toImageRegistryResponse(registry),
      reference: `${host}/${repository}${given}`,
      repository,
      tag,
      digest,
    };
  }

  /** The registry a reference points to: by host (longest path prefix wins), else the default. */
  private async registryFor(reference: ImageReference): Promise<ImageRegistry> {
    if (!reference.explicitDomain) {
      const fallback = await this.repository.findDefault();
      if (fallback === undefined) {
        throw new NotFoundException('The image names no registry and no default registry is set');
      }
      return fallback;
    }
    const host = new URL(registryUrlOf(reference)).host;
    const candidates = await this.repository.findByHost(host);
    const rank = (registry: ImageRegistry): number =>
      pathPrefixLength(reference.repository, new URL(registry.url).pathname);
    const best = candidates.sort((a, b) => rank(b) - rank(a) || a.id - b.id)[0];
    if (best === undefined) {
      throw new NotFoundException(`No image registry is configured for ${reference.domain}`);
    }
    return best;
  }

  /** The manifest's digest, asked for with the registry's credentials (read only here). */
  private async manifestDigest(
    registry: ImageRegistry,
    repository: string,
    reference: string,
  ): Promise<string> {
    const target = targetOf(await savedRegistry(this.repository, registry.id));
    try {
      const answer = await this.client.call(target, {
        operation: 'manifest',
        method: 'HEAD',
        path: `${repository}/manifests/${reference}`,
        accept: MANIFEST_ACCEPT,
        scope: `repository:${repository}:pull`,
        // Some registries refuse HEAD, or answer it without the digest header.
        retryAsGet: ({ status, headers }) =>
          status === 405 || (isSuccess(status) && !headers['docker-content-digest']),
      });
      if (isSuccess(answer.status)) {
        return (
          answer.headers['docker-content-digest'] ??
          `sha256:${createHash('sha256').update(answer.body).digest('hex')}`
        );
      }
      if (answer.status === 404) {
        // A digest (it has a ':') follows an '@', a tag a ':'.
        const image = `${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
        throw new NotFoundException(`${image} is not in the registry ${registry.url}`);
      }
      if (answer.status === 401 || answer.status === 403) {
        throw new BadGatewayException(`The registry ${registry.url} refused the credentials`);
      }
      if (answer.status === 429) throw rateLimited(registry.url, answer);
      throw unexpectedAnswer(registry.url, answer.status);
    } catch (error) {
      if (error instanceof OutboundError) throw unanswered(error);
      throw error;
    }
  }
}

function parse(image: string): ImageReference {
  try {
    return parseImageReference(image);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) throw new BadRequestException([error.message]);
    throw error;
  }
}

/** The URL of the registry a reference's domain names; a domain no URL can have is the caller's error. */
function registryUrlOf(reference: ImageReference): string {
  try {
    return normalizeRegistryUrl(reference.domain);
  } catch (error) {
    if (error instanceof InvalidRegistryUrlError) {
      throw new BadRequestException([
        `image names the registry ${reference.domain}, which is refused: ${error.message}`,
      ]);
    }
    throw error;
  }
}

/**
 * The repository of a reference that names no registry, as written: on a default registry other
 * than Docker Hub, `nginx` stays `nginx` (no `library/`). Without a registry there is no port, so
 * the name ends at the first ':' or '@'.
 */
function nameAsWritten(image: string): string {
  return image.split(/[:@]/, 1)[0];
}

/**
 * How well a registry serving under `path` fits a repository: the length of the path when it is a
 * prefix of the repository (longest wins), 0 for no path, -1 when it is another path.
 */
function pathPrefixLength(repository: string, path: string): number {
  const prefix = path.replace(/^\/+/, '');
  if (prefix === '') return 0;
  return repository === prefix || repository.startsWith(`${prefix}/`) ? prefix.length : -1;
}
