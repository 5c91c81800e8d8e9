import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevelName } from '../config/environment';
import { isoTimestamp } from './iso-timestamp';
import { LineBatches } from './line-batches';

const PINO_LEVELS: Record<LogLevelName, Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Keys whose values never reach a line: at the top of a line, in an object logged through Nest's
 * logger (`details`) and one level inside it, in headers and in an error. A stray object logged by
 * mistake still cannot carry a credential. Paths, not top-level wildcards: a `*.key` path makes
 * pino walk every line (nine times the cost of an access line).
 */
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'secret', 'token', 'auth'];
const SECRET_PARENTS = ['', 'details.', 'details.*.', 'headers.', 'req.headers.', 'error.'];
const REDACTED_PATHS = SECRET_PARENTS.flatMap((parent) => SECRET_KEYS.map((key) => parent + key));

export interface RootLoggerOptions {
  /** JSON lines when true (production), readable lines otherwise. */
  json: boolean;
  level: LogLevelName | 'silent';
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

/** The one pino logger of the process: Fastify's, Nest's (bridged) and every request's parent. */
export function createRootLogger({ json, level, destination }: RootLoggerOptions): Logger {
  const options = {
    level: level === 'silent' ? 'silent' : PINO_LEVELS[level],
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: isoTimestamp,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (json) return pino(options, destination ?? new LineBatches(1));
  return pino(
    options,
    pretty({
      destination: destination ?? 1,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    }),
  );
}

/** For builds of the application that serve no one (the OpenAPI generator, most tests). */
export function silentLogger(): Logger {
  // Nothing is written at level silent: no stdout batches, with their timer and exit hook.
  return createRootLogger({ json: true, level: 'silent', destination: { write: () => undefined } });
}
