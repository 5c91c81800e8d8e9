import { createPublicKey, KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import type { JwtConfig } from '../config/app-config';

type KeyCallback = (error: Error | null, key?: KeyObject) => void;

/**
 * Picks the verification key from the token's header: the shared secret for HS256, the configured
 * public key or the identity provider's JWKS for RS256/ES256. A key is never used for an algorithm
 * family it does not belong to, which rules out algorithm-confusion tokens.
 */
export function signingKeyProvider(
  config: JwtConfig,
): (request: unknown, rawToken: string, done: KeyCallback) => void {
  const jwks =
    config.jwksUri === undefined
      ? undefined
      : new JwksClient({ jwksUri: config.jwksUri, cache: true, rateLimit: true, timeout: 5_000 });

  return (_request, rawToken, done) => {
    const header = decodeHeader(rawToken);
    if (header === undefined) return done(new Error('malformed token'));
    if (header.alg === 'HS256' && config.secret !== undefined) return done(null, config.secret);
    if (header.alg !== 'RS256' && header.alg !== 'ES256')
      return done(new Error('algorithm not accepted'));
    if (config.publicKey !== undefined && jwks === undefined) return done(null, config.publicKey);
    if (jwks === undefined) return done(new Error('algorithm not accepted'));
    jwks
      .getSigningKey(header.kid)
      .then((key) => done(null, createPublicKey(key.getPublicKey())))
      .catch(() =>
        config.publicKey !== undefined
          ? done(null, config.publicKey)
          : done(new Error('no signing key for the token')),
      );
  };
}

function decodeHeader(rawToken: string): { alg?: string; kid?: string } | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(rawToken.split('.')[0], 'base64url').toString());
    return typeof header === 'object' && header !== null ? header : undefined;
  } catch {
    return undefined;
  }
}
