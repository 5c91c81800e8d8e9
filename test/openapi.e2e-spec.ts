import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { generateOpenApiText, OPENAPI_FILE } from '../src/docs/generate-openapi';
import { serializeOpenApiDocument } from '../src/docs/openapi-document';
import { startApp } from './support/test-app';

const ROOT = resolve(__dirname, '..');
const CLIENT_SCHEMA_FILE = 'clients/typescript/schema.ts';
const REGENERATE = 'run `npm run openapi` and commit the result';

const committed = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Runs openapi-typescript on the committed document, in a scratch directory. */
function generateClientSchema(): string {
  const directory = mkdtempSync(join(tmpdir(), 'image-registry-client-'));
  try {
    copyFileSync(join(ROOT, OPENAPI_FILE), join(directory, 'openapi.json'));
    writeFileSync(
      join(directory, 'redocly.yaml'),
      'apis:\n  main:\n    root: openapi.json\n    x-openapi-ts:\n      output: schema.ts\n',
    );
    execFileSync(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js')], {
      cwd: directory,
      stdio: 'pipe',
    });
    return readFileSync(join(directory, 'schema.ts'), 'utf8');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Every schema object anywhere in the document: whatever has a `type` or an `enum`. */
function schemasIn(value: unknown): Record<string, unknown>[] {
  if (value === null || typeof value !== 'object') return [];
  const own = 'type' in value || 'enum' in value ? [value as Record<string, unknown>] : [];
  return [...own, ...Object.values(value).flatMap(schemasIn)];
}

/** Every `example` and `examples` value anywhere in the document. */
function examplesIn(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    key === 'example' || key === 'examples' ? [child] : examplesIn(child),
  );
}

describe('the committed OpenAPI document and client', () => {
  it(`${OPENAPI_FILE} is what the code generates (else ${REGENERATE})`, async () => {
    expect(committed(OPENAPI_FILE)).toBe(await generateOpenApiText());
  });

  it(`${CLIENT_SCHEMA_FILE} is what the committed document generates (else ${REGENERATE})`, () => {
    expect(committed(CLIENT_SCHEMA_FILE)).toBe(generateClientSchema());
  });

  it('is the document the service serves at /api/docs-json', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'image-registry-docs-'));
    const app = await startApp(`sqlite:${join(directory, 'docs.sqlite')}`);
    try {
      const served = await request(app.http).get('/api/docs-json').expect(200);
      expect(serializeOpenApiDocument(served.body as OpenAPIObject)).toBe(committed(OPENAPI_FILE));
    } finally {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('never shows a password in an example, and marks the request password write-only', () => {
    const document = JSON.parse(committed(OPENAPI_FILE)) as {
      components: {
        schemas: Record<string, { properties: Record<string, { writeOnly?: boolean }> }>;
      };
    };
    const { schemas } = document.components;
    expect(schemas.ImageRegistry.properties).not.toHaveProperty('password');
    expect(schemas.CreateImageRegistryRequest.properties.password.writeOnly).toBe(true);
    expect(schemas.UpdateImageRegistryRequest.properties.password.writeOnly).toBe(true);
    expect(JSON.stringify(examplesIn(document))).not.toMatch(/password/i);
  });

  describe('as mainstream client generators read it', () => {
    interface Document {
      servers?: unknown[];
      tags: { name: string }[];
      paths: Record<string, Record<string, { operationId: string; tags: string[] }>>;
      components: { schemas: Record<string, unknown> };
    }
    const document = (): Document => JSON.parse(committed(OPENAPI_FILE)) as Document;

    it('lists null in every nullable enum, so that null is typed', () => {
      const nullableEnums = schemasIn(document()).filter(
        (schema) => schema.nullable === true && Array.isArray(schema.enum),
      );
      expect(nullableEnums.length).toBeGreaterThan(0);
      for (const schema of nullableEnums) expect(schema.enum).toContain(null);
    });

    it('types every number as an integer (the API has no fractions)', () => {
      expect(schemasIn(document()).filter((schema) => schema.type === 'number')).toEqual([]);
    });

    it('names no server: a relative `/` makes some generators call `//api/v1/…`', () => {
      expect(document().servers).toBeUndefined();
    });

    it('names no schema after a JavaScript global (Error, Response, …)', () => {
      const globals = new Set(Object.getOwnPropertyNames(globalThis));
      const shadowing = Object.keys(document().components.schemas).filter((name) =>
        globals.has(name),
      );
      expect(shadowing).toEqual([]);
      expect(
        Object.keys(document().components.schemas).filter((name) => /Dto$/.test(name)),
      ).toEqual([]);
    });

    it('gives every operation one declared tag and a unique operationId', () => {
      const { paths, tags } = document();
      const declared = tags.map((tag) => tag.name);
      const operations = Object.values(paths).flatMap((item) => Object.values(item));
      for (const operation of operations) {
        expect(operation.tags).toHaveLength(1);
        expect(declared).toContain(operation.tags[0]);
        expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      }
      const ids = operations.map((operation) => operation.operationId);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
});
