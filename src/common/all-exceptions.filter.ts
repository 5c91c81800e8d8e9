import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../database/database-errors';
import { type ErrorBody, errorBody } from './error-body';
import { ServiceMetrics } from '../metrics/service-metrics';
import { HttpExceptionWithHeaders } from './http-exception-with-headers';
import { bodyRefusalMessage } from './request-bodies';

/**
 * Every error leaves as `{statusCode, error, message}`. Anything that is not an HttpException is
 * either the database being away (503) or a fault of ours (500, logged with its stack, never with
 * request data).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  constructor(private readonly metrics: ServiceMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (host.switchToHttp().getRequest<FastifyRequest>().raw.readableAborted) {
      // The client went away before sending its whole request (its socket's ECONNRESET is no
      // database outage): nobody is there to answer.
      this.logger.debug(`The client closed the connection before sending its whole request`);
      return;
    }
    const { status, body } = this.describe(exception);
    if (reply.sent) return;
    if (exception instanceof HttpExceptionWithHeaders) void reply.headers(exception.headers);
    void reply.status(status).send(body);
  }

  private describe(exception: unknown): { status: number; body: object } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = bodyRefusalMessage(exception) ?? exception.getResponse();
      if (typeof response === 'string') return { status, body: errorBody(status, response) };
      if ('message' in response) {
        return { status, body: errorBody(status, (response as ErrorBody).message) };
      }
      // A structured report (the readiness check's) is the body itself.
      return { status, body: response };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Database unavailable: ${(exception as Error).message}`);
      this.metrics.databaseUnavailable.inc();
      const status = HttpStatus.SERVICE_UNAVAILABLE;
      return { status, body: errorBody(status, 'The database is unavailable; try again shortly') };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return { status, body: errorBody(status, 'Internal server error') };
  }
}
