import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { browserSuitesRun, launchChromium } from './support/browser';
import type { Outcome, RegistryConsole } from './support/console-page/console';
import {
  buildConsoleBundle,
  type ConsoleBundle,
  serveConsolePage,
} from './support/console-page/console-page';
import { type RunningServer, startHttpServer } from './support/fake-servers';
import { startApp, type TestApp } from './support/test-app';
import { bearer, READ, token, WRITE } from './support/tokens';

/**
 * The admin console in a real browser: a page on another origin, bundled with the packed client
 * package, runs the console's whole flow against the service in headless Chromium; the same page
 * on an origin that CORS_ORIGINS does not name is refused by the browser.
 */

const SUITE = 'the admin console browser suite (test/admin-console.e2e-spec.ts)';
const describeWithBrowser = browserSuitesRun(SUITE) ? describe : describe.skip;

/** Packing builds the client with tsc; then a bundle, two page servers, the app and Chromium. */
const SETUP_TIMEOUT = 120_000;
const TEST_TIMEOUT = 90_000;
const STEP_TIMEOUT = 20_000;

const ROBOT = 'robot';
const PASSWORD = `console-${randomBytes(12).toString('base64url')}`;
const BASIC = `Basic ${Buffer.from(`${ROBOT}:${PASSWORD}`).toString('base64')}`;

type Step = keyof RegistryConsole;

/** A registry that wants Basic credentials: the console's "test connection" proves they are kept. */
function basicAuthRegistry(seen: string[]): Promise<RunningServer> {
  return startHttpServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    if (req.url !== '/v2/') {
      res.writeHead(404).end();
    } else if (req.headers.authorization === BASIC) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    } else {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' }).end('{"errors":[]}');
    }
  });
}

