import { randomBytes } from 'node:crypto';
import { encryptedColumn, encryptionKeyHolder } from './encrypted-column.transformer';
import { KeyRing } from './key-ring';

describe('encryptedColumn', () => {
  const ring = KeyRing.fromBase64(randomBytes(32).toString('base64'));

  afterEach(() => encryptionKeyHolder.reset());

  describe('with a key ring', () => {
    beforeEach(() => encryptionKeyHolder.use(ring));

    it('encrypts on write and decrypts on read', () => {
      const stored: unknown = encryptedColumn.to('s3cret');
      expect(typeof stored).toBe('string');
      expect(stored).not.toContain('s3cret');
      expect(ring.isEncryptedWithCurrentKey(stored as string)).toBe(true);
      expect(encryptedColumn.from(stored)).toBe('s3cret');
    });

    it('encrypts the empty string rather than storing it as is', () => {
      const stored: unknown = encryptedColumn.to('');
      expect(stored).not.toBe('');
      expect(encryptedColumn.from(stored)).toBe('');
    });

    it('passes null and undefined through', () => {
      expect(encryptedColumn.to(null)).toBeNull();
      expect(encryptedColumn.to(undefined)).toBeUndefined();
      expect(encryptedColumn.from(null)).toBeNull();
    });

    it('refuses to store anything but a string', () => {
      expect(() => encryptedColumn.to(42)).toThrow(TypeError);
    });

    it('does not hand back a value it cannot decrypt', () => {
      expect(() => encryptedColumn.from('s3cret')).toThrow();
    });
  });

  describe('without a key ring', () => {
    it('fails clearly on write and read', () => {
      expect(() => encryptedColumn.to('s3cret')).toThrow('encryption key ring is not initialised');
      expect(() => encryptedColumn.from('v1:0123456789abcdef:AAAA')).toThrow(
        'encryption key ring is not initialised',
      );
      expect(() => encryptionKeyHolder.current()).toThrow('encryption key ring is not initialised');
    });

    it('still passes null through', () => {
      expect(encryptedColumn.to(null)).toBeNull();
      expect(encryptedColumn.from(null)).toBeNull();
    });
  });
});
