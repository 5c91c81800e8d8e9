import { DataSource } from 'typeorm';
import { AuditEventsRepository, type NewAuditEvent } from '../src/audit/audit-events.repository';
import { AuditRetention } from '../src/audit/audit-retention';
import { ImageRegistryEvent } from '../src/audit/image-registry-event.entity';
import { createTestDatabase, mysqlSkipped, type TestDatabase } from './support/databases';
import { describeEachDatabase, startApp, type TestApp } from './support/test-app';

/** AUDIT_RETENTION_DAYS: events older than the period are removed in batches, also by several instances at once. */

const DAY = 86_400;
const now = (): number => Math.floor(Date.now() / 1000);

const event = (at: number, index: number): NewAuditEvent => ({
  at,
  action: 'updated',
  registryId: 1,
  registryName: 'retained',
  registryUrl: 'https://retained.example.com',
  actor: 'retention-test',
  changes: ['description'],
  requestId: `retention-${index}`,
});

/** `old` events from over 400 days ago (past two batches) and `recent` ones from 300 days ago. */
async function seed(app: TestApp, old: number, recent: number): Promise<void> {
  const repository = app.app.get(AuditEventsRepository);
  const rows = [
    ...Array.from({ length: old }, (_, i) => event(now() - 400 * DAY - i, i)),
    ...Array.from({ length: recent }, (_, i) => event(now() - 300 * DAY + i, old + i)),
  ];
  for (let start = 0; start < rows.length; start += 500) {
    await repository.appendNow(rows.slice(start, start + 500));
  }
}

const remaining = async (app: TestApp): Promise<{ old: number; recent: number }> => {
  const events = await app.app.get(DataSource).getRepository(ImageRegistryEvent).find();
  const cutoff = now() - 365 * DAY;
  return {
    old: events.filter((e) => e.at < cutoff).length,
    recent: events.filter((e) => e.at >= cutoff).length,
  };
};

describeEachDatabase('audit retention, 365 days by default', (suite) => {
  it('removes every event older than the period, in batches, and keeps the rest', async () => {
    const { app } = suite();
    await seed(app, 2_345, 20);
    await app.app.get(AuditRetention).prune();
    expect(await remaining(app)).toEqual({ old: 0, recent: 20 });
    expect(await app.app.get(AuditRetention).prune()).toBe(0);
  });
});

describeEachDatabase(
  'audit retention with AUDIT_RETENTION_DAYS=0',
  (suite) => {
    it('keeps everything', async () => {
      const { app } = suite();
      await seed(app, 30, 5);
      expect(await app.app.get(AuditRetention).prune()).toBe(0);
      expect(await remaining(app)).toEqual({ old: 30, recent: 5 });
    });
  },
  { AUDIT_RETENTION_DAYS: '0' },
);

(mysqlSkipped() ? describe.skip : describe)(
  'audit retention by two instances at once [mariadb]',
  () => {
    let database: TestDatabase;
    let apps: TestApp[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('mariadb');
      apps = [await startApp(database.url), await startApp(database.url)];
    });

    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await database?.drop();
    });

    it('removes every old event once, without an error, and keeps the recent ones', async () => {
      await seed(apps[0], 4_200, 50);
      const removed = await Promise.all(apps.map((app) => app.app.get(AuditRetention).prune()));
      expect(removed[0] + removed[1]).toBeLessThanOrEqual(4_200);
      expect(await remaining(apps[0])).toEqual({ old: 0, recent: 50 });
    });
  },
);
