import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderComparison, renderReport } from '../../reports/render.js';
import { makeResults } from '../reports/fixture.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, openWatched, screenshot } from './browser.js';

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

describe.skipIf(NO_CHROMIUM)('the benchmark report on a phone and on paper', () => {
  it('at 390 px needs no sideways scrolling: the summary is one card per strategy, every figure named', async () => {
    const url = writeArtifact('report-phone', renderReport(makeResults()));
    const { page, context } = await openWatched(browser, url, { width: 390, height: 844 }, 2);
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
      expect(await page.isVisible('table.summary thead')).toBe(false);
      const card = await page.$$eval('table.summary tbody tr:first-child td[data-label]', (cells) =>
        cells.map((cell) => {
          const { left, right } = cell.getBoundingClientRect();
          return { label: getComputedStyle(cell, '::before').content, text: cell.textContent, inside: left >= 0 && right <= innerWidth };
        }),
      );
      expect(card.map((c) => c.label)).toEqual([
        '"Delivered"',
        '"Requests / msg"',
        '"Empty"',
        '"Bytes ↑ / msg"',
        '"Bytes ↓ / msg"',
        '"Overhead"',
        '"p50 ms"',
        '"p99 ms"',
        '"CPU ms / 1k"',
        '"Conn. opened / peak"',
        '"Missed / dup. / order"',
      ]);
      expect(card[1].text).toBe('2.00');
      expect(card.every((c) => c.inside)).toBe(true);
      // The verdict strip comes before any table.
      const top = (selector: string) => page.$eval(selector, (e) => e.getBoundingClientRect().top);
      expect(await top('.verdict-strip')).toBeLessThan(await top('table.summary'));
      await screenshot(page, 'report-phone-390', true);
    } finally {
      await context.close();
    }
  });

  it('prints with its charts: every canvas still drawn and within the page width, the raw JSON left out', async () => {
    const url = writeArtifact('report-print', renderReport(makeResults()));
    const { page, context } = await openWatched(browser, url, { width: 794, height: 1123 });
    try {
      await page.emulateMedia({ media: 'print' });
      const canvases = await page.$$eval('canvas[id]', (list) =>
        list.map((c) => ({ id: c.id, shown: c.checkVisibility(), right: c.getBoundingClientRect().right, height: c.getBoundingClientRect().height })),
      );
      expect(canvases.length).toBeGreaterThan(4);
      for (const canvas of canvases) {
        expect(canvas.shown, canvas.id).toBe(true);
        expect(canvas.height, canvas.id).toBeGreaterThan(100);
        expect(canvas.right, canvas.id).toBeLessThanOrEqual(794);
      }
      expect(await page.isVisible('details.raw')).toBe(false);
      // How it was measured is part of the printed report.
      expect(await page.isVisible('dl.definitions')).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await screenshot(page, 'report-print', true);
    } finally {
      await context.close();
    }
  });
});

describe.skipIf(NO_CHROMIUM)('the benchmark report, opened from disk in Chromium', () => {
  it.each([
    ['report', () => renderReport(makeResults())],
    ['report-comparison', () => renderComparison(makeResults(), makeResults())],
  ])('%s: every chart draws on its canvas, nothing is logged as an error, nothing is fetched', async (name, render) => {
    const url = writeArtifact(name, render());
    const { page, context, consoleErrors, pageErrors, requests } = await openWatched(browser, url, { width: 1280, height: 900 });
    try {
      const expected = await page.$eval('#pushbench-charts', (el) => (JSON.parse(el.textContent) as unknown[]).length);
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
