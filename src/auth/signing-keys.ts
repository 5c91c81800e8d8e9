import { createPublicKey, KeyObject } from 'node:crypto';
import { decode } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import type { JwtConfig } from '../config/app-config';

export class UnusableTokenError extends Error {
  override readonly name = 'UnusableTokenError';
}

/** Finds the key a token must verify with; synchronous for the shared secret. */
export type SigningKeyResolver = (rawToken: string) => KeyObject | Promise<KeyObject>;

/**
 * Picks the verification key from the token's header: the shared secret for HS256, the configured
 * public key or the identity provider's JWKS for RS256/ES256. A key is never used for an algorithm
 * family it does not belong to, which rules out algorithm-confusion tokens.
 */
export function signingKeyResolver(config: JwtConfig): SigningKeyResolver {
  const jwks =
    config.jwksUri === undefined
      ? undefined
      : new JwksClient({ jwksUri: config.jwksUri, cache: true, rateLimit: true, timeout: 5_000 });

  return (rawToken) => {
    const header = decode(rawToken, { complete: true })?.header;
    if (header === undefined) throw new UnusableTokenError('malformed token');
    if (header.alg === 'HS256' && config.secret !== undefined) return config.secret;
    if (header.alg !== 'RS256' && header.alg !== 'ES256') {
      throw new UnusableTokenError('algorithm not accepted');
    }
    if (jwks === undefined) {
      if (config.publicKey !== undefined) return config.publicKey;
      throw new UnusableTokenError('algorithm not accepted');
    }
    return jwks.getSigningKey(header.kid).then(
      (key) => createPublicKey(key.getPublicKey()),
      () => {
        if (config.publicKey !== undefined) return config.publicKey;
        throw new UnusableTokenError('no signing key for the token');
      },
    );
  };
}
