import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import packageJson from '../package.json';
import { browserSuitesRun, launchChromium } from './support/browser';
import { startApp, type TestApp } from './support/test-app';
import { bearer, token, WRITE } from './support/tokens';

/**
 * Drives the served Swagger UI in headless Chromium: the page shows the service, a bearer token
 * entered through "Authorize" reaches the API from "Try it out", survives a reload
 * (persistAuthorization) and, without one, the API's 401 is what the page shows.
 *
 * Set SWAGGER_UI_SCREENSHOT=/some/file.png to keep a full-page screenshot of a live response.
 */

const SUITE = 'the Swagger UI browser suite (test/swagger-ui.e2e-spec.ts)';
const describeWithBrowser = browserSuitesRun(SUITE) ? describe : describe.skip;

/** Swagger UI's id for an operation is `operations-<tag>-<operationId>`. */
const LIST_OPERATION = '#operations-image-registries-listImageRegistries';
const AUTHORIZE_BUTTON = '.auth-wrapper button.authorize';

/** Per test: a few page loads and round trips, each waited for by selector, never by sleeping. */
const TEST_TIMEOUT = 90_000;
/** Per Playwright step; well under TEST_TIMEOUT so that a stuck step names its selector. */
const STEP_TIMEOUT = 20_000;

interface LiveResponse {
  status: string;
  body: string;
  headers: string;
  curl: string;
}

