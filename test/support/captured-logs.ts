import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { LogLevelName } from '../../src/config/environment';
import { createRootLogger } from '../../src/logging/root-logger';

export interface CapturedLogs {
  /** The service's root logger, to hand to createApp. */
  logger: Logger;
  /** Every line written, as written (JSON or readable). */
  lines: string[];
  /** The lines parsed, for JSON logs. */
  records(): Record<string, unknown>[];
}

/** A root logger built as the service builds it, writing its lines to memory. */
export function captureLogs(options: { json: boolean; level: LogLevelName }): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createRootLogger({ ...options, destination });
  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
