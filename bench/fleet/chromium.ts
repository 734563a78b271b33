import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FLEET_GLOBAL, type FleetPageApi } from '../../clients/browser/fleet-protocol.js';

/** Debian's chromium package: a browser is never downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where the server serves the browser fleet's page (bench/fleet/fleet-page.ts); its requests' Referer names it. */
export const FLEET_PAGE_PATH = '/bench/browser-client';

/**
 * The one set of launch flags for every real browser the bench drives (the fleet, the header capture), so both
 * see the same browser. Headless, no sandbox (the bench may run as root), and none of Chromium's own traffic:
 * no background networking, component updates, sync or QUIC, which this machine's closed network would refuse
 * and which would only add noise to what the server counts. Playwright adds its own defaults (no background
 * timer throttling, no renderer backgrounding), which a fleet of pages needs: every client's timers run on time.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumLaunch {
  /**
   * Flags on top of CHROMIUM_ARGS, e.g. trusting exactly one certificate with
   * `--ignore-certificate-errors-spki-list=<hash>` for a TLS run. Verification is never turned off as a whole.
   */
  extraArgs?: readonly string[];
}

/**
 * CHROMIUM_PATH started through setpriv (util-linux), so that the browser dies with the process that launched it
 * however that process ends; without setpriv, the browser itself.
 */
const BOUND_CHROMIUM = fileURLToPath(new URL('./chromium-bound.sh', import.meta.url));
const SETPRIV_PATH = '/usr/bin/setpriv';

export function launchChromium(options: ChromiumLaunch = {}): Promise<Browser> {
  const executablePath = existsSync(SETPRIV_PATH) && existsSync(CHROMIUM_PATH) ? BOUND_CHROMIUM : CHROMIUM_PATH;
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])] });
}

/** The version the browser reports, e.g. "156.0.8078.129". */
export function chromiumVersion(browser: Browser): string {
  return browser.version();
}

/** A client's own browser context (cookies, cache and connection pool of its own) with one page on the fleet page. */
export interface ClientPage {
  context: BrowserContext;
  page: Page;
}

/**
 * Opens the fleet page of `origin` (http or https) in a new context. `cookie` ("sid=…") is set for the origin
 * first, as a site would have set it, so the browser sends it with every request of the page.
 */
export async function openClientPage(browser: Browser, origin: string, cookie?: string): Promise<ClientPage> {
  const context = await browser.newContext();
  try {
    if (cookie !== undefined) {
      const equals = cookie.indexOf('=');
      await context.addCookies([{ name: cookie.slice(0, equals), value: cookie.slice(equals + 1), url: origin }]);
    }
    const page = await context.newPage();
    await page.goto(new URL(FLEET_PAGE_PATH, origin).toString());
    return { context, page };
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}

/** Calls the fleet page's API inside the page. */
export function callPage<R>(page: Page, method: keyof FleetPageApi, arg?: unknown): Promise<R> {
  return page.evaluate(
    ([name, method, arg]) => {
      const api = (globalThis as unknown as Record<string, FleetPageApi>)[name];
      return (api[method] as (arg: unknown) => unknown).call(api, arg);
    },
    [FLEET_GLOBAL, method, arg] as const,
  ) as Promise<R>;
}
