import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditEventsRepository, type NewAuditEvent } from '../audit/audit-events.repository';
import { EntityRows } from '../database/entity-rows';
import type { KeyLookups } from '../database/key-lookups';
import { NativeReads } from '../database/native-reads';
import { TransactionRunner } from '../database/transaction-runner';
import { transactionStatement } from '../database/transaction-statements';
import { ImageRegistry } from './image-registry.entity';

type Row = Record<string, unknown>;

const COUNT_ROW_TOTAL = 'SELECT total FROM image_registry_count WHERE id = 1';
/** The total's column beside a page's registry columns; no column of the table is named so. */
const PAGE_TOTAL = 'registries_total';
const HAS_PASSWORD = 'has_password';

export type NewImageRegistry = Omit<ImageRegistry, 'id'>;

/**
 * Makes the audit events of a write from what it did: the registries that lost the default to
 * it, then the registry as the write saw it.
 */
export type Audit<Registries extends ImageRegistry[]> = (
  lostDefault: readonly ImageRegistry[],
  ...registries: Registries
) => NewAuditEvent[];
export type ImageRegistryChanges = Partial<Omit<ImageRegistry, 'id' | 'createdAt'>>;

/** A registry as a write reads it under its row lock: whether it has a password, never the password. */
export type LockedRegistry = ImageRegistry & { hasPassword: boolean };

/** Storage of registries. Rules live in the service; this class only reads and writes rows. */
@Injectable()
export class ImageRegistriesRepository {
  /** What callers see of a registry: every column but the password and the name key. */
  private readonly publicRows: EntityRows<ImageRegistry>;
  /** The same with the password, decrypted, for the calls that log in to the registry. */
  private readonly credentialRows: EntityRows<ImageRegistry>;
  /** The public columns and the total, for a page. */
  private readonly pageWithTotal: string;
  /** The public columns and whether a password is stored, for the row a write locks. */
  private readonly lockedColumns: string;
  private readonly publicById: KeyLookups;
  private readonly credentialsById: KeyLookups;

  constructor(
    @InjectRepository(ImageRegistry) private readonly registries: Repository<ImageRegistry>,
    private readonly transactions: TransactionRunner,
    private readonly reads: NativeReads,
    private readonly events: AuditEventsRepository,
    dataSource: DataSource,
  ) {
    this.publicRows = new EntityRows(dataSource, ImageRegistry);
    this.credentialRows = new EntityRows(dataSource, ImageRegistry, ['password']);
    this.pageWithTotal = this.publicRows.selectAlso(`(${COUNT_ROW_TOTAL}) AS ${PAGE_TOTAL}`);
    this.lockedColumns = this.publicRows.selectAlso(`password IS NOT NULL AS ${HAS_PASSWORD}`);
    this.publicById = reads.byKey(this.publicRows.select, 'id');
    this.credentialsById = reads.byKey(this.credentialRows.select, 'id');
  }

  /**
   * A page and the total in one statement, so in one round trip and one snapshot: the count row,
   * which inserts and deletes keep exact, read by a scalar subquery beside the page's columns. A
   * page past the end has no row to carry the total, and reads it on its own.
   */
  async findPage(offset: number, limit: number): Promise<[ImageRegistry[], number]> {
    const rows = await this.reads.rows<Row>(`${this.pageWithTotal} ORDER BY id LIMIT ? OFFSET ?`, [
      limit,
      offset,
    ]);
    if (rows.length === 0) return [[], await this.count()];
    return [rows.map((row) => this.publicRows.fromRow(row)), Number(rows[0][PAGE_TOTAL])];
  }

  /** The number of registries, from the count row that inserts and deletes keep exact. */
  private async count(): Promise<number> {
    const [row] = await this.reads.rows<{ total: number | string }>(COUNT_ROW_TOTAL, []);
    return Number(row.total);
  }

  async findById(id: number): Promise<ImageRegistry | undefined> {
    const row = await this.publicById.find(id);
    return row === undefined ? undefined : this.publicRows.fromRow(row);
  }

  async findDefault(): Promise<ImageRegistry | undefined> {
    const [row] = await this.reads.rows<Row>(`${this.publicRows.select} WHERE is_default = 1`, []);
    return row === undefined ? undefined : this.publicRows.fromRow(row);
  }

  /** The registry with its decrypted password, for the calls that need the credentials. */
  async findWithCredentials(id: number): Promise<ImageRegistry | undefined> {
    const row = await this.credentialsById.find(id);
    return row === undefined ? undefined : this.credentialRows.fromRow(row);
  }

