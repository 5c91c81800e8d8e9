import type { DataSource } from 'typeorm';
import { ConfigurationError } from '../config/environment';
import { DecryptionFailedError, KeyRing, UnknownEncryptionKeyError } from './key-ring';

/** `v1:` + 16 hex digits of key id + `:`: what every value encrypted with one key starts with. */
const KEY_PREFIX_LENGTH = 20;

/**
 * Proves at start-up that the configured keys can read what is stored: one row per key id found in
 * the table is decrypted. A missing or wrong key stops the start instead of failing later, on
 * the first read, as garbage or an error.
 */
export async function verifyStoredPasswordsDecrypt(
  dataSource: DataSource,
  keyRing: KeyRing,
): Promise<void> {
  const samples = await dataSource.query<{ id: number }[]>(
    `SELECT MIN(id) AS id FROM image_registries WHERE password IS NOT NULL GROUP BY SUBSTR(password, 1, ${KEY_PREFIX_LENGTH})`,
  );
  for (const { id } of samples) {
    const [row] = await dataSource.query<{ password: string }[]>(
      'SELECT password FROM image_registries WHERE id = ?',
      [id],
    );
    try {
      keyRing.decrypt(row.password);
    } catch (error) {
      throw new ConfigurationError(explain(error, keyRing));
    }
  }
}

function explain(error: unknown, keyRing: KeyRing): string {
  const configured = `configured key ids: ${keyRing.keyIds().join(', ')}`;
  if (error instanceof UnknownEncryptionKeyError) {
    return `Stored passwords were encrypted with key ${error.keyId}, which is not configured (${configured}). Set that key as ENCRYPTION_KEY or add it to ENCRYPTION_PREVIOUS_KEYS.`;
  }
  if (error instanceof DecryptionFailedError) {
    return `Stored passwords named key ${error.keyId} but the configured key with that id cannot decrypt them (${configured}); the stored data or the key is damaged.`;
  }
  throw error;
}
