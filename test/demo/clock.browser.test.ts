import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../servers/demo/demo-server.js';
import { CLOCK_SAMPLES } from '../../clients/browser/clock.js';
import { eventually, launchChromium, NO_CHROMIUM } from './browser.js';

/**
 * A latency the page shows is its receive time, corrected by its clock offset to the server, minus the message's
 * publish time. An offset taken from one slow first exchange put the first latencies after a page load off by
 * tens of milliseconds, and a negative one was shown as 0 ms. Over several page loads, none is.
 */

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  // A message every half second: a few reach every lane soon after each load.
  demo = await startDemo({ port: 0, host: '127.0.0.1', settings: { tickerRate: 2 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const PUSH_AND_POLL = ['websocket', 'sse', 'long-polling'];

describe.skipIf(NO_CHROMIUM)('the latencies the demo shows after a page load', () => {
  it(
    'are never clamped at 0 ms, over several page loads, and the clock offset comes from the best of several exchanges',
    { timeout: 120_000 },
    async () => {
      for (let load = 0; load < 6; load++) {
        const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
        try {
          await context.addInitScript((lanes) => localStorage.setItem('pushbench.lanes', lanes), PUSH_AND_POLL.join(','));
          const page = await context.newPage();
          await page.goto(`${demo.url}/`);
          const shown = () =>
            page.evaluate(
              (lanes) =>
                Object.fromEntries(
                  lanes.map((lane) => [lane, [...document.querySelectorAll(`[data-lane="${lane}"] .lat`)].map((e) => e.textContent)]),
                ),
              PUSH_AND_POLL,
            );
          const latencies = await eventually(
            shown,
            (byLane) => Object.values(byLane).every((texts) => texts.length >= 3),
            'three messages in every lane',
          );
          for (const [lane, texts] of Object.entries(latencies)) expect(texts, `${lane}, page load ${load + 1}`).not.toContain('0 ms');
          // The page says what it corrects by: the offset from the exchange of lowest round trip among the last few.
          const clock = await page.evaluate(() => ({ ...document.body.dataset }));
          expect(Number(clock.clockSamples)).toBe(CLOCK_SAMPLES);
          expect(Number(clock.clockRoundTripMs)).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(Number(clock.clockOffsetMs))).toBe(true);
        } finally {
          await context.close();
        }
      }
    },
  );
});
