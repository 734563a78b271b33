import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Chart } from 'chart.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/render.js';
import type { Results, RunResult } from '../../results/results.js';
import { makeResults } from '../reports/fixture.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, openWatched, screenshot } from './browser.js';

/**
 * The report's layout in real Chromium, at a phone's width and a desktop's: what the page draws must be readable
 * whole. Figures come from chart.js's own layout (Chart.getChart) and the elements' rectangles.
 */

/** The tallest a table's heading cell may stand: one line of text and its padding (two lines are about 58 px). */
const MAX_HEADING_PX = 48;

/** Resident memory over 23 one-second samples: climbing from `startMiB` for three seconds, then flat. */
function rssOverRun(startMiB: number): [number, number][] {
  return Array.from({ length: 23 }, (_, s): [number, number] => [s * 1000, (startMiB + Math.min(s, 3)) * 2 ** 20]);
}

/**
 * Four strategies, three of which held one request or stream per client the whole run (equal lines), and two of
 * which used the same memory at every sample: on one chart with a line per strategy, some would hide others.
 */
function fourStrategies(): Results {
  const results = makeResults();
  const webSocket = results.runs[2];
  const sse: RunResult = {
    ...structuredClone(webSocket),
    strategy: { name: 'sse', title: 'Server-sent events', direction: 'push', connection: 'persistent', claim: 'C5' },
  };
  results.runs.push(sse);
  const memory = [88, 91, 84, 84];
  results.runs.forEach((run, i) => (run.server.rssSamples = rssOverRun(memory[i])));
  return results;
}

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

let browser: Browser;
let url: string;

beforeAll(async () => {
  browser = await launchChromium();
  const dir = join(ARTIFACTS, 'report-layout');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'index.html');
  writeFileSync(path, renderReport(fourStrategies()));
  url = pathToFileURL(path).href;
});

afterAll(async () => {
  await browser?.close();
});

/** chart.js, as the page's script sees it (the inlined UMD build's global). */
type PageWindow = Window & { Chart: typeof Chart & { helpers: { toFont(font: unknown): { string: string } } } };

interface AxisTitle {
  chart: string;
  axis: string;
  text: string;
  textPx: number;
  axisPx: number;
}

/** Every axis title drawn on a canvas, with its width in its own font and the length of the axis it names. */
function axisTitles(page: Page): Promise<AxisTitle[]> {
  return page.evaluate(() => {
    const { Chart } = window as unknown as PageWindow;
    const found: AxisTitle[] = [];
    for (const canvas of document.querySelectorAll('canvas[id]')) {
      const chart = Chart.getChart(canvas as HTMLCanvasElement)!;
      for (const [axis, scale] of Object.entries(chart.scales)) {
        const title = (scale.options as { title?: { display: boolean; text: string | string[]; font: unknown } }).title;
        if (title === undefined) continue;
        if (!title.display) continue;
        const text = String(title.text);
        chart.ctx.font = Chart.helpers.toFont(title.font).string;
        const textPx = chart.ctx.measureText(text).width;
        found.push({ chart: canvas.id, axis, text, textPx, axisPx: scale.isHorizontal() ? scale.width : scale.height });
      }
    }
    return found;
  });
}

/**
 * For each chart, the labelled datasets drawn as points of which every point lies within a pixel of another
 * dataset's point drawn at the same place: a series a reader cannot see.
 */
function hiddenSeries(page: Page): Promise<{ chart: string; hidden: string[]; shown: string[] }[]> {
  return page.evaluate(() => {
    const { Chart } = window as unknown as PageWindow;
    return [...document.querySelectorAll('canvas[id]')].map((canvas) => {
      const chart = Chart.getChart(canvas as HTMLCanvasElement)!;
      const points = chart.data.datasets.map((dataset, i) => {
        const meta = chart.getDatasetMeta(i);
        if (meta.type !== 'line' || !chart.isDatasetVisible(i)) return [];
        const drawn = meta.data.filter((p) => !(p as { skip?: boolean }).skip && Number.isFinite(p.x) && Number.isFinite(p.y));
        return drawn.map((p) => ({ x: p.x, y: p.y }));
      });
      const named = chart.data.datasets.map((d, i) => ({ label: d.label ?? '', i })).filter((d) => d.label !== '' && points[d.i].length > 0);
      const under = (p: { x: number; y: number }, j: number) => points[j].some((q) => Math.abs(q.x - p.x) < 1 && Math.abs(q.y - p.y) < 1);
      const covered = (i: number) => points[i].every((p) => points.some((_other, j) => j !== i && under(p, j)));
      return {
        chart: canvas.id,
        hidden: named.filter((d) => covered(d.i)).map((d) => d.label),
        shown: named.filter((d) => !covered(d.i)).map((d) => d.label),
      };
    });
  });
}

