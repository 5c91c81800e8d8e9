import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
} from '@nestjs/common';
import type { Caller } from '../auth/caller';
import { type EntityTagCondition, entityTag, matchesStrongly } from '../common/entity-tags';
import type { Page } from '../common/page-responses';
import { unixNow } from '../common/unix-time';
import type { Versioned } from '../common/versioned-responses';
import { violatedUniqueColumn } from '../database/database-errors';
import type { CreateImageRegistryDto } from './dto/create-image-registry.dto';
import {
  ImageRegistryResponseDto,
  toImageRegistryResponse,
} from './dto/image-registry-response.dto';
import type { UpdateImageRegistryDto } from './dto/update-image-registry.dto';
import {
  ImageRegistriesRepository,
  ImageRegistryChanges,
  type LockedRegistry,
  type NewImageRegistry,
} from './image-registries.repository';
import type { ImageRegistry } from './image-registry.entity';
import {
  createdChanges,
  lostDefaultEvents,
  registryEvent,
  updatedChanges,
} from './registry-events';
import { normalizeRegistryUrl } from './registry-url';

@Injectable()
export class ImageRegistriesService {
  constructor(private readonly repository: ImageRegistriesRepository) {}

  async create(
    request: CreateImageRegistryDto,
    caller: Caller,
  ): Promise<Versioned<ImageRegistryResponseDto>> {
    const username = request.username ?? null;
    const password = request.password ?? null;
    if (password !== null && username === null) throw passwordWithoutUsername();
    const now = unixNow();
    const fields: NewImageRegistry = {
      name: request.name,
      nameKey: nameKey(request.name),
      url: normalizeRegistryUrl(request.url),
      username,
      password,
      isDefault: request.default ?? false,
      description: request.description ?? '',
      insecure: request.insecure ?? false,
      caCertificate: request.ca_certificate ?? null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const registry = await this.writeUnique(
      () =>
        this.repository.insert(fields, (lostDefault, created) => [
          ...lostDefaultEvents(lostDefault, caller, now),
          registryEvent('created', created, caller, now, createdChanges(fields)),
        ]),
      request,
    );
    return versioned(registry);
  }

  async list(pageNum: number, pageSize: number): Promise<Page<ImageRegistryResponseDto>> {
    const offset = Math.min((pageNum - 1) * pageSize, Number.MAX_SAFE_INTEGER);
    const [registries, total] = await this.repository.findPage(offset, pageSize);
    return { items: registries.map(toImageRegistryResponse), total };
  }

  async get(id: number): Promise<Versioned<ImageRegistryResponseDto>> {
    const registry = await this.repository.findById(id);
    if (registry === undefined) throw registryNotFound(id);
    return versioned(registry);
  }

  async getDefault(): Promise<Versioned<ImageRegistryResponseDto>> {
    const registry = await this.repository.findDefault();
    if (registry === undefined) throw new NotFoundException('No default image registry is set');
    return versioned(registry);
  }

  /**
   * A partial update; with `ifMatch`, only while the registry is still at a version it names,
   * checked under the row lock, so that of two writers holding the same ETag one gets a 412.
   * A body that breaks a rule is a 400 and an unknown id a 404 whatever `ifMatch` says.
   */
  async update(
    id: number,
    request: UpdateImageRegistryDto,
    caller: Caller,
    ifMatch?: EntityTagCondition,
  ): Promise<Versioned<ImageRegistryResponseDto>> {
    const now = unixNow();
    let changes: ImageRegistryChanges = {};
    const registry = await this.writeUnique(
      () =>
        this.repository.update(
          id,
          (current) => {
            changes = changesFor(current, request, now);
            requireMatch(current, ifMatch);
            return { ...changes, version: current.version + 1 };
          },
          (lostDefault, before, after) => [
            ...lostDefaultEvents(lostDefault, caller, now),
            registryEvent('updated', after, caller, now, updatedChanges(before, changes)),
          ],
        ),
      request,
    );
    if (registry === undefined) throw registryNotFound(id);
    return versioned(registry);
  }

  async remove(id: number, caller: Caller, ifMatch?: EntityTagCondition): Promise<void> {
    const deleted = await this.repository.delete(
      id,
      (current) => requireMatch(current, ifMatch),
      (_lostDefault, registry) => [registryEvent('deleted', registry, caller, unixNow())],
    );
    if (!deleted) throw registryNotFound(id);
  }

  /** Turns a collision with a unique name or URL, also one lost in a race, into a 409. */
  private async writeUnique<T>(
    write: () => Promise<T>,
    request: { name?: string; url?: string },
  ): Promise<T> {
    try {
      return await write();
    } catch (error) {
      switch (violatedUniqueColumn(error)) {
        case 'name_key':
          throw new ConflictException(`An image registry named "${request.name}" already exists`);
        case 'url':
          throw new ConflictException(
            `An image registry with the URL ${normalizeRegistryUrl(request.url ?? '')} already exists`,
          );
        default:
          throw error;
      }
    }
  }
}

/** The contract's update rules, applied to the row as it is inside the transaction. */
function changesFor(
  current: LockedRegistry,
  request: UpdateImageRegistryDto,
  now: number,
): ImageRegistryChanges {
  const changes: ImageRegistryChanges = { updatedAt: now };
  if (request.name !== undefined) {
    changes.name = request.name;
    changes.nameKey = nameKey(request.name);
  }
  if (request.url !== undefined) {
    const url = normalizeRegistryUrl(request.url);
    changes.url = url;
    // Credentials never follow a registry to another host.
    if (url !== current.url && request.password === undefined) changes.password = null;
  }
  if (request.username !== undefined) {
    changes.username = request.username;
    if (request.username === null) changes.password = null;
  }
  if (request.password !== undefined) {
    const username = request.username !== undefined ? request.username : current.username;
    if (request.password !== null && username === null) throw passwordWithoutUsername();
    changes.password = request.password;
  }
  if (request.default !== undefined) changes.isDefault = request.default;
  if (request.description !== undefined) changes.description = request.description;
  if (request.insecure !== undefined) changes.insecure = request.insecure;
  if (request.ca_certificate !== undefined) changes.caCertificate = request.ca_certificate;
  return changes;
}

function versioned(registry: ImageRegistry): Versioned<ImageRegistryResponseDto> {
  return { body: toImageRegistryResponse(registry), etag: entityTag(registry.version) };
}

/** If-Match (RFC 9110 §13.1.1): absent, or naming the current ETag (or `*`), or a 412. */
function requireMatch(current: ImageRegistry, ifMatch: EntityTagCondition | undefined): void {
  const etag = entityTag(current.version);
  if (ifMatch === undefined || matchesStrongly(ifMatch, etag)) return;
  throw new PreconditionFailedException(
    `Image registry ${current.id} has changed: its current ETag is ${etag}`,
  );
}

function nameKey(name: string): string {
  return name.toLowerCase();
}

export function registryNotFound(id: number): NotFoundException {
  return new NotFoundException(`Image registry ${id} not found`);
}

export function passwordWithoutUsername(): BadRequestException {
  return new BadRequestException(['password requires a username']);
}
