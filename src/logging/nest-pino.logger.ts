import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';
import { currentRequest } from '../common/request-context';

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's Logger written to pino: the current request's logger while one is served, the root
 * logger otherwise. Nest passes the context (the class name) as the last parameter.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(method: PinoMethod, message: unknown, params: unknown[]): void {
    const logger = currentRequest()?.log ?? this.root;
    const context = params.length > 0 && typeof params.at(-1) === 'string' ? params.at(-1) : null;
    const fields: Record<string, unknown> = context === null ? {} : { context };
    if (message instanceof Error) {
      // Only these three: an error's other properties may hold query parameters.
      fields.error = { type: message.name, message: message.message, stack: message.stack };
      logger[method](fields, message.message);
    } else if (typeof message === 'string') {
      logger[method](fields, message);
    } else {
      // As a field, where the redaction paths reach it.
      logger[method]({ ...fields, details: message });
    }
  }
}
