import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateOpenApiText, OPENAPI_FILE } from '../docs/generate-openapi';

/** `npm run openapi`: writes the OpenAPI document the code describes to openapi/openapi.json. */
generateOpenApiText()
  .then((text) => {
    mkdirSync(dirname(OPENAPI_FILE), { recursive: true });
    writeFileSync(OPENAPI_FILE, text);
    console.log(`Wrote ${OPENAPI_FILE}`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
