import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ETAG_HEADER, REQUEST_ID_HEADER, TOTAL_COUNT_HEADER } from './http-headers';

export type CorsOptions = NonNullable<Parameters<NestFastifyApplication['enableCors']>[0]>;

/** Every method a route of the API answers: HEAD comes with each GET. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

/** What the admin console sends: its token, JSON bodies, the preconditions and its request id. */
export const CORS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'If-None-Match',
  REQUEST_ID_HEADER,
] as const;

export const CORS_EXPOSED_HEADERS = [TOTAL_COUNT_HEADER, ETAG_HEADER, REQUEST_ID_HEADER] as const;

/** How long a browser may reuse a preflight answer, in seconds (Chromium caps it at 7,200). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * CORS for the configured origins only. An origin that is not one of them, or a request without
 * an Origin header, gets no CORS header at all, its preflight included (which then finds no route).
 */
export function corsOptions(allowedOrigins: readonly string[]): CorsOptions {
  const allowed = new Set(allowedOrigins);
  return {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_REQUEST_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: CORS_MAX_AGE_SECONDS,
    // A bare OPTIONS from an allowed origin is answered as a preflight, not with a text/plain 400.
    strictPreflight: false,
  };
}
