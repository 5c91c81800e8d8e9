import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { AppConfig, LogLevelName } from './config/app-config';
import { jsonBody } from './common/json-body';
import { setUpSwagger } from './docs/swagger';
import { TOTAL_COUNT_HEADER } from './registries/image-registries.controller';

const LEVELS: LogLevelName[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(config: AppConfig): ConsoleLogger {
  const logLevels: LogLevel[] = ['fatal', ...LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1)];
  return new ConsoleLogger({ json: config.production, logLevels });
}

/**
 * Builds the application exactly as it serves: main.ts and the end-to-end tests both come
 * through here, so the tests exercise the same body limit, CORS, docs and global providers.
 */
export async function createApp(
  config: AppConfig,
  logger: ConsoleLogger | false = createLogger(config),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    abortOnError: false,
    logger,
  });
  configureApp(app, config);
  return app;
}

export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.disable('x-powered-by');
  // No conditional GETs are offered, so hashing every body for an ETag would be wasted work.
  app.set('etag', false);
  app.use(...jsonBody());
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: [TOTAL_COUNT_HEADER],
  });
  app.enableShutdownHooks();
  setUpSwagger(app);
}
