import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, SCOPES_EXTENSION } from '../auth/auth.decorators';
import packageJson from '../../package.json';
import { HEALTH_TAG, REGISTRIES_TAG } from './tags';

/** The OpenAPI document of the application, as served at /api/docs-json and committed. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(packageJson.displayName)
    .setDescription(packageJson.description)
    .setVersion(packageJson.version)
    .addTag(REGISTRIES_TAG, 'Connections to container registries and their credentials.')
    .addTag(HEALTH_TAG, 'Liveness and readiness probes; no token needed.')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A JWT whose space-separated `scope` claim grants `registries:read`, `registries:write` (implies read), `registries:credentials` or `registries:audit` (these two imply nothing).',
      },
      BEARER_SCHEME,
    )
    .build();
  // DocumentBuilder.setLicense always writes a url; a proprietary licence has none to give.
  config.info.license = { name: 'Proprietary' };
  // No servers: the service runs at many addresses, so clients take the base URL from where they
  // call it (Swagger UI: the page's own origin). A relative `/` made generators call `//api/v1/…`.
  delete config.servers;
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  describeSecurity(document);
  listNullInNullableEnums(document);
  return document;
}

/**
 * Writes each operation's scopes into its description (bearer security cannot list scopes) and
 * marks the operations that need no token with an explicit empty security requirement.
 */
function describeSecurity(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (operation === undefined) continue;
      const scopes = (operation as unknown as Record<string, unknown>)[SCOPES_EXTENSION] as
        string[] | undefined;
      if (scopes === undefined) {
        operation.security = [];
        continue;
      }
      const needs = `Requires a bearer token with the scope ${scopes.map((scope) => `\`${scope}\``).join(' and ')}.`;
      operation.description = [operation.description, needs].filter(Boolean).join('\n\n');
    }
  }
}

/**
 * OpenAPI 3.0 says an enum lists every allowed value, null included; without it, generators type a
 * nullable enum (`auth` of a connection test) as never null.
 */
function listNullInNullableEnums(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const schema = value as { nullable?: unknown; enum?: unknown };
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...(schema.enum as unknown[]), null];
  }
  Object.values(value).forEach(listNullInNullableEnums);
}

/** The same value with every object's keys in order, so that the committed file diffs cleanly. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
  );
}

export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}
