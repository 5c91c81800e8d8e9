// First: V8's settings apply to what is allocated after them.
import './v8-tuning';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { type AppConfig, loadAppConfig } from './config/app-config';
import { ConfigurationError } from './config/environment';
import { DOCS_PATH } from './docs/swagger';
import { shutDownGracefullyOnSignals } from './lifecycle/graceful-shutdown';
import { createRootLogger } from './logging/root-logger';

async function bootstrap(config: AppConfig): Promise<void> {
  const rootLogger = createRootLogger({ json: config.production, level: config.logLevel });
  const app = await createApp(config, rootLogger);
  // Every line written, the last ones included, before the process goes.
  const exit = (code: number): void => rootLogger.flush(() => process.exit(code));
  shutDownGracefullyOnSignals(app, config.shutdown, exit);
  const logger = new Logger('Bootstrap');
  if (config.developmentSecretFiles.length > 0) {
    logger.warn(
      `Development mode: using ${config.developmentSecretFiles.join(' and ')} (generated on first start, mode 0600) in place of ${config.developmentSecretVariables.join(' and ')}. Set them in production (NODE_ENV=production generates nothing).`,
    );
  }
  await app.listen(config.port, config.host);
  const base = `http://localhost:${config.port}`;
  logger.log(`Image registry service listening on ${config.host}:${config.port}`);
  logger.log(`Swagger UI: ${base}/${DOCS_PATH}`);
  logger.log(
    `Get a token: npm run token -- --scope "registries:read registries:write" (then Authorize in Swagger UI)`,
  );
}

function startFailure(error: unknown): string {
  if (error instanceof ConfigurationError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

let config: AppConfig;
try {
  config = loadAppConfig(process.env);
} catch (error) {
  console.error(`Image registry service failed to start: ${startFailure(error)}`);
  process.exit(1);
}
bootstrap(config).catch((error: unknown) => {
  new Logger('Bootstrap').fatal(`Image registry service failed to start: ${startFailure(error)}`);
  process.exit(1);
});
