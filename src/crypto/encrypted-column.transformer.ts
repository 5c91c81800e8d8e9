import type { ValueTransformer } from 'typeorm';
import type { KeyRing } from './key-ring';

let ring: KeyRing | undefined;

/**
 * Entity decorators run at import time, before the key is loaded, so the transformer looks the
 * ring up on every call; the application installs it once at start-up.
 */
export const encryptionKeyHolder = {
  use(keyRing: KeyRing): void {
    ring = keyRing;
  },
  current(): KeyRing {
    if (ring === undefined) throw new Error('encryption key ring is not initialised');
    return ring;
  },
  reset(): void {
    ring = undefined;
  },
};

/** For a nullable text column: encrypts on write, decrypts on read, passes null through. */
export const encryptedColumn = {
  to(value: unknown): string | null | undefined {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'string') throw new TypeError('an encrypted column only holds strings');
    return encryptionKeyHolder.current().encrypt(value);
  },
  from(value: unknown): string | null | undefined {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'string') throw new TypeError('an encrypted column only holds strings');
    return encryptionKeyHolder.current().decrypt(value);
  },
} satisfies ValueTransformer;
