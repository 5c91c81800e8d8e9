import { createSecretKey } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { TokenVerifier } from './token-verifier';

const SECRET = 'a-token-verifier-secret-of-32-characters!';

function verifier(): TokenVerifier {
  const jwt = { secret: createSecretKey(Buffer.from(SECRET)), algorithms: ['HS256'] };
  return new TokenVerifier({ jwt } as unknown as AppConfig);
}

const token = (claims: object, secret = SECRET): string =>
  sign({ scope: 'registries:read', ...claims }, secret, { algorithm: 'HS256', subject: 'tester' });

describe('TokenVerifier', () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);

  beforeEach(() => {
    jest.useFakeTimers({ now });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers the subject, scopes and expiry of a valid token', async () => {
    const exp = now / 1000 + 60;
    await expect(verifier().verify(token({ exp }))).resolves.toEqual({
      subject: 'tester',
      scopes: new Set(['registries:read']),
      expiresAt: exp,
    });
  });

  it('remembers a verified token only until its expiry (with the clock leeway)', async () => {
    const tokens = verifier();
    const raw = token({ exp: now / 1000 + 60 });
    await tokens.verify(raw);
    jest.setSystemTime(now + 89_000);
    await expect(tokens.verify(raw)).resolves.toMatchObject({ subject: 'tester' });
    jest.setSystemTime(now + 91_000);
    await expect(tokens.verify(raw)).rejects.toMatchObject({ name: 'TokenExpiredError' });
  });

  it('never remembers a failure, and never accepts other bytes for a remembered token', async () => {
    const tokens = verifier();
    const forged = token({ exp: now / 1000 + 60 }, 'another-secret-of-at-least-32-characters');
    await expect(tokens.verify(forged)).rejects.toThrow();
    await expect(tokens.verify(forged)).rejects.toThrow();
    const raw = token({ exp: now / 1000 + 60 });
    await tokens.verify(raw);
    const [header, payload] = raw.split('.');
    await expect(tokens.verify(`${header}.${payload}.${'A'.repeat(43)}`)).rejects.toThrow();
  });

  it('refuses a token without exp', async () => {
    await expect(verifier().verify(token({}))).rejects.toMatchObject({
      name: 'TokenWithoutExpiryError',
    });
  });
});
