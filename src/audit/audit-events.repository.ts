import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityRows } from '../database/entity-rows';
import { TransactionRunner } from '../database/transaction-runner';
import { transactionStatement } from '../database/transaction-statements';
import { type EventAction, ImageRegistryEvent } from './image-registry-event.entity';

export type NewAuditEvent = Omit<ImageRegistryEvent, 'id'>;

export interface EventFilters {
  registryId?: number;
  action?: EventAction;
  actor?: string;
  since?: number;
  until?: number;
}

/** Storage of the audit trail: it only appends, lists and prunes rows. */
@Injectable()
export class AuditEventsRepository {
  private readonly rows: EntityRows<ImageRegistryEvent>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {
    this.rows = new EntityRows(dataSource, ImageRegistryEvent);
  }

  /**
   * Within the transaction of the change the events record: one multi-row INSERT written from the
   * entity's columns (TypeORM's insert builder was a tenth of an update's CPU time).
   */
  async append(manager: EntityManager, events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const [sql, parameters] = this.rows.insert(events);
    await transactionStatement(manager, sql, parameters);
  }

  /** On their own: events that record a read, not a change. */
  appendNow(events: readonly NewAuditEvent[]): Promise<void> {
    return this.transactions.run((manager) => this.append(manager, events));
  }

  /**
   * Removes up to `batchSize` events older than `before` (unix seconds), oldest first: answers how
   * many it found and how many it removed (fewer when another instance removed some first). One
   * short transaction, so that instances pruning at once only wait briefly for each other.
   */
  deleteOlderThan(before: number, batchSize: number): Promise<{ found: number; removed: number }> {
    return this.transactions.run(async (manager) => {
      const oldest = await manager
        .getRepository(ImageRegistryEvent)
        .createQueryBuilder('event')
        .select('event.id', 'id')
        .where('event.at < :before', { before })
        .orderBy('event.id', 'ASC')
        .limit(batchSize)
        .getRawMany<{ id: number | string }>();
      if (oldest.length === 0) return { found: 0, removed: 0 };
      const ids = oldest.map((row) => Number(row.id));
      const result = await manager.delete(ImageRegistryEvent, ids);
      return { found: ids.length, removed: result.affected ?? ids.length };
    });
  }

  /** One page, newest first, and the number of events the filters match. */
  findPage(
    filters: EventFilters,
    offset: number,
    limit: number,
  ): Promise<[ImageRegistryEvent[], number]> {
    const query = this.dataSource
      .getRepository(ImageRegistryEvent)
      .createQueryBuilder('event')
      .orderBy('event.id', 'DESC')
      .offset(offset)
      .limit(limit);
    if (filters.registryId !== undefined) {
      query.andWhere('event.registryId = :registryId', { registryId: filters.registryId });
    }
    if (filters.action !== undefined) query.andWhere('event.action = :action', filters);
    if (filters.actor !== undefined) query.andWhere('event.actor = :actor', filters);
    if (filters.since !== undefined) query.andWhere('event.at >= :since', filters);
    if (filters.until !== undefined) query.andWhere('event.at <= :until', filters);
    return query.getManyAndCount();
  }
}
