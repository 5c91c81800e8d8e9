import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { runMigrations } from '../database/run-migrations';
import { reencryptStoredPasswords } from '../crypto/key-rotation';

/**
 * `npm run rotate-key`: re-encrypts every stored password with ENCRYPTION_KEY. The old key must be
 * listed in ENCRYPTION_PREVIOUS_KEYS so that the stored values can be read.
 */
async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
  try {
    await runMigrations(dataSource);
    const { examined, reencrypted } = await reencryptStoredPasswords(dataSource, config.keyRing);
    console.log(
      `Re-encrypted ${reencrypted} of ${examined} stored passwords; all now use key ${config.keyRing.currentKeyId}. ` +
        'Previous keys can be removed from ENCRYPTION_PREVIOUS_KEYS once every instance runs with this key.',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`Key rotation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
