import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderComparison, renderReport } from '../../reports/render.js';
import { makeResults } from '../reports/fixture.js';
import { ARTIFACTS, launchChromium, openWatched, screenshot } from './browser.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function writeArtifact(name: string, html: string): string {
  const dir = join(ARTIFACTS, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'index.html');
  writeFileSync(path, html);
  return pathToFileURL(path).href;
}

describe('the benchmark report, opened from disk in Chromium', () => {
  it.each([
    ['report', () => renderReport(makeResults())],
    ['report-comparison', () => renderComparison(makeResults(), makeResults())],
  ])('%s: every chart draws on its canvas, nothing is logged as an error, nothing is fetched', async (name, render) => {
    const url = writeArtifact(name, render());
    const { page, context, consoleErrors, pageErrors, requests } = await openWatched(browser, url, { width: 1280, height: 900 });
    try {
      const expected = await page.$eval('#pushbench-charts', (el) => (JSON.parse(el.textContent!) as unknown[]).length);
      expect(expected).toBeGreaterThan(0);
      const painted = await page.$$eval('canvas[id]', (canvases) =>
        canvases.map((canvas) => {
          const c = canvas as HTMLCanvasElement;
          const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) inked++;
          return { id: c.id, width: c.width, inked };
        }),
      );
      expect(painted).toHaveLength(expected);
      for (const canvas of painted) {
        expect(canvas.width, canvas.id).toBeGreaterThan(0);
        expect(canvas.inked, canvas.id).toBeGreaterThan(0);
      }
      expect(consoleErrors).toEqual([]);
      expect(pageErrors).toEqual([]);
      // The file itself is the only thing the page loads.
      expect(requests).toEqual([url]);
      await screenshot(page, name, true);
    } finally {
      await context.close();
    }
  });
});
