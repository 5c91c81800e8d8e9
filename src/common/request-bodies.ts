import { BadRequestException, HttpException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { parse as parseJson } from 'secure-json-parse';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Fastify's own refusals, reworded for callers (Nest hands them on as HttpExceptions). */
const FASTIFY_BODY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body exceeds 1 MiB',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Request bodies must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The request body does not match its Content-Length',
};

/**
 * Request bodies are JSON and nothing else, up to 1 MiB (the adapter's `bodyLimit`). An empty body
 * reads as none. Parse errors get a fixed message: the parser's own would quote the body, and with
 * it a password. Prototype-poisoning keys are refused as invalid JSON.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser<string>(
    'application/json',
    { parseAs: 'string' },
    (request, body, done) => {
      const encoding = request.headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
        done(new UnsupportedMediaTypeException('Request bodies must not be content-encoded'));
        return;
      }
      if (body.length === 0) {
        done(null, undefined);
        return;
      }
      let parsed: unknown;
      try {
        parsed = parseJson(body, null, { protoAction: 'error', constructorAction: 'error' });
      } catch {
        done(new BadRequestException('The request body is not valid JSON'));
        return;
      }
      done(null, parsed);
    },
  );
}

/** The caller-facing message for a body Fastify refused before any route ran, if it is one. */
export function bodyRefusalMessage(exception: HttpException): string | undefined {
  const code = (exception.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? FASTIFY_BODY_MESSAGES[code] : undefined;
}
