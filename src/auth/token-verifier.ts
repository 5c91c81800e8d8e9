import { Inject, Injectable } from '@nestjs/common';
import { verify } from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig, type JwtConfig } from '../config/app-config';
import type { Principal } from './principal';
import { grantedScopes } from './scopes';
import { signingKeyResolver, type SigningKeyResolver, UnusableTokenError } from './signing-keys';

/** Allowed clock difference between us and the token issuer, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** Tokens remembered as verified; callers reuse one token for many requests. */
const MAX_REMEMBERED_TOKENS = 10_000;

interface TokenClaims {
  sub?: unknown;
  exp?: unknown;
  scope?: unknown;
}

export class TokenWithoutExpiryError extends Error {
  override readonly name = 'TokenWithoutExpiryError';
  constructor() {
    super('token has no exp claim');
  }
}

/**
 * Verifies bearer tokens with jsonwebtoken and the configured keys (held as KeyObjects: a string
 * secret would be re-parsed on every call). `exp` is required, `nbf`, `iss` and `aud` are
 * enforced, only the configured algorithms are accepted.
 */
@Injectable()
export class TokenVerifier {
  private readonly jwt: JwtConfig;
  private readonly keyFor: SigningKeyResolver;
  /**
   * Exactly these bytes verified before, until their expiry: verifying again would only repeat
   * the same signature check. Failures are never remembered.
   */
  private readonly verified = new Map<string, { principal: Principal; validUntil: number }>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.jwt = config.jwt;
    this.keyFor = signingKeyResolver(config.jwt);
  }

  async verify(rawToken: string): Promise<Principal> {
    const remembered = this.verified.get(rawToken);
    if (remembered !== undefined && remembered.validUntil > Date.now()) return remembered.principal;
    const principal = await this.verifySignatureAndClaims(rawToken);
    this.remember(rawToken, principal);
    return principal;
  }

  private remember(rawToken: string, principal: Principal): void {
    this.verified.delete(rawToken);
    if (this.verified.size >= MAX_REMEMBERED_TOKENS) {
      this.verified.delete(this.verified.keys().next().value!);
    }
    const validUntil = (principal.expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000;
    this.verified.set(rawToken, { principal, validUntil });
  }

  private async verifySignatureAndClaims(rawToken: string): Promise<Principal> {
    const claims = verify(rawToken, await this.keyFor(rawToken), {
      algorithms: this.jwt.algorithms,
      issuer: this.jwt.issuer,
      audience: this.jwt.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }) as TokenClaims | string;
    if (typeof claims === 'string') throw new UnusableTokenError('the payload is not a claims set');
    if (typeof claims.exp !== 'number') throw new TokenWithoutExpiryError();
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : undefined,
      scopes: grantedScopes(claims.scope),
      expiresAt: claims.exp,
    };
  }
}
