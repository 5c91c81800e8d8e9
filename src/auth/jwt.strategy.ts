import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { bearerToken } from './bearer-token';
import type { Principal } from './principal';
import { grantedScopes } from './scopes';
import { signingKeyResolver, UnusableTokenError } from './signing-keys';

export const JWT_STRATEGY = 'jwt';

/** Allowed clock difference between us and the token issuer, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;

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
 * Verifies bearer tokens through passport-jwt (jsonwebtoken underneath) with the configured keys,
 * held as KeyObjects: a string secret would be parsed again on every request. Only the configured
 * algorithms, each with the key of its own family; `nbf`, `iss` and `aud` are enforced, and `exp`
 * is required. Passport keeps strategies in one registry per process: one configuration each.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const keyFor = signingKeyResolver(config.jwt);
    super({
      jwtFromRequest: bearerToken,
      secretOrKeyProvider: (_request, rawToken: string, done) => {
        Promise.resolve()
          .then(() => keyFor(rawToken))
          .then(
            // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject; the strategy's
            // types know only strings and Buffers.
            (key) => done(null, key as unknown as Buffer),
            (error: unknown) => done(error),
          );
      },
      algorithms: config.jwt.algorithms,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
    });
  }

  validate(claims: TokenClaims | string): Principal {
    if (typeof claims === 'string') throw new UnusableTokenError('the payload is not a claims set');
    if (typeof claims.exp !== 'number') throw new TokenWithoutExpiryError();
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : undefined,
      scopes: grantedScopes(claims.scope),
      expiresAt: claims.exp,
    };
  }
}
