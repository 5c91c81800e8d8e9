import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { authenticateBodiesOnArrival } from './auth/authenticate-on-arrival';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import type { AppConfig } from './config/app-config';
import { corsOptions } from './common/cors';
import { answerClientError, answerFrameworkError } from './common/framework-errors';
import { serveWithinEachRequestContext } from './common/request-context';
import { acceptJsonBodiesOnly, MAX_BODY_BYTES } from './common/request-bodies';
import { answerWithRequestId, requestIdOf } from './common/request-id';
import { capConnections, receiveDeadline } from './common/server-limits';
import { setUpSwagger } from './docs/swagger';
import { AccessLogController } from './logging/access-log.controller';
import { NestPinoLogger } from './logging/nest-pino.logger';
import { observeRequestDurations } from './metrics/request-durations';
import { ServiceMetrics } from './metrics/service-metrics';

/**
 * Builds the application exactly as it serves: main.ts and the end-to-end tests both come
 * through here, so the tests exercise the same body limit, CORS, docs and global providers.
 */
export async function createApp(
  config: AppConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new AccessLogController(),
    bodyLimit: MAX_BODY_BYTES,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    genReqId: requestIdOf,
    // The header is read, validated, by requestIdOf; Fastify would take any value as it came.
    requestIdHeader: false,
    requestTimeout: config.limits.receiveTimeoutMs,
    http: receiveDeadline(config.limits),
    routerOptions: {
      ignoreTrailingSlash: true,
      // Longer than any request line Node accepts: a malformed id is a 400, never a missing route.
      maxParamLength: 16 * 1024,
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: new NestPinoLogger(logger),
  });
  const metrics = app.get(ServiceMetrics);
  capConnections(app.getHttpServer(), config.limits, () => metrics.connectionsDropped.inc());
  const fastify = app.getHttpAdapter().getInstance();
  answerWithRequestId(fastify);
  serveWithinEachRequestContext(fastify);
  observeRequestDurations(fastify, metrics);
  acceptJsonBodiesOnly(fastify);
  // With no origin allowed, no answer carries a CORS header: no hook need ask on every request.
  if (config.corsOrigins.length > 0) app.enableCors(corsOptions(config.corsOrigins));
  // After CORS, whose headers a refusal needs too.
  authenticateBodiesOnArrival(fastify, app.get(JwtAuthGuard));
  setUpSwagger(app);
  return app;
}
