import type { Principal } from './principal';
import { VerifiedTokens } from './verified-tokens';

const now = Date.UTC(2026, 10, 28, 12, 0, 0);

const principal = (expiresInSeconds = 60, subject = 'tester'): Principal => ({
  subject,
  scopes: new Set(['registries:read']),
  expiresAt: now / 1000 + expiresInSeconds,
});

describe('VerifiedTokens', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers a remembered token with its principal, and nothing for other bytes', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('header.payload.signature', principal());
    expect(tokens.get('header.payload.signature')).toEqual(principal());
    expect(tokens.get('header.payload.signaturf')).toBeUndefined();
    expect(tokens.get('header.payload.signature ')).toBeUndefined();
  });

  it('keeps a token only until its expiry plus the 30 s clock leeway', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('token', principal(60));
    jest.setSystemTime(now + 89_000);
    expect(tokens.get('token')).toBeDefined();
    jest.setSystemTime(now + 91_000);
    expect(tokens.get('token')).toBeUndefined();
  });

  it('does not keep a token that has already expired', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('token', principal(-31));
    expect(tokens.get('token')).toBeUndefined();
  });

  it('lets the least recently used token go first when full', () => {
    const tokens = new VerifiedTokens();
    for (let index = 0; index < 10_000; index += 1) tokens.remember(`token-${index}`, principal());
    expect(tokens.get('token-0')).toBeDefined(); // used: now the most recent
    tokens.remember('one-more', principal());
    expect(tokens.get('token-0')).toBeDefined();
    expect(tokens.get('token-1')).toBeUndefined();
    expect(tokens.get('one-more')).toBeDefined();
  });

  it('is bounded by size as well: large tokens take more room', () => {
    const tokens = new VerifiedTokens();
    const large = (index: number): string => `${index}.`.padEnd(15_000, 'x');
    for (let index = 0; index < 2_000; index += 1) tokens.remember(large(index), principal());
    const kept = Array.from({ length: 2_000 }, (_, index) => tokens.get(large(index))).filter(
      (value) => value !== undefined,
    );
    // 16 MiB at 15,000 characters and 512 bytes of overhead per entry.
    expect(kept.length).toBe(Math.floor((16 * 1024 * 1024) / 15_512));
    expect(tokens.get(large(1_999))).toBeDefined();
  });
});
