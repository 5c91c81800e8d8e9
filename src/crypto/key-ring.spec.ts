import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  DecryptionFailedError,
  InvalidEncryptionKeyError,
  KeyRing,
  UnknownEncryptionKeyError,
} from './key-ring';

const newKey = (): string => randomBytes(32).toString('base64');
const SECRET = 'hunter2-registry-password';

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to throw');
}

/** Splits a stored value into its parts and the decoded iv ‖ ciphertext ‖ tag. */
function explode(stored: string): { version: string; keyId: string; bytes: Buffer } {
  const [version, keyId, payload] = stored.split(':');
  return { version, keyId, bytes: Buffer.from(payload, 'base64url') };
}

function assemble(version: string, keyId: string, bytes: Buffer): string {
  return `${version}:${keyId}:${bytes.toString('base64url')}`;
}

function flipByte(stored: string, index: number): string {
  const { version, keyId, bytes } = explode(stored);
  const copy = Buffer.from(bytes);
  const at = index < 0 ? copy.length + index : index;
  copy[at] ^= 0x01;
  return assemble(version, keyId, copy);
}

describe('KeyRing', () => {
  let ring: KeyRing;

  beforeEach(() => {
    ring = KeyRing.fromBase64(newKey());
  });

  describe('round trip', () => {
    it.each([
      ['ASCII', SECRET],
      ['unicode', 'pässwörd 🔐 密码 ﷽ e\u0301'],
      ['empty string', ''],
      ['8192 characters', 'x'.repeat(8192)],
    ])('decrypts what it encrypted: %s', (_name, plaintext) => {
      expect(ring.decrypt(ring.encrypt(plaintext))).toBe(plaintext);
    });

    it('round-trips arbitrary strings', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (plaintext) => {
          expect(ring.decrypt(ring.encrypt(plaintext))).toBe(plaintext);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('stored format', () => {
    it('is v1:<keyId>:<base64url(iv ‖ ciphertext ‖ tag)>', () => {
      const stored = ring.encrypt(SECRET);
      expect(stored).toMatch(/^v1:[0-9a-f]{16}:[A-Za-z0-9_-]+$/);
      const { keyId, bytes } = explode(stored);
      expect(keyId).toBe(ring.currentKeyId);
      expect(bytes).toHaveLength(12 + Buffer.byteLength(SECRET) + 16);
    });

    it('binds version and key id as additional authenticated data', () => {
      const key = randomBytes(32);
      const keyRing = KeyRing.fromBase64(key.toString('base64'));
      const encryptWith = (aad: string | undefined): string => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        if (aad !== undefined) cipher.setAAD(Buffer.from(aad));
        const body = Buffer.concat([cipher.update(SECRET, 'utf8'), cipher.final()]);
        return assemble('v1', keyRing.currentKeyId, Buffer.concat([iv, body, cipher.getAuthTag()]));
      };
      expect(keyRing.decrypt(encryptWith(`v1:${keyRing.currentKeyId}`))).toBe(SECRET);
      expect(() => keyRing.decrypt(encryptWith(undefined))).toThrow(DecryptionFailedError);
      expect(() => keyRing.decrypt(encryptWith(`v2:${keyRing.currentKeyId}`))).toThrow(
        DecryptionFailedError,
      );
    });

    it('uses a fresh IV for every value', () => {
      const first = ring.encrypt(SECRET);
      const second = ring.encrypt(SECRET);
      expect(first).not.toBe(second);
      expect(explode(first).bytes.subarray(0, 12)).not.toEqual(
        explode(second).bytes.subarray(0, 12),
      );
    });

    it('contains no plaintext', () => {
      const stored = ring.encrypt(SECRET);
      expect(stored).not.toContain(SECRET);
      expect(explode(stored).bytes.toString('latin1')).not.toContain(SECRET);
      expect(stored).not.toContain(Buffer.from(SECRET).toString('base64url'));
    });
  });

  describe('key ids', () => {
    it('are derived from the key, deterministic and 16 hex characters', () => {
      const key = newKey();
      const id = KeyRing.fromBase64(key).currentKeyId;
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(KeyRing.fromBase64(key).currentKeyId).toBe(id);
      expect(KeyRing.fromBase64(newKey()).currentKeyId).not.toBe(id);
    });

    it('identify the same key in base64 and base64url', () => {
      const key = randomBytes(32);
      expect(KeyRing.fromBase64(key.toString('base64url')).currentKeyId).toBe(
        KeyRing.fromBase64(key.toString('base64')).currentKeyId,
      );
    });

    it('list the current key first and deduplicate', () => {
      const current = newKey();
      const old = newKey();
      const both = KeyRing.fromBase64(current, [old, current, old]);
      expect(both.keyIds()).toEqual([
        KeyRing.fromBase64(current).currentKeyId,
        KeyRing.fromBase64(old).currentKeyId,
      ]);
    });

    it('can be read from a stored value without decrypting it', () => {
      expect(ring.keyIdOf(ring.encrypt(SECRET))).toBe(ring.currentKeyId);
    });
  });

  describe('tampering', () => {
    let stored: string;

    beforeEach(() => {
      stored = ring.encrypt(SECRET);
    });

    it.each([
      ['IV', 0],
      ['ciphertext', 12],
      ['tag', -1],
    ])('rejects a tampered %s', (_part, index) => {
      expect(() => ring.decrypt(flipByte(stored, index))).toThrow(DecryptionFailedError);
    });

    it('rejects a truncated payload', () => {
      const { version, keyId, bytes } = explode(stored);
      expect(() => ring.decrypt(assemble(version, keyId, bytes.subarray(0, -1)))).toThrow(
        DecryptionFailedError,
      );
      expect(() => ring.decrypt(assemble(version, keyId, bytes.subarray(0, 27)))).toThrow(
        DecryptionFailedError,
      );
    });

    it('rejects another version', () => {
      const { keyId, bytes } = explode(stored);
      expect(() => ring.decrypt(assemble('v2', keyId, bytes))).toThrow(DecryptionFailedError);
    });

    it('rejects a value relabelled with another configured key id', () => {
      const twoKeys = KeyRing.fromBase64(newKey(), [newKey()]);
      const { version, bytes } = explode(twoKeys.encrypt(SECRET));
      const [, previousId] = twoKeys.keyIds();
      const error = thrown(() => twoKeys.decrypt(assemble(version, previousId, bytes)));
      expect(error).toBeInstanceOf(DecryptionFailedError);
      expect(error.message).toContain(previousId);
    });

    it('rejects a value relabelled with an unknown key id', () => {
      const { version, bytes } = explode(stored);
      const error = thrown(() => ring.decrypt(assemble(version, '0123456789abcdef', bytes)));
      expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
      expect((error as UnknownEncryptionKeyError).keyId).toBe('0123456789abcdef');
    });

    it.each([
      ['empty', ''],
      ['plaintext', SECRET],
      ['missing payload', 'v1:0123456789abcdef'],
      ['extra part', 'v1:0123456789abcdef:AAAA:AAAA'],
      ['bad key id', 'v1:XYZ:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['payload not base64url', 'v1:0123456789abcdef:AAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['payload with whitespace', 'v1:0123456789abcdef:AAAA AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ])('rejects a malformed value: %s', (_name, value) => {
      expect(() => ring.decrypt(value)).toThrow(DecryptionFailedError);
      expect(() => ring.keyIdOf(value)).toThrow(DecryptionFailedError);
      expect(() => ring.isEncryptedWithCurrentKey(value)).toThrow(DecryptionFailedError);
    });
  });

  describe('wrong key', () => {
    it('cannot decrypt a value from an unrelated ring', () => {
      const stored = KeyRing.fromBase64(newKey()).encrypt(SECRET);
      expect(() => ring.decrypt(stored)).toThrow(UnknownEncryptionKeyError);
    });
  });

  describe('rotation', () => {
    const oldKey = newKey();
    const newKeyText = newKey();
    const oldRing = KeyRing.fromBase64(oldKey);
    const rotated = KeyRing.fromBase64(newKeyText, [oldKey]);

    it('decrypts values written with a previous key', () => {
      const old = oldRing.encrypt(SECRET);
      expect(rotated.decrypt(old)).toBe(SECRET);
      expect(rotated.keyIdOf(old)).toBe(oldRing.currentKeyId);
    });

    it('reports which values still need re-encrypting', () => {
      const old = oldRing.encrypt(SECRET);
      expect(rotated.isEncryptedWithCurrentKey(old)).toBe(false);
      const reencrypted = rotated.encrypt(rotated.decrypt(old));
      expect(rotated.isEncryptedWithCurrentKey(reencrypted)).toBe(true);
      expect(rotated.decrypt(reencrypted)).toBe(SECRET);
    });

    it('no longer decrypts old values once the previous key is dropped', () => {
      const old = oldRing.encrypt(SECRET);
      const error = thrown(() => KeyRing.fromBase64(newKeyText).decrypt(old));
      expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
      expect(error.message).toBe(
        `stored value was encrypted with key ${oldRing.currentKeyId}, which is not configured`,
      );
    });
  });

  describe('invalid keys', () => {
    const valid = randomBytes(32);
    // Encodes as '+/v7+/v7…+/s=': uses both characters that differ between base64 and base64url.
    const symbols = Buffer.alloc(32, 0xfb).toString('base64');

    it.each([
      ['31 bytes', randomBytes(31).toString('base64'), /\(got 31\)/],
      ['33 bytes', randomBytes(33).toString('base64'), /\(got 33\)/],
      ['empty', '', /\(got 0\)/],
      ['not base64', 'not base64 at all, not even close!!', /not valid base64/],
      [
        'embedded whitespace',
        valid.toString('base64').replace(/^(.{10})/, '$1 '),
        /not valid base64/,
      ],
      ['trailing newline', `${valid.toString('base64')}\n`, /not valid base64/],
      ['standard base64 without padding', symbols.replace(/=$/, ''), /not valid base64/],
      ['mixed alphabets', symbols.replace('+', '-'), /not valid base64/],
      ['non-canonical trailing bits', symbols.replace(/s=$/, 't='), /not valid base64/],
      ['hex', valid.toString('hex'), /must be base64 of exactly 32 bytes/],
    ])('rejects %s as ENCRYPTION_KEY without echoing it', (_name, key, reason) => {
      const error = thrown(() => KeyRing.fromBase64(key));
      expect(error).toBeInstanceOf(InvalidEncryptionKeyError);
      expect(error.message).toMatch(/^ENCRYPTION_KEY must be base64 of exactly 32 bytes/);
      expect(error.message).toMatch(reason);
      if (key.trim() !== '') expect(error.message).not.toContain(key.trim());
      expect(error.message).not.toContain(valid.toString('base64').slice(0, 8));
    });

    it('names the index of an invalid previous key', () => {
      const bad = randomBytes(31).toString('base64');
      const error = thrown(() => KeyRing.fromBase64(newKey(), [newKey(), bad]));
      expect(error).toBeInstanceOf(InvalidEncryptionKeyError);
      expect(error.message).toBe(
        'ENCRYPTION_PREVIOUS_KEYS[1] must be base64 of exactly 32 bytes (got 31)',
      );
      expect(error.message).not.toContain(bad);
    });

    it('uses the variable names it is given', () => {
      const names = { current: 'MY_KEY', previous: 'MY_OLD_KEYS' };
      expect(() => KeyRing.fromBase64('', [], names)).toThrow(/^MY_KEY must be base64/);
      expect(() => KeyRing.fromBase64(newKey(), ['x'], names)).toThrow(/^MY_OLD_KEYS\[0\] must/);
    });

    it('accepts standard base64 with padding and base64url with or without it', () => {
      const key = Buffer.alloc(32, 0xfb);
      const id = KeyRing.fromBase64(key.toString('base64')).currentKeyId;
      expect(KeyRing.fromBase64(key.toString('base64url')).currentKeyId).toBe(id);
      expect(KeyRing.fromBase64(`${key.toString('base64url')}=`).currentKeyId).toBe(id);
    });
  });

  describe('error messages', () => {
    it('never contain the plaintext or the stored value', () => {
      const stored = ring.encrypt(SECRET);
      const { bytes } = explode(stored);
      const failures = [
        thrown(() => ring.decrypt(flipByte(stored, -1))),
        thrown(() => ring.decrypt(flipByte(stored, 0))),
        thrown(() => ring.decrypt(stored.replace(/^v1/, 'v9'))),
        thrown(() => ring.decrypt(`${stored}:extra`)),
        thrown(() => KeyRing.fromBase64(newKey()).decrypt(stored)),
        thrown(() => ring.decrypt(SECRET)),
      ];
      for (const error of failures) {
        const text = `${String(error)} ${error.stack ?? ''}`;
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(stored);
        expect(text).not.toContain(bytes.toString('base64url').slice(0, 16));
      }
    });

    it('name the key id on authentication failures', () => {
      const error = thrown(() => ring.decrypt(flipByte(ring.encrypt(SECRET), 20)));
      expect(error).toBeInstanceOf(DecryptionFailedError);
      expect((error as DecryptionFailedError).keyId).toBe(ring.currentKeyId);
      expect(error.message).toContain(ring.currentKeyId);
    });
  });
});
