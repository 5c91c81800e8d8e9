import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; Playwright's own browsers cannot be downloaded where these tests run. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser suites run. Without Chromium they are skipped with a loud line; with
 * REQUIRE_BROWSER=1 (CI) they run anyway, so that `launchChromium` fails them instead.
 */
export function browserSuitesRun(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.REQUIRE_BROWSER === '1') return true;
  console.warn(
    `\n*** SKIPPING ${suite}: no Chromium at ${CHROMIUM_PATH}. ***\n*** Install it (apt-get install chromium) or set CHROMIUM_PATH; REQUIRE_BROWSER=1 fails instead. ***\n`,
  );
  return false;
}

/** A headless Chromium that talks to nothing but the pages it is sent to. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
