import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app.factory';
import { loadAppConfig } from '../config/app-config';
import { silentLogger } from '../logging/root-logger';
import { buildOpenApiDocument, serializeOpenApiDocument } from './openapi-document';

export const OPENAPI_FILE = 'openapi/openapi.json';

/**
 * The committed document's text, generated from the code. The application is built on a
 * throwaway SQLite file with throwaway keys: no database server, no configuration needed.
 */
export async function generateOpenApiText(): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'image-registry-openapi-'));
  const config = loadAppConfig({
    DATA_DIR: directory,
    DATABASE_URL: `sqlite:${join(directory, 'openapi.sqlite')}`,
    JWT_SECRET: randomBytes(32).toString('base64'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const app = await createApp(config, silentLogger());
  try {
    return serializeOpenApiDocument(buildOpenApiDocument(app));
  } finally {
    await app.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
