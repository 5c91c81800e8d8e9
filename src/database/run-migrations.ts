import type { DataSource } from 'typeorm';

const MIGRATION_LOCK = 'image_registry_service.migrations';
const MIGRATION_LOCK_WAIT_SECONDS = 120;

/**
 * Applies pending migrations. On MySQL a named lock serialises instances that start at the same
 * time: the first migrates, the others wait and then find nothing left to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'mysql') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lockHolder = dataSource.createQueryRunner();
  try {
    const [row] = (await lockHolder.query('SELECT GET_LOCK(?, ?) AS acquired', [
      MIGRATION_LOCK,
      MIGRATION_LOCK_WAIT_SECONDS,
    ])) as { acquired: number | string | null }[];
    if (Number(row?.acquired) !== 1) {
      throw new Error(
        `Could not take the migration lock within ${MIGRATION_LOCK_WAIT_SECONDS} s; is another instance stuck migrating?`,
      );
    }
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lockHolder.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await lockHolder.release();
  }
}
