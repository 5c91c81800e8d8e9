import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { corsOptions } from './common/cors';
import { answerFrameworkError } from './common/framework-errors';
import { serveWithinEachRequestContext } from './common/request-context';
import { acceptJsonBodiesOnly, MAX_BODY_BYTES } from './common/request-bodies';
import { answerWithRequestId, requestIdOf } from './common/request-id';
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
    genReqId: requestIdOf,
    // The header is read, validated, by requestIdOf; Fastify would take any value as it came.
    requestIdHeader: false,
    // Node's own limit on receiving a request, which Fastify would otherwise switch off.
    requestTimeout: 300_000,
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
  answerWithRequestId(app.getHttpServer());
  const fastify = app.getHttpAdapter().getInstance();
  serveWithinEachRequestContext(fastify);
  observeRequestDurations(fastify, app.get(ServiceMetrics));
  acceptJsonBodiesOnly(fastify);
  app.enableCors(corsOptions(config.corsOrigins));
  setUpSwagger(app);
  return app;
}
