import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CLOCK_TOLERANCE_SECONDS } from './jwt.strategy';
import type { Principal } from './principal';

const MAX_TOKENS = 10_000;
/** Tokens are counted by their length plus this much for the entry and its principal. */
const ENTRY_OVERHEAD_BYTES = 512;
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Tokens that verified before, by their exact bytes, until their `exp` (plus the clock leeway):
 * checking the same signature again would only repeat the same answer. Failures are never kept.
 * Bounded by count and by size, least recently used first out. As with any JWT, a token stays
 * accepted until it expires.
 */
@Injectable()
export class VerifiedTokens {
  private readonly cache = new LRUCache<string, Principal>({
    max: MAX_TOKENS,
    maxSize: MAX_BYTES,
    sizeCalculation: (_principal, token) => token.length + ENTRY_OVERHEAD_BYTES,
    // The wall clock, as `exp` is, read on every look-up rather than cached for a millisecond.
    perf: { now: () => Date.now() },
    ttlResolution: 0,
  });

  get(token: string): Principal | undefined {
    return this.cache.get(token);
  }

  remember(token: string, principal: Principal): void {
    const ttl = (principal.expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000 - Date.now();
    if (ttl > 0) this.cache.set(token, principal, { ttl });
  }
}
