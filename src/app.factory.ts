import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { LOG_LEVELS } from './config/environment';
import { corsOptions } from './common/cors';
import { acceptJsonBodiesOnly, MAX_BODY_BYTES } from './common/request-bodies';
import { answerWithRequestId, requestIdOf } from './common/request-id';
import { setUpSwagger } from './docs/swagger';

function createLogger(config: AppConfig): ConsoleLogger {
  const upTo = LOG_LEVELS.indexOf(config.logLevel) + 1;
  const logLevels: LogLevel[] = ['fatal', ...LOG_LEVELS.slice(0, upTo)];
  return new ConsoleLogger({ json: config.production, logLevels });
}

/**
 * Builds the application exactly as it serves: main.ts and the end-to-end tests both come
 * through here, so the tests exercise the same body limit, CORS, docs and global providers.
 */
export async function createApp(
  config: AppConfig,
  logger: ConsoleLogger | false = createLogger(config),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
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
    logger,
  });
  answerWithRequestId(app.getHttpServer());
  acceptJsonBodiesOnly(app.getHttpAdapter().getInstance());
  app.enableCors(corsOptions(config.corsOrigins));
  app.enableShutdownHooks();
  setUpSwagger(app);
  return app;
}
