/**
 * Regenerates the screenshots in docs/ from the running code, so that they are never drawn by hand and never
 * fall behind: `npm run screenshots` takes the classroom demo (a projector at 1920×1080, a 1280×720 projector
 * in projector view with every lane, a student's phone); `npm run screenshots -- <results.json>` also takes the
 * report of those results (its top on a desktop and on a phone).
 *
 * Real Chromium through playwright-core (/usr/bin/chromium, never downloaded), a real demo server on an
 * ephemeral loopback port; everything it starts is closed before it exits, also on error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../bench/fleet/chromium.js';
import { renderReport } from '../reports/render.js';
import { resultsShapeError } from '../reports/validate.js';
import type { Results } from '../results/results.js';
import { startDemo, type Demo } from '../servers/demo/demo-server.js';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
/** Long enough for every lane to have received a few ticks, so the timelines show requests, answers and frames. */
const SETTLE_MS = 6_500;

interface PageShot {
  file: string;
  viewport: { width: number; height: number };
  /** What the page remembers for this browser: lanes shown, projector view, language. */
  storage: Record<string, string>;
  path: string;
  /** A student joins this lane first. */
  join?: string;
  fullPage?: boolean;
}

const DEMO_SHOTS: readonly PageShot[] = [
  { file: 'demo.png', viewport: { width: 1920, height: 1080 }, storage: {}, path: '/' },
  {
    file: 'demo-projector-1280x720.png',
    viewport: { width: 1280, height: 720 },
    storage: { 'pushbench.lanes': 'short-polling,long-polling,websocket,sse,fallback', 'pushbench.projector': '1' },
    path: '/',
  },
  { file: 'demo-phone.png', viewport: { width: 390, height: 844 }, storage: {}, path: '/?as=student', join: 'websocket' },
];

async function newContext(browser: Browser, shot: Pick<PageShot, 'viewport' | 'storage'>): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: 1 });
  await context.addInitScript((storage) => {
    for (const [key, value] of Object.entries(storage)) localStorage.setItem(key, value);
  }, shot.storage);
  return context;
}

async function demoShots(browser: Browser, demo: Demo): Promise<string[]> {
  const written: string[] = [];
  for (const shot of DEMO_SHOTS) {
    const context = await newContext(browser, shot);
    try {
      const page = await context.newPage();
      await page.goto(`${demo.url}${shot.path}`);
      if (shot.join) {
        await page.click(`#join-lanes [data-join-lane="${shot.join}"]`);
        await page.waitForSelector(`[data-lane="${shot.join}"]`);
      } else {
        await page.waitForSelector('[data-lane]');
      }
      await page.waitForTimeout(SETTLE_MS);
      const path = join(DOCS, shot.file);
      await page.screenshot({ path, fullPage: shot.fullPage ?? false });
      written.push(path);
    } finally {
      await context.close();
    }
  }
  return written;
}

function loadResults(file: string): Results {
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const problem = resultsShapeError(value);
  if (problem !== null) throw new Error(`${file}: ${problem}`);
  return value as Results;
}

async function reportShots(browser: Browser, results: Results): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-screenshots-'));
  const written: string[] = [];
  try {
    const html = join(dir, 'index.html');
    writeFileSync(html, renderReport(results));
    for (const [file, viewport] of [
      ['report.png', { width: 1280, height: 900 }],
      ['report-phone.png', { width: 390, height: 844 }],
    ] as const) {
      const context = await newContext(browser, { viewport, storage: {} });
      try {
        const page = await context.newPage();
        await page.goto(pathToFileURL(html).href);
        await page.waitForSelector('canvas');
        const path = join(DOCS, file);
        await page.screenshot({ path });
        written.push(path);
      } finally {
        await context.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return written;
}

async function main(args: string[]): Promise<number> {
  if (args.length > 1 || args[0]?.startsWith('-')) {
    process.stderr.write('screenshots: usage: npm run screenshots [-- <results.json>]\n');
    return 2;
  }
  let results: Results | undefined;
  try {
    results = args[0] === undefined ? undefined : loadResults(args[0]);
  } catch (error) {
    process.stderr.write(`screenshots: ${(error as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  const demo = await startDemo({ port: 0, host: '127.0.0.1', settings: { tickerRate: 1, pollIntervalMs: 1000 } });
  let browser: Browser | undefined;
  const stop = () => {
    void browser?.close();
    void demo.close();
  };
  process.once('SIGINT', stop);
  try {
    browser = await launchChromium();
    const written = [...(await demoShots(browser, demo)), ...(results ? await reportShots(browser, results) : [])];
    for (const path of written) process.stdout.write(`${path}\n`);
    return 0;
  } finally {
    process.off('SIGINT', stop);
    await browser?.close();
    await demo.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`screenshots: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exitCode = 1;
  },
);
