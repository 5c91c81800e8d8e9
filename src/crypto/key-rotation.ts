import type { DataSource } from 'typeorm';
import type { KeyRing } from './key-ring';

const BATCH_SIZE = 100;

export interface RotationResult {
  /** Rows that hold a password. */
  examined: number;
  /** Rows whose password was re-encrypted with the current key. */
  reencrypted: number;
}

/**
 * Re-encrypts every stored password that is not yet under the current key, in batches, each
 * batch in one transaction with its rows locked (on MySQL), so it can run beside live instances.
 */
export async function reencryptStoredPasswords(
  dataSource: DataSource,
  keyRing: KeyRing,
): Promise<RotationResult> {
  const lock = dataSource.options.type === 'mysql' ? ' FOR UPDATE' : '';
  const result: RotationResult = { examined: 0, reencrypted: 0 };
  let lastId = 0;
  for (;;) {
    const rows = await dataSource.transaction(async (manager) => {
      const batch = await manager.query<{ id: number; password: string }[]>(
        `SELECT id, password FROM image_registries WHERE id > ? AND password IS NOT NULL ORDER BY id LIMIT ${BATCH_SIZE}${lock}`,
        [lastId],
      );
      for (const row of batch) {
        if (keyRing.isEncryptedWithCurrentKey(row.password)) continue;
        const reencrypted = keyRing.encrypt(keyRing.decrypt(row.password));
        await manager.query('UPDATE image_registries SET password = ? WHERE id = ?', [
          reencrypted,
          row.id,
        ]);
        result.reencrypted += 1;
      }
      return batch;
    });
    if (rows.length === 0) return result;
    result.examined += rows.length;
    lastId = Number(rows[rows.length - 1].id);
  }
}
