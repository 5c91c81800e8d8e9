import type { FastifyRequest } from 'fastify';

const BEARER = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i;

/** Far above what identity providers issue (a few KiB), far below what would strain the memo. */
export const MAX_TOKEN_BYTES = 8192;

/**
 * How many Authorization headers the request carries. Node keeps only the first in `headers`,
 * so a second (a valid token, then another) would otherwise pass unseen.
 */
export function authorizationHeaderCount(request: FastifyRequest): number {
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === 'authorization') count++;
  return count;
}

/** The token of an `Authorization: Bearer <token>` header; null without one or for another form. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return header === undefined ? null : (BEARER.exec(header)?.[1] ?? null);
}
