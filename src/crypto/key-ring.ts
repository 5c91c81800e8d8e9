import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 8;
/** `v1:` and the key id in hex and `:`: what every value encrypted with one key starts with. */
export const KEY_PREFIX_LENGTH = `${VERSION}:`.length + KEY_ID_BYTES * 2 + 1;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const UNKNOWN_KEY_ID = 'unknown';
// Domain separation: the key id is a hash of the key, and must never coincide with any other
// hash of the same key that could end up in logs.
const KEY_ID_LABEL = 'image-registry-service/encryption-key-id/v1\0';

export class InvalidEncryptionKeyError extends Error {
  override name = 'InvalidEncryptionKeyError';
}

export class UnknownEncryptionKeyError extends Error {
  override name = 'UnknownEncryptionKeyError';

  constructor(readonly keyId: string) {
    super(`stored value was encrypted with key ${keyId}, which is not configured`);
  }
}

export class DecryptionFailedError extends Error {
  override name = 'DecryptionFailedError';

  /** The key id named by the stored value, or 'unknown' when the value is too malformed to say. */
  constructor(
    readonly keyId: string,
    reason: string,
  ) {
    super(`stored value could not be decrypted (key ${keyId}): ${reason}`);
  }
}

interface RingKey {
  id: string;
  key: KeyObject;
}

interface ParsedValue {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * The current encryption key plus the previous keys still accepted for decryption. Values are
 * stored as `v1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>` (AES-256-GCM, `v1:<keyId>` as AAD).
 */
export class KeyRing {
  readonly currentKeyId: string;

  private constructor(
    private readonly current: RingKey,
    private readonly keys: ReadonlyMap<string, KeyObject>,
  ) {
    this.currentKeyId = current.id;
  }

  static fromBase64(
    current: string,
    previous: readonly string[] = [],
    variableNames: { current: string; previous: string } = {
      current: 'ENCRYPTION_KEY',
      previous: 'ENCRYPTION_PREVIOUS_KEYS',
    },
  ): KeyRing {
    const currentKey = importKey(current, variableNames.current);
    const keys = new Map<string, KeyObject>([[currentKey.id, currentKey.key]]);
    previous.forEach((text, index) => {
      const { id, key } = importKey(text, `${variableNames.previous}[${index}]`);
      if (!keys.has(id)) keys.set(id, key);
    });
    return new KeyRing(currentKey, keys);
  }

  /** The current key id first, then the previous ones. */
  keyIds(): string[] {
    return [...this.keys.keys()];
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(this.currentKeyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
    return `${VERSION}:${this.currentKeyId}:${payload}`;
  }

  decrypt(stored: string): string {
    const { keyId, iv, ciphertext, tag } = parse(stored);
    const key = this.keys.get(keyId);
    if (key === undefined) throw new UnknownEncryptionKeyError(keyId);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionFailedError(keyId, 'authentication failed');
    }
  }

  keyIdOf(stored: string): string {
    return parse(stored).keyId;
  }

  /** False for values that a key rotation still has to re-encrypt. */
  isEncryptedWithCurrentKey(stored: string): boolean {
    return this.keyIdOf(stored) === this.currentKeyId;
  }
}

function importKey(text: string, variableName: string): RingKey {
  const bytes = decodeStrictBase64(text);
  if (bytes === undefined) {
    throw new InvalidEncryptionKeyError(
      `${variableName} must be base64 of exactly ${KEY_BYTES} bytes (it is not valid base64)`,
    );
  }
  try {
    if (bytes.length !== KEY_BYTES) {
      throw new InvalidEncryptionKeyError(
        `${variableName} must be base64 of exactly ${KEY_BYTES} bytes (got ${bytes.length})`,
      );
    }
    const id = createHash('sha256')
      .update(KEY_ID_LABEL, 'utf8')
      .update(bytes)
      .digest()
      .subarray(0, KEY_ID_BYTES)
      .toString('hex');
    return { id, key: createSecretKey(bytes) };
  } finally {
    bytes.fill(0); // createSecretKey copies; do not leave a second copy of the key around
  }
}

/**
 * Buffer.from silently skips characters outside the alphabet and ignores stray trailing bits,
 * so only accept text that is exactly the canonical encoding of what it decodes to: standard
 * base64 with padding, or base64url with or without padding.
 */
function decodeStrictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  const standard = bytes.toString('base64');
  const urlSafe = bytes.toString('base64url');
  const urlSafePadded = urlSafe.padEnd(standard.length, '=');
  return [standard, urlSafe, urlSafePadded].includes(text) ? bytes : undefined;
}

function additionalData(keyId: string): Buffer {
  return Buffer.from(`${VERSION}:${keyId}`, 'utf8');
}

function parse(stored: string): ParsedValue {
  const parts = stored.split(':');
  if (parts.length !== 3 || !KEY_ID_PATTERN.test(parts[1])) {
    throw new DecryptionFailedError(UNKNOWN_KEY_ID, 'not in the format v1:<keyId>:<payload>');
  }
  const [version, keyId, payload] = parts;
  if (version !== VERSION) {
    throw new DecryptionFailedError(keyId, 'unsupported format version');
  }
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.toString('base64url') !== payload || bytes.length < IV_BYTES + TAG_BYTES) {
    throw new DecryptionFailedError(
      keyId,
      'payload is not valid base64url of iv, ciphertext and tag',
    );
  }
  return {
    keyId,
    iv: bytes.subarray(0, IV_BYTES),
    ciphertext: bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}
