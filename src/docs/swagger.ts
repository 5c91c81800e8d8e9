import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import packageJson from '../../package.json';
import { buildOpenApiDocument } from './openapi-document';

export const DOCS_PATH = 'api/docs';

/** Swagger UI at /api/docs and the OpenAPI document at /api/docs-json, both without a token. */
export function setUpSwagger(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    customSiteTitle: packageJson.displayName,
    swaggerOptions: { persistAuthorization: true },
  });
}
