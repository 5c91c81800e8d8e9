import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { NativeReads } from '../database/native-reads';
import { TransactionRunner } from '../database/transaction-runner';
import { ImageRegistry } from './image-registry.entity';

/** The public columns, for the hot reads that bypass TypeORM's query building. */
const SELECT_REGISTRY =
  'SELECT id, name, url, username, is_default, description, insecure, ca_certificate, created_at, updated_at FROM image_registries';

interface RegistryRow {
  id: number;
  name: string;
  url: string;
  username: string | null;
  is_default: number | null;
  description: string;
  insecure: number;
  ca_certificate: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** A row as the entity's columns and transformers read it (BIGINT may come back as a string). */
function fromRow(row: RegistryRow): ImageRegistry {
  return {
    id: Number(row.id),
    name: row.name,
    url: row.url,
    username: row.username,
    isDefault: Number(row.is_default) === 1,
    description: row.description,
    insecure: Number(row.insecure) === 1,
    caCertificate: row.ca_certificate,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export type NewImageRegistry = Omit<ImageRegistry, 'id'>;
export type ImageRegistryChanges = Partial<Omit<ImageRegistry, 'id' | 'createdAt'>>;

/** Storage of registries. Rules live in the service; this class only reads and writes rows. */
@Injectable()
export class ImageRegistriesRepository {
  constructor(
    @InjectRepository(ImageRegistry) private readonly registries: Repository<ImageRegistry>,
    private readonly transactions: TransactionRunner,
    private readonly reads: NativeReads,
  ) {}

  async findPage(offset: number, limit: number): Promise<[ImageRegistry[], number]> {
    const [rows, total] = await Promise.all([
      this.reads.rows<RegistryRow>(`${SELECT_REGISTRY} ORDER BY id LIMIT ? OFFSET ?`, [
        limit,
        offset,
      ]),
      this.count(),
    ]);
    return [rows.map(fromRow), total];
  }

  /** The number of registries, from the count row that inserts and deletes keep exact. */
  async count(): Promise<number> {
    const [row] = await this.reads.rows<{ total: number | string }>(
      'SELECT total FROM image_registry_count WHERE id = ?',
      [1],
    );
    return Number(row.total);
  }

  async findById(id: number): Promise<ImageRegistry | undefined> {
    const [row] = await this.reads.rows<RegistryRow>(`${SELECT_REGISTRY} WHERE id = ?`, [id]);
    return row === undefined ? undefined : fromRow(row);
  }

  async findDefault(): Promise<ImageRegistry | undefined> {
    const [row] = await this.reads.rows<RegistryRow>(
      `${SELECT_REGISTRY} WHERE is_default = ?`,
      [1],
    );
    return row === undefined ? undefined : fromRow(row);
  }

  /** The registry with its decrypted password, for the calls that need the credentials. */
  async findWithCredentials(id: number): Promise<ImageRegistry | undefined> {
    const registry = await this.registries
      .createQueryBuilder('registry')
      .addSelect('registry.password')
      .where('registry.id = :id', { id })
      .getOne();
    return registry ?? undefined;
  }

  /** The registries whose URL is on this host[:port] (any scheme, any path). */
  async findByHost(host: string): Promise<ImageRegistry[]> {
    // '!' escapes LIKE wildcards alike on both databases; a backslash does not.
    const prefix = (scheme: string): string => `${scheme}://${host.replace(/[!%_]/g, '!$&')}`;
    const candidates = await this.registries
      .createQueryBuilder('registry')
      .where("registry.url LIKE :https ESCAPE '!' OR registry.url LIKE :http ESCAPE '!'", {
        https: `${prefix('https')}%`,
        http: `${prefix('http')}%`,
      })
      .getMany();
    return candidates.filter((registry) => new URL(registry.url).host === host);
  }

  /** Inserts a registry; when it is the default, the previous default stops being one. */
  insert(registry: NewImageRegistry): Promise<ImageRegistry> {
    return this.transactions.run(async (manager) => {
      if (registry.isDefault) await this.clearDefault(manager);
      const result = await manager.insert(ImageRegistry, { ...registry });
      await changeCount(manager, +1);
      const id = Number((result.identifiers[0] as { id: number }).id);
      return withoutSecrets({ ...registry, id });
    });
  }

  /**
   * Updates a registry with the changes `decide` computes from its current row, read under a
   * row lock in the same transaction, so that concurrent updates cannot interleave.
   */
  update(
    id: number,
    decide: (current: ImageRegistry) => ImageRegistryChanges,
  ): Promise<ImageRegistry | undefined> {
    // SQLite has no row locks; its transactions are serialised instead.
    const lock = this.transactions.supportsRowLocks ? ' FOR UPDATE' : '';
    return this.transactions.run(async (manager) => {
      const [row] = await manager.query<RegistryRow[]>(`${SELECT_REGISTRY} WHERE id = ?${lock}`, [
        id,
      ]);
      if (row === undefined) return undefined;
      const current = fromRow(row);
      const changes = decide(current);
      if (changes.isDefault === true && !current.isDefault) await this.clearDefault(manager);
      await manager.update(ImageRegistry, { id }, changes);
      return withoutSecrets({ ...current, ...changes });
    });
  }

  delete(id: number): Promise<boolean> {
    return this.transactions.run(async (manager) => {
      const result = await manager.delete(ImageRegistry, { id });
      const deleted = (result.affected ?? 0) > 0;
      if (deleted) await changeCount(manager, -1);
      return deleted;
    });
  }

  private async clearDefault(manager: EntityManager): Promise<void> {
    await manager.update(ImageRegistry, { isDefault: true }, { isDefault: false });
  }
}

/** After the row itself, so that every writer takes the row lock first and the count lock second. */
async function changeCount(manager: EntityManager, delta: 1 | -1): Promise<void> {
  await manager.query('UPDATE image_registry_count SET total = total + ? WHERE id = 1', [delta]);
}

function withoutSecrets(registry: ImageRegistry): ImageRegistry {
  const { password: _password, nameKey: _nameKey, ...rest } = registry;
  return rest;
}
