import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuditEventsRepository } from './audit-events.repository';

const DAY_SECONDS = 86_400;
const EVERY_MS = 60 * 60 * 1000;
export const RETENTION_BATCH_SIZE = 1_000;

/**
 * Removes audit events older than AUDIT_RETENTION_DAYS, at start-up and every hour, in batches of
 * a thousand (each its own short transaction, so the table is never locked for long). Several
 * instances may prune at once: each batch deletes rows by id, and a row another instance removed
 * first is simply not there any more. A failed run is logged and tried again at the next one.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly days: number;

  constructor(
    private readonly events: AuditEventsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.days = config.auditRetentionDays;
  }

  onApplicationBootstrap(): void {
    if (this.days === 0) return;
    const run = (): void => {
      this.running ??= this.prune()
        .catch((error: unknown) => {
          this.logger.warn(`Audit events were not pruned: ${(error as Error).message}`);
          return 0;
        })
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(run, EVERY_MS).unref();
    setImmediate(run);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Removes every event older than the retention period; answers how many this instance did. */
  async prune(now = Date.now()): Promise<number> {
    if (this.days === 0) return 0;
    const before = Math.floor(now / 1000) - this.days * DAY_SECONDS;
    let removed = 0;
    for (;;) {
      const batch = await this.events.deleteOlderThan(before, RETENTION_BATCH_SIZE);
      removed += batch.removed;
      if (batch.found < RETENTION_BATCH_SIZE) break;
    }
    if (removed > 0)
      this.logger.log(`Removed ${removed} audit events older than ${this.days} days`);
    return removed;
  }
}
