import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { isTransientConflict } from './database-errors';
import { SerialQueue } from './serial-queue';

const MAX_ATTEMPTS = 10;

/**
 * Runs a unit of work in a transaction. SQLite has one connection shared by every caller, so its
 * transactions must not interleave: they are queued. MySQL transactions that lose a race
 * (deadlock victim, default taken meanwhile) are run again after a short random pause.
 */
@Injectable()
export class TransactionRunner {
  private readonly sqliteQueue = new SerialQueue();

  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'mysql') {
      return this.sqliteQueue.run(() => this.dataSource.transaction(work));
    }
    return this.runWithRetries(work);
  }

  get supportsRowLocks(): boolean {
    return this.dataSource.options.type === 'mysql';
  }

  private async runWithRetries<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isTransientConflict(error)) throw error;
        await sleep(Math.random() * 10 * attempt);
      }
    }
  }
}
