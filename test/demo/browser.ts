import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../bench/fleet/chromium.js';
import { missing } from '../requirements.js';

/** Debian's chromium, launched with the bench's one set of flags (bench/fleet/chromium.ts); never a downloaded browser. */
export { launchChromium };
/** Debian's chromium package; a browser is never downloaded (`npm run setup` installs the package). */
export const CHROMIUM = CHROMIUM_PATH;
/** For `describe.skipIf`: the browser tests' one requirement, by the rule of test/requirements.ts. */
export const NO_CHROMIUM = missing([CHROMIUM], 'the browser tests');
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

/** A page in a fresh context, with everything it logged and asked for, to assert on. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  /** Every URL the page requested, WebSocket connections included. */
  requests: string[];
}

export async function openWatched(
  browser: Browser,
  url: string,
  viewport = { width: 1920, height: 1080 },
  deviceScaleFactor = 1,
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const page = await context.newPage();
  const watched: WatchedPage = { context, page, consoleErrors: [], pageErrors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watched.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  page.on('request', (request) => watched.requests.push(request.url()));
  page.on('websocket', (socket) => watched.requests.push(socket.url()));
  await page.goto(url);
  return watched;
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The exact value behind a lane's counter (the text shown is the same number, formatted). */
export async function counter(page: Page, lane: string, name: string): Promise<number> {
  const value = await page.getAttribute(`[data-lane="${lane}"] [data-counter="${name}"]`, 'data-value');
  return Number(value);
}

export async function counterText(page: Page, lane: string, name: string): Promise<string> {
  return (await page.textContent(`[data-lane="${lane}"] [data-counter="${name}"]`)) ?? '';
}

/** Polls `read` until `accept` holds (bounded; never a timing measurement), returning the last value. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