describeWithBrowser('the admin console from another origin [sqlite, chromium]', () => {
  let directory = '';
  let bundle: ConsoleBundle;
  let allowedPage: RunningServer | undefined;
  let strangerPage: RunningServer | undefined;
  let registry: RunningServer | undefined;
  const registryAuthorizations: string[] = [];
  let app: TestApp | undefined;
  let apiUrl = '';
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];
  let consoleMessages: string[] = [];
  let answerBodies: Promise<string>[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'admin-console-e2e-'));
    bundle = await buildConsoleBundle(directory);
    allowedPage = await serveConsolePage(bundle);
    strangerPage = await serveConsolePage(bundle);
    registry = await basicAuthRegistry(registryAuthorizations);
    app = await startApp(`sqlite:${join(directory, 'test.sqlite')}`, {
      CORS_ORIGINS: allowedPage.url,
    });
    await app.app.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, SETUP_TIMEOUT);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await app?.close();
      const servers = [allowedPage, strangerPage, registry].filter(
        (server) => server !== undefined,
      );
      await Promise.all(servers.map((server) => server.close()));
      if (directory !== '') rmSync(directory, { recursive: true, force: true });
    }
  });

  /** The console page from `origin`, signed in with a write token, its script loaded. */
  async function openConsole(origin: string): Promise<Page> {
    if (browser === undefined) throw new Error('the browser did not start');
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT);
    pageErrors = [];
    consoleMessages = [];
    answerBodies = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => consoleMessages.push(message.text()));
    page.on('response', (response) => {
      if (!response.url().startsWith(apiUrl)) return;
      // Chromium keeps no body for an empty answer (the 200 of a DELETE): there is nothing to read.
      const empty = response.headers()['content-length'] === '0';
      answerBodies.push(empty ? Promise.resolve('') : response.text());
    });
    const loaded = await page.goto(`${origin}/`, { waitUntil: 'load' });
    expect(loaded?.status()).toBe(200);
    await page.waitForFunction(() => 'registryConsole' in globalThis);
    await page.evaluate(
      ([baseUrl, jwt]) =>
        (globalThis as unknown as { registryConsole: RegistryConsole }).registryConsole.signIn(
          baseUrl,
          jwt,
        ),
      [apiUrl, token(WRITE)] as const,
    );
    return page;
  }

  /** Runs one console step inside the page and returns what the page saw. */
  function step<S extends Exclude<Step, 'signIn'>>(
    page: Page,
    name: S,
    ...args: Parameters<RegistryConsole[S]>
  ): ReturnType<RegistryConsole[S]> {
    return page.evaluate(
      ([stepName, stepArgs]) => {
        const steps = (globalThis as unknown as { registryConsole: Record<string, unknown> })
          .registryConsole;
        return (steps[stepName] as (...values: unknown[]) => Promise<Outcome<unknown>>)(
          ...stepArgs,
        );
      },
      [name, args as unknown[]] as const,
    ) as ReturnType<RegistryConsole[S]>;
  }

  const registryCount = async (): Promise<number> => {
    const response = await request(app!.http)
      .get('/api/v1/image-registries')
      .set('Authorization', bearer(READ))
      .expect(200);
    return Number(response.headers['x-total-count']);
  };

  it('bundles the packed client: built JavaScript and declarations, openapi-fetch as a peer', () => {
    expect(bundle.packedFiles.sort()).toEqual([
      'README.md',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/schema.d.ts',
      'dist/schema.js',
      'package.json',
    ]);
    expect(bundle.packedManifest).toMatchObject({
      name: '@image-registry-service/client',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      peerDependencies: { 'openapi-fetch': expect.any(String) },
    });
    expect(bundle.inputs).toContain('node_modules/@image-registry-service/client/dist/index.js');
    expect(bundle.inputs.some((input) => input.includes('node_modules/openapi-fetch/'))).toBe(true);
    expect(bundle.inputs.some((input) => input.includes('clients/typescript'))).toBe(false);
  });

  it(
    "runs the console's flow from an origin in CORS_ORIGINS",
    async () => {
      const page = await openConsole(allowedPage!.url);

      const created = await step(page, 'create', {
        name: 'harbor-console',
        url: registry!.url,
        username: ROBOT,
        password: PASSWORD,
        description: 'added from the console',
      });
      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({ name: 'harbor-console', username: ROBOT });
      expect(created.data).not.toHaveProperty('password');
      const id = created.data!.id;

      const listed = await step(page, 'list', 1, 10);
      expect(listed).toMatchObject({ status: 200, total: '1' });
      expect(listed.data).toEqual([created.data]);

      const read = await step(page, 'get', id);
      expect(read).toMatchObject({ status: 200, data: created.data });

      // Saved without re-sending the password: the connection test below still logs in.
      const edited = await step(page, 'update', id, { description: 'edited in the console' });
      expect(edited.status).toBe(200);
      expect(edited.data).toMatchObject({ description: 'edited in the console', username: ROBOT });

      const tested = await step(page, 'testConnection', id);
      expect(tested.status).toBe(200);
      expect(tested.data).toMatchObject({
        ok: true,
        status: 'ok',
        auth: 'basic',
        http_status: 200,
      });
      expect(registryAuthorizations).toContain(BASIC);

      const madeDefault = await step(page, 'update', id, { default: true });
      expect(madeDefault.data).toMatchObject({ id, default: true });
      expect(await step(page, 'getDefault')).toMatchObject({ status: 200, data: { id } });

      const duplicate = await step(page, 'create', {
        name: 'HARBOR-console',
        url: 'other.example.com',
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.error).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(duplicate.error!.messages.join(' ')).toMatch(/harbor-console/i);

      const removed = await step(page, 'remove', id);
      expect(removed).toMatchObject({ status: 200 });
      expect(removed.error).toBeUndefined();
      const gone = await step(page, 'get', id);
      expect(gone.status).toBe(404);
      expect(gone.error).toMatchObject({ statusCode: 404, error: 'Not Found' });

      expect(pageErrors).toEqual([]);
      expect(consoleMessages.filter((text) => /CORS|blocked/i.test(text))).toEqual([]);
      // Every answer the page received, the ten above, and none of them carries the password.
      const bodies = await Promise.all(answerBodies);
      expect(bodies).toHaveLength(10);
      for (const body of bodies) expect(body).not.toContain(PASSWORD);
    },
    TEST_TIMEOUT,
  );

  it(
    'is refused by the browser from an origin not in CORS_ORIGINS, and changes nothing',
    async () => {
      const before = await registryCount();
      const page = await openConsole(strangerPage!.url);

      const listed = await step(page, 'list', 1, 10);
      expect(listed.failure).toMatch(/TypeError: Failed to fetch/);
      expect(listed.status).toBeUndefined();

      const created = await step(page, 'create', {
        name: 'from-a-stranger',
        url: 'stranger.example.com',
      });
      expect(created.failure).toMatch(/TypeError: Failed to fetch/);
      expect(await registryCount()).toBe(before);

      expect(consoleMessages.filter((text) => /blocked by CORS policy/.test(text)).length).toBe(2);
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
