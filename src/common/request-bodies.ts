import {
  BadRequestException,
  HttpException,
  NotImplementedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseJson } from 'secure-json-parse';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Fastify's own refusals, reworded for callers (Nest hands them on as HttpExceptions). */
const FASTIFY_BODY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body exceeds 1 MiB',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Request bodies must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The request body does not match its Content-Length',
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** A UTF-16 code unit of a surrogate pair on its own: no Unicode character, stored differently by each database. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Request bodies are JSON in UTF-8 and nothing else, up to 1 MiB (the adapter's `bodyLimit`): another
 * charset is a 415, invalid UTF-8 or a string with a lone surrogate a 400, a transfer coding other
 * than chunked a 501. An empty body reads as none. Parse errors get a fixed message: the parser's
 * own would quote the body, and with it a password. Prototype-poisoning keys are refused as invalid
 * JSON.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser<Buffer>(
    'application/json',
    { parseAs: 'buffer' },
    (request, body, done) => {
      const refusal = refusedEncoding(request.headers);
      if (refusal !== undefined) {
        done(refusal);
        return;
      }
      if (body.length === 0) {
        done(null, undefined);
        return;
      }
      let parsed: unknown;
      try {
        parsed = parseJson(UTF8.decode(body), null, {
          protoAction: 'error',
          constructorAction: 'error',
        });
      } catch {
        done(new BadRequestException('The request body is not valid JSON in UTF-8'));
        return;
      }
      const unwell = firstLoneSurrogate(parsed);
      if (unwell !== undefined) {
        done(
          new BadRequestException([`${unwell} must not contain a lone surrogate (not Unicode)`]),
        );
        return;
      }
      done(null, parsed);
    },
  );
}

function refusedEncoding(headers: FastifyRequest['headers']): HttpException | undefined {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new UnsupportedMediaTypeException('Request bodies must not be content-encoded');
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    return new UnsupportedMediaTypeException('Request bodies must be JSON in UTF-8');
  }
  const transfer = headers['transfer-encoding'];
  if (transfer !== undefined && transfer.trim().toLowerCase() !== 'chunked') {
    return new NotImplementedException('The only transfer coding accepted is chunked');
  }
  return undefined;
}

interface Visit {
  value: unknown;
  /** The property name or array index that led here; undefined for the body itself. */
  step?: string | number;
  parent?: Visit;
}

/**
 * Where a string (a value or a property name) holds a lone surrogate: `url`, `tags[2]`… Iterative,
 * so that a deeply nested body cannot exhaust the stack; paths are only spelled out for the one found.
 */
function firstLoneSurrogate(body: unknown): string | undefined {
  const pending: Visit[] = [{ value: body }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return pathOf(visit) || 'the body';
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        pending.push({ value: value[i], step: i, parent: visit });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [key] of entries) {
        if (LONE_SURROGATE.test(key)) {
          const where = pathOf(visit);
          return where === '' ? 'a property name' : `a property name in ${where}`;
        }
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        pending.push({ value: entries[i][1], step: entries[i][0], parent: visit });
      }
    }
  }
  return undefined;
}

function pathOf(visit: Visit): string {
  const steps: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.step !== undefined; at = at.parent)
    steps.push(at.step);
  return steps
    .reverse()
    .map((step, index) =>
      typeof step === 'number' ? `[${step}]` : index === 0 ? step : `.${step}`,
    )
    .join('');
}

/** The caller-facing message for a body Fastify refused before any route ran, if it is one. */
export function bodyRefusalMessage(exception: HttpException): string | undefined {
  const code = (exception.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? FASTIFY_BODY_MESSAGES[code] : undefined;
}