describe.skipIf(NO_CHROMIUM).each(SIZES)('the report’s layout on a $name ($width px)', ({ name, width, height }) => {
  it('cuts no legend item and no axis title; the scenario table’s headings stand one line tall', async () => {
    const { page, context, pageErrors } = await openWatched(browser, url, { width, height });
    try {
      expect(pageErrors).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(width);

      // Legends are HTML under their charts: every item inside the page and its figure, its text wrapped, not clipped.
      const items = await page.$$eval('.chart-legend li', (list) =>
        list.map((li) => {
          const box = li.getBoundingClientRect();
          const figure = li.closest('figure')!.getBoundingClientRect();
          return {
            text: li.textContent,
            inside: box.left >= 0 && box.right <= innerWidth && box.left >= figure.left - 0.5 && box.right <= figure.right + 0.5,
            clipped: li.scrollWidth > li.clientWidth + 1,
          };
        }),
      );
      expect(items.map((i) => i.text)).toContain('short polling expected: the wait spread evenly over one 1,000 ms interval');
      for (const item of items) expect({ ...item, inside: item.inside && !item.clipped }).toEqual({ ...item, inside: true });

      // An axis title longer than its axis is cut at the canvas's edge or runs into the next axis.
      const titles = await axisTitles(page);
      expect(titles.map((t) => `${t.chart} ${t.axis}`)).toContain('chart-latency y');
      for (const title of titles) expect(title.textPx, `${title.chart} ${title.axis}: ${title.text}`).toBeLessThanOrEqual(title.axisPx);

      const headings = await page.$$eval('h2', (list) => {
        const scenario = list.find((h) => h.textContent === 'Scenario')!;
        const table = scenario.nextElementSibling!;
        return [...table.querySelectorAll('thead th')].map((th) => ({ text: th.textContent, px: th.getBoundingClientRect().height }));
      });
      expect(headings.map((h) => h.text)).toContain('Long-poll timeout');
      for (const heading of headings) expect(heading.px, heading.text).toBeLessThanOrEqual(MAX_HEADING_PX);
      await screenshot(page, `report-layout-${name}`, true);
    } finally {
      await context.close();
    }
  });

  it('a legend item shows and hides its series, as chart.js’s own legend did', async () => {
    const { page, context } = await openWatched(browser, url, { width, height });
    try {
      const visible = () =>
        page.evaluate(() => {
          const { Chart } = window as unknown as PageWindow;
          const chart = Chart.getChart(document.getElementById('chart-latency') as HTMLCanvasElement)!;
          return chart.data.datasets.map((_d, i) => chart.isDatasetVisible(i));
        });
      const longPolling = page.locator('.chart-legend[data-chart="chart-latency"] button', { hasText: 'Long polling' });
      expect(await visible()).toEqual([true, true, true, true, true]);
      await longPolling.click();
      expect(await visible()).toEqual([true, false, true, true, true]);
      expect(await longPolling.getAttribute('aria-pressed')).toBe('false');
      await longPolling.click();
      expect(await visible()).toEqual([true, true, true, true, true]);
    } finally {
      await context.close();
    }
  });

  it('shows every named series: what the server held and its memory as a panel per run, on shared scales', async () => {
    const { page, context } = await openWatched(browser, url, { width, height });
    try {
      const series = await hiddenSeries(page);
      expect(series.flatMap((s) => s.hidden.map((label) => `${s.chart}: ${label}`))).toEqual([]);
      // The scan reads the points it checks: the last panel's line, and the latency chart's expectation line.
      expect(series.find((s) => s.chart === 'chart-held-4')!.shown).toEqual(['Server-sent events']);
      expect(series.find((s) => s.chart === 'chart-latency')!.shown).toEqual([
        'short polling expected: the wait spread evenly over one 1,000 ms interval',
      ]);
      const strategies = ['Short polling', 'Long polling', 'WebSocket', 'Server-sent events'];
      for (const prefix of ['chart-held', 'chart-memory']) {
        const panels = await page.evaluate((prefix) => {
          const { Chart } = window as unknown as PageWindow;
          return [...document.querySelectorAll(`canvas[id^="${prefix}-"]`)].map((canvas) => {
            const chart = Chart.getChart(canvas as HTMLCanvasElement)!;
            const area = chart.chartArea;
            const points = chart.getDatasetMeta(0).data;
            const title = canvas.closest('.panel')!.querySelector('.panel-title')!;
            const box = canvas.getBoundingClientRect();
            return {
              title: title.textContent,
              labels: chart.data.datasets.map((d) => d.label),
              scales: [chart.scales['x'].min, chart.scales['x'].max, chart.scales['y'].min, chart.scales['y'].max],
              // Every sample drawn inside the plot, and the panel inside the page.
              drawn:
                points.length > 0 &&
                points.every((p) => p.x >= area.left - 0.5 && p.x <= area.right + 0.5 && p.y >= area.top - 0.5 && p.y <= area.bottom + 0.5),
              onPage: box.left >= 0 && box.right <= innerWidth && box.height > 100,
            };
          });
        }, prefix);
        expect(
          panels.map((p) => p.title),
          prefix,
        ).toEqual(strategies);
        expect(
          panels.map((p) => p.labels),
          prefix,
        ).toEqual(strategies.map((s) => [s]));
        for (const panel of panels) {
          expect(panel.drawn, `${prefix} ${panel.title}`).toBe(true);
          expect(panel.onPage, `${prefix} ${panel.title}`).toBe(true);
          expect(panel.scales, `${prefix} ${panel.title}`).toEqual(panels[0].scales);
        }
      }
    } finally {
      await context.close();
    }
  });
});
