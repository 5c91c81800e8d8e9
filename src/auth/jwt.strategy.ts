import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Principal } from './principal';
import { grantedScopes } from './scopes';
import { signingKeyProvider } from './signing-key.provider';

/** Allowed clock difference between us and the token issuer, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 30;

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

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken unchanged, which takes KeyObjects (a KeyObject
      // verifies far faster than a string secret); its typings predate them.
      secretOrKeyProvider: signingKeyProvider(config.jwt) as unknown as SecretOrKeyProvider,
      algorithms: config.jwt.algorithms,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
    });
  }

  validate(claims: TokenClaims): Principal {
    if (typeof claims.exp !== 'number') throw new TokenWithoutExpiryError();
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : undefined,
      scopes: grantedScopes(claims.scope),
    };
  }
}