describeWithBrowser('Swagger UI at /api/docs [sqlite, chromium]', () => {
  const registryName = `swagger-ui-probe-${randomBytes(4).toString('hex')}`;
  const registryPassword = `never-shown-${randomBytes(8).toString('hex')}`;
  const uiToken = token('registries:read registries:write');

  let directory: string | undefined;
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  let browserStartedAt = 0;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'swagger-ui-e2e-'));
    app = await startApp(`sqlite:${join(directory, 'test.sqlite')}`);
    await app.app.listen(0, '127.0.0.1');
    const { port } = app.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;

    const created = await fetch(`${baseUrl}/api/v1/image-registries`, {
      method: 'POST',
      headers: { Authorization: bearer(WRITE), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: registryName,
        url: 'harbor.swagger-ui.example.com',
        username: 'robot',
        password: registryPassword,
      }),
    });
    expect(created.status).toBe(201);

    browserStartedAt = performance.now();
    browser = await launchChromium();
  }, TEST_TIMEOUT);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    try {
      if (browser !== undefined) {
        await browser.close();
        const seconds = ((performance.now() - browserStartedAt) / 1000).toFixed(1);
        console.info(`${SUITE}: Chromium ran for ${seconds} s (launch to close).`);
      }
    } finally {
      await app?.close();
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    }
  });

  /** A page in a fresh context: no cookies, no localStorage, so no persisted authorisation. */
  async function freshPage(): Promise<Page> {
    if (browser === undefined) throw new Error('the browser did not start');
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    pageErrors = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  /** Loads the docs and waits until Swagger UI has rendered the operation under test. */
  async function openDocs(page: Page): Promise<Locator> {
    const response = await page.goto(`${baseUrl}/api/docs`, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(200);
    const operation = page.locator(LIST_OPERATION);
    await operation.waitFor();
    return operation;
  }

  /** Authorize → the bearer value → Authorize → (the dialog says Authorized) → Close. */
  async function authorize(page: Page, value: string): Promise<void> {
    await page.locator(`${AUTHORIZE_BUTTON}.unlocked`).click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    await dialog.locator('#auth-bearer-value').fill(value);
    await dialog.locator('button.modal-btn.authorize', { hasText: 'Authorize' }).click();
    await dialog.locator('h6', { hasText: 'Authorized' }).waitFor();
    await dialog.locator('button.btn-done', { hasText: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`${AUTHORIZE_BUTTON}.locked`).waitFor();
  }

  /** What Swagger UI keeps in localStorage for persistAuthorization, if anything. */
  async function storedAuthorization(page: Page): Promise<string | undefined> {
    const { origins } = await page.context().storageState();
    const origin = origins.find((candidate) => candidate.origin === baseUrl);
    return origin?.localStorage.find((item) => item.name === 'authorized')?.value;
  }

  /** Expands the operation, Try it out, Execute; returns what the operation's response shows. */
  async function tryItOut(operation: Locator): Promise<LiveResponse> {
    const summary = operation.locator('button.opblock-summary-control');
    if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
    await operation.locator('button.try-out__btn', { hasText: 'Try it out' }).click();
    const live = operation.locator('.live-responses-table');
    expect(await live.count()).toBe(0);
    await operation.locator('button.execute', { hasText: 'Execute' }).click();

    const row = live.locator('tbody tr.response');
    await row.waitFor();
    const text = async (locator: Locator) => ((await locator.textContent()) ?? '').trim();
    return {
      status: await text(row.locator('td.response-col_status')),
      body: await text(row.locator('.response-col_description .highlight-code pre')),
      headers: await text(
        row.locator('.response-col_description pre', { hasText: 'content-type' }),
      ),
      curl: await text(operation.locator('.curl-command pre.curl')),
    };
  }

  it(
    'shows the service title and version',
    async () => {
      const page = await freshPage();
      await openDocs(page);

      expect(await page.title()).toBe(packageJson.displayName);
      const title = page.locator('.information-container .info .title');
      expect(await title.textContent()).toContain(packageJson.displayName);
      expect((await title.locator('.version').first().textContent())?.trim()).toBe(
        packageJson.version,
      );
      expect(await page.locator('.information-container .info .description').textContent()).toBe(
        packageJson.description,
      );
      await page.locator(`${AUTHORIZE_BUTTON}.unlocked`).waitFor();
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'authorises with a bearer token and lists the registries with Try it out',
    async () => {
      const page = await freshPage();
      const operation = await openDocs(page);
      await authorize(page, uiToken);

      const response = await tryItOut(operation);
      expect(response.status).toBe('200');
      const registries = JSON.parse(response.body) as { name: string }[];
      expect(registries.map((registry) => registry.name)).toEqual([registryName]);
      expect(response.body).not.toContain(registryPassword);
      expect(response.headers).toMatch(/x-total-count: 1\b/);
      expect(response.curl).toContain(`Authorization: Bearer ${uiToken}`);
      expect(pageErrors).toEqual([]);

      if (process.env.SWAGGER_UI_SCREENSHOT) {
        await page.screenshot({ path: process.env.SWAGGER_UI_SCREENSHOT, fullPage: true });
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps the authorisation across a reload (persistAuthorization)',
    async () => {
      const page = await freshPage();
      await openDocs(page);
      await authorize(page, uiToken);

      await page.reload({ waitUntil: 'domcontentloaded' });
      const operation = page.locator(LIST_OPERATION);
      await operation.waitFor();
      // Restored from localStorage, not typed in again.
      await page.locator(`${AUTHORIZE_BUTTON}.locked`).waitFor();
      expect(await storedAuthorization(page)).toContain(uiToken);

      const response = await tryItOut(operation);
      expect(response.status).toBe('200');
      expect(response.body).toContain(`"${registryName}"`);
      expect(response.curl).toContain(`Authorization: Bearer ${uiToken}`);
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows the 401 of the API when not authorised',
    async () => {
      const page = await freshPage();
      const operation = await openDocs(page);
      await page.locator(`${AUTHORIZE_BUTTON}.unlocked`).waitFor();
      expect(await storedAuthorization(page)).toBeUndefined();

      const response = await tryItOut(operation);
      expect(response.status).toBe('401');
      expect(JSON.parse(response.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(response.body).not.toContain(registryName);
      expect(response.headers).toMatch(/www-authenticate: Bearer/i);
      expect(response.curl).not.toContain('Authorization');
      expect(pageErrors).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
