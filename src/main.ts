import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadAppConfig } from './config/app-config';
import { ConfigurationError } from './config/environment';
import { DOCS_PATH } from './docs/swagger';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig(process.env);
  const app = await createApp(config);
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

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigurationError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  console.error(`Image registry service failed to start: ${message}`);
  process.exit(1);
});
