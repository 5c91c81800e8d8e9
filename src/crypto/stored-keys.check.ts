import type { DataSource } from 'typeorm';
import { ConfigurationError } from '../config/environment';
import {
  DecryptionFailedError,
  KEY_PREFIX_LENGTH,
  KeyRing,
  UnknownEncryptionKeyError,
} from './key-ring';

/**
 * Proves at start-up that the configured keys can read what is stored: one row per key id found in
 * the table is decrypted. A missing or wrong key stops the start instead of failing later, on
 * the first read, as garbage or an error.
 */
export async function verifyStoredPasswordsDecrypt(
  dataSource: DataSource,
  keyRing: KeyRing,
): Promise<void> {
  // One query, so that a row deleted meanwhile by another instance cannot leave a gap.
  const samples = await dataSource.query<{ password: string }[]>(
    `SELECT password FROM image_registries WHERE id IN (SELECT MIN(id) FROM image_registries WHERE password IS NOT NULL GROUP BY SUBSTR(password, 1, ${KEY_PREFIX_LENGTH}))`,
  );
  for (const { password } of samples) {
    try {
      keyRing.decrypt(password);
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