  /**
   * Registries with their decrypted passwords, ordered by id, in one query: those `ids` names
   * (whether or not they have credentials), or without `ids` every one that has a password.
   */
  async findAllWithCredentials(ids?: readonly number[]): Promise<ImageRegistry[]> {
    const rows = this.credentialRows;
    const [where, values] =
      ids === undefined
        ? ['password IS NOT NULL', []]
        : [`id IN (${ids.map(() => '?').join(', ')})`, [...ids]];
    const found = await this.reads.rows<Row>(`${rows.select} WHERE ${where} ORDER BY id`, values);
    return found.map((row) => rows.fromRow(row));
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

  /**
   * Inserts a registry; when it is the default, the previous default stops being one. The events
   * `audit` makes of what happened are stored in the same transaction.
   */
  insert(
    registry: NewImageRegistry,
    audit: Audit<[created: ImageRegistry]>,
  ): Promise<ImageRegistry> {
    return this.transactions.run(async (manager) => {
      const lostDefault = registry.isDefault ? await this.clearDefault(manager) : [];
      const id = await this.credentialRows.insertOne(manager, registry);
      await changeCount(manager, +1);
      const created = withoutSecrets({ ...registry, id });
      await this.events.append(manager, audit(lostDefault, created));
      return created;
    });
  }

  /**
   * Updates a registry with the changes `decide` computes from its current row, read under a row
   * lock in the same transaction, so that concurrent updates cannot interleave and a precondition
   * `decide` checks holds until the write. An exception from `decide` changes nothing. The events
   * `audit` makes are stored in the same transaction.
   */
  update(
    id: number,
    decide: (current: LockedRegistry) => ImageRegistryChanges,
    audit: Audit<[before: LockedRegistry, after: ImageRegistry]>,
  ): Promise<ImageRegistry | undefined> {
    return this.transactions.run(async (manager) => {
      const current = await this.lockedRow(manager, id);
      if (current === undefined) return undefined;
      const changes = decide(current);
      const lostDefault =
        changes.isDefault === true && !current.isDefault ? await this.clearDefault(manager) : [];
      await transactionStatement(manager, ...this.publicRows.updateById(id, changes));
      const updated = withoutSecrets({ ...current, ...changes });
      await this.events.append(manager, audit(lostDefault, current, updated));
      return updated;
    });
  }

  /**
   * Deletes a registry once `check` accepts its current row, read under a row lock in the same
   * transaction; false when there is no such registry. The events `audit` makes are stored in the
   * same transaction.
   */
  delete(
    id: number,
    check: (current: ImageRegistry) => void,
    audit: Audit<[deleted: ImageRegistry]>,
  ): Promise<boolean> {
    return this.transactions.run(async (manager) => {
      const current = await this.lockedRow(manager, id);
      if (current === undefined) return false;
      check(current);
      await manager.delete(ImageRegistry, { id });
      await changeCount(manager, -1);
      await this.events.append(manager, audit([], withoutSecrets(current)));
      return true;
    });
  }

  /**
   * The row to change, under a row lock. The password stays encrypted in the table: a write needs
   * to know only whether there is one.
   */
  private async lockedRow(manager: EntityManager, id: number): Promise<LockedRegistry | undefined> {
    // SQLite has no row locks; its transactions are serialised instead.
    const lock = this.transactions.supportsRowLocks ? ' FOR UPDATE' : '';
    const [row] = await transactionStatement<Row[]>(
      manager,
      `${this.lockedColumns} WHERE id = ?${lock}`,
      [id],
    );
    if (row === undefined) return undefined;
    return { ...this.publicRows.fromRow(row), hasPassword: Number(row[HAS_PASSWORD]) === 1 };
  }

  /** The registry that loses the default changes too: it gets a new version. Returns it, if any. */
  private async clearDefault(manager: EntityManager): Promise<ImageRegistry[]> {
    const lock = this.transactions.supportsRowLocks ? ' FOR UPDATE' : '';
    const rows = await transactionStatement<Row[]>(
      manager,
      `${this.publicRows.select} WHERE is_default = ?${lock}`,
      [1],
    );
    if (rows.length === 0) return [];
    await manager.update(
      ImageRegistry,
      { isDefault: true },
      { isDefault: false, version: () => 'version + 1' },
    );
    return rows.map((row) => {
      const previous = this.publicRows.fromRow(row);
      return { ...previous, isDefault: false, version: previous.version + 1 };
    });
  }
}

/** After the row itself, so that every writer takes the row lock first and the count lock second. */
async function changeCount(manager: EntityManager, delta: 1 | -1): Promise<void> {
  await transactionStatement(
    manager,
    'UPDATE image_registry_count SET total = total + ? WHERE id = 1',
    [delta],
  );
}

/** What callers see of a registry: not its password or name key, nor a locked read's flag. */
function withoutSecrets(registry: ImageRegistry & { hasPassword?: boolean }): ImageRegistry {
  const { password: _password, nameKey: _nameKey, hasPassword: _hasPassword, ...rest } = registry;
  return rest;
}
