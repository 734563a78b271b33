import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../servers/demo/demo-server.js';
import { DEFAULT_SETTINGS } from '../../servers/demo/settings.js';
import { counter, eventually, launchChromium, NO_CHROMIUM, openWatched, screenshot, type WatchedPage } from './browser.js';
import { cutBoxes, latinWords, laneTextBoxes, overlappingBoxes, visibleWords } from './page-checks.js';

/**
 * The demo on a projector and on a phone: nothing overlaps or is cut at the usual projector resolutions with
 * every lane on, type large enough for the back of the room, every word in Chinese, the handshake and the
 * teacher's actions one key away, and a student's phone without sideways scrolling.
 */

const ALL_LANES = ['short-polling', 'long-polling', 'websocket', 'sse', 'fallback'];
const LANE_SETS: Record<number, string[]> = {
  3: ['short-polling', 'long-polling', 'websocket'],
  4: ['short-polling', 'long-polling', 'websocket', 'fallback'],
  5: ALL_LANES,
};
/** A tick every half second: the timelines fill with labels, the handshake's among the first ticks'. */
const SETTINGS = { tickerRate: 2, pollIntervalMs: 1000 };

let demo: Demo;
let browser: Browser;
const opened: WatchedPage[] = [];

beforeAll(async () => {
  demo = await startDemo({ port: 0, host: '127.0.0.1', settings: SETTINGS });
  browser = await launchChromium();
});

afterEach(async () => {
  for (const { context } of opened.splice(0)) await context.close();
  demo.settings.apply({ ...DEFAULT_SETTINGS, ...SETTINGS });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** The teacher's page at a size, with these lanes shown (as a teacher who chose them last time), in a view. */
async function teacherPage(
  viewport: { width: number; height: number },
  lanes: readonly string[],
  options: { projector?: boolean; language?: 'en' | 'zh' } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(
    ([shown, projector, language]) => {
      localStorage.setItem('pushbench.lanes', shown);
      localStorage.setItem('pushbench.projector', projector);
      localStorage.setItem('pushbench.lang', language);
    },
    [lanes.join(','), options.projector ? '1' : '0', options.language ?? 'en'] as const,
  );
  const page = await context.newPage();
  opened.push({ context, page, consoleErrors: [], pageErrors: [], requests: [] });
  await page.goto(`${demo.url}/`);
  await page.waitForSelector(`[data-lane="${lanes.at(-1)}"]`);
  return page;
}

/** Until every lane has received two ticks: the timelines hold requests, answers, frames and their labels. */
async function running(page: Page, lanes: readonly string[]): Promise<void> {
  for (const lane of lanes)
    await eventually(
      () => counter(page, lane, 'messages'),
      (n) => n >= 2,
      `two ticks in the ${lane} lane`,
    );
}

async function expectTidyLanes(page: Page, lanes: readonly string[]): Promise<void> {
  for (const lane of lanes) {
    const boxes = await laneTextBoxes(page, lane);
    expect(boxes.length, lane).toBeGreaterThan(20);
    expect(cutBoxes(boxes), `${lane}: text cut by its container`).toEqual([]);
    expect(overlappingBoxes(boxes), `${lane}: texts overlapping`).toEqual([]);
  }
}

describe.skipIf(NO_CHROMIUM)('the demo on a projector', () => {
  /** Every size with three, four and five lanes in the normal view, and five lanes in projector view. */
  const CASES = [
    [1280, 720],
    [1366, 768],
    [1920, 1080],
  ].flatMap(([width, height]) => [...[3, 4, 5].map((count) => [width, height, count, false] as const), [width, height, 5, true] as const]);

  it.each(CASES)('at %i×%i with %i lanes (projector view: %s), no text overlaps another or is cut', async (width, height, count, projector) => {
    const lanes = LANE_SETS[count];
    const page = await teacherPage({ width, height }, lanes, { projector });
    await running(page, lanes);
    // Measured twice, a tick apart: the labels move, and every frame must be tidy.
    await expectTidyLanes(page, lanes);
    await page.waitForTimeout(700);
    await expectTidyLanes(page, lanes);
    // Projector view holds the header, the lanes and the list of keys in one screen.
    if (projector)
      expect(
        await page.evaluate(
          () =>
            document.documentElement.scrollHeight <= innerHeight + 1 ||
            document.querySelector('.stage')!.getBoundingClientRect().bottom <= innerHeight + 1,
        ),
      ).toBe(true);
    await screenshot(page, `demo-${width}x${height}-${count}-lanes${projector ? '-projector' : ''}`);
  });

  it('keeps each diagram tall enough to read: at least 240 px in projector view at 1280×720 with 5 lanes, 180 px otherwise', async () => {
    const heights = async (page: Page) => page.$$eval('.timeline-svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect().height));
    const projector = await teacherPage({ width: 1280, height: 720 }, ALL_LANES, { projector: true });
    for (const height of await heights(projector)) expect(height).toBeGreaterThanOrEqual(240);
    const normal = await teacherPage({ width: 1280, height: 720 }, ALL_LANES);
    for (const height of await heights(normal)) expect(height).toBeGreaterThanOrEqual(180);
  });

  it('lays out the handshake’s labels on the timeline apart from each other and from the first ticks', async () => {
    for (const lanes of [ALL_LANES, LANE_SETS[3]]) {
      const page = await teacherPage({ width: 1280, height: 720 }, lanes, { projector: true });
      // Right after the upgrade: "GET Upgrade: websocket" and "101 Switching Protocols" are both on screen.
      const shown = (text: string) =>
        page.locator('[data-lane="websocket"] text', { hasText: text }).evaluateAll((els) => els.some((e) => (e as SVGElement).checkVisibility()));
      await eventually(
        () => shown('101 Switching Protocols'),
        (v) => v,
        'the 101 label',
      );
      expect(await shown('GET Upgrade: websocket')).toBe(true);
      const pushLanes = lanes.filter((lane) => lane === 'websocket' || lane === 'sse');
      await running(page, pushLanes);
      expect(await shown('GET Upgrade: websocket')).toBe(true);
      expect(await shown('101 Switching Protocols')).toBe(true);
      if (lanes.includes('sse'))
        expect(await page.locator('[data-lane="sse"] text', { hasText: '200 text/event-stream' }).first().isVisible()).toBe(true);
      for (const lane of pushLanes) expect(overlappingBoxes(await laneTextBoxes(page, lane)), lane).toEqual([]);
    }
  });

  it('sets stat labels, presence and the handshake panel’s header lines in 16 px or more at 1280×720', async () => {
    const page = await teacherPage({ width: 1280, height: 720 }, ALL_LANES);
    await page.waitForSelector('#handshake:not(.empty)');
    await eventually(
      () => page.$$eval('#presence-list dt', (dts) => dts.length),
      (n) => n > 0,
      'presence',
    );
    const sizes = await page.evaluate(() => {
      const size = (selector: string) =>
        [...document.querySelectorAll(selector)].map((e) => ({ selector, text: e.textContent, px: parseFloat(getComputedStyle(e).fontSize) }));
      return [
        ...size('.counter dt'),
        ...size('.lane .online'),
        ...size('#presence-list dt'),
        ...size('#presence-list dd'),
        ...size('#presence h2'),
        ...size('[data-hs="request"]'),
        ...size('[data-hs="response"]'),
        ...size('.hs-raw figcaption'),
        ...size('#handshake h2'),
      ];
    });
    expect(sizes.filter((s) => s.selector === '.counter dt')).toHaveLength(5 * 8);
    expect(sizes.filter((s) => s.px < 16)).toEqual([]);
  });
});

describe.skipIf(NO_CHROMIUM)('the view that fits the screen', () => {
  /** A teacher's page as a browser that never chose a view opens it (the lanes as before, or the article's at first). */
  async function firstVisit(viewport: { width: number; height: number }, stored?: '0' | '1'): Promise<Page> {
    const context = await browser.newContext({ viewport });
    if (stored !== undefined) await context.addInitScript((value) => localStorage.setItem('pushbench.projector', value), stored);
    const page = await context.newPage();
    opened.push({ context, page, consoleErrors: [], pageErrors: [], requests: [] });
    await page.goto(`${demo.url}/`);
    await page.waitForSelector('[data-lane] .timeline-svg');
    return page;
  }
  const view = (page: Page) =>
    page.evaluate(() => ({
      projector: document.body.classList.contains('projector'),
      timelinesInside: [...document.querySelectorAll('.timeline-svg')].every((svg) => svg.getBoundingClientRect().bottom <= innerHeight),
    }));

  it('starts in projector view at 1280×720, where the normal view’s timelines end below the window', async () => {
    const page = await firstVisit({ width: 1280, height: 720 });
    await eventually(
      () => view(page),
      (v) => v.projector,
      'projector view',
    );
    expect(await view(page)).toEqual({ projector: true, timelinesInside: true });
    // Not remembered: the choice stays the teacher's, and V still switches.
    expect(await page.evaluate(() => localStorage.getItem('pushbench.projector'))).toBeNull();
    await page.keyboard.press('v');
    expect((await view(page)).projector).toBe(false);
  });

  it('keeps the normal view where it fits (1920×1080), and the view a teacher chose', async () => {
    expect(await view(await firstVisit({ width: 1920, height: 1080 }))).toEqual({ projector: false, timelinesInside: true });
    const chosen = await firstVisit({ width: 1280, height: 720 }, '0');
    await chosen.waitForTimeout(300);
    expect((await view(chosen)).projector).toBe(false);
  });
});

describe.skipIf(NO_CHROMIUM)('the teacher’s keys and the handshake', () => {
  it('lists the keys on the page and acts on each: push, pause, block, reset, lanes, handshake, projector view, language', async () => {
    const page = await teacherPage({ width: 1280, height: 720 }, LANE_SETS[4]);
    await running(page, ['websocket']);
    const keys = await page.$$eval('#keys-list dt', (dts) => dts.map((dt) => dt.textContent));
    expect(keys).toEqual(['P', 'T', 'B', 'R', '1–5', 'H', 'V', 'L']);

    demo.settings.apply({ tickerRate: 0 });
    const head = demo.server.source.head;
    await page.keyboard.press('p');
    await eventually(
      () => Promise.resolve(demo.server.source.head),
      (h) => h === head + 1,
      'the pushed message',
    );
    expect(demo.server.source.since(head).messages[0].payload).toBe('hello');
    await eventually(
      () => page.textContent('#push-result'),
      (t) => t === `sent as #${head + 1}`,
      'the push result',
    );

    await page.keyboard.press('t');
    await eventually(
      () => Promise.resolve(demo.settings.get().paused),
      (p) => p,
      'the ticker paused',
    );
    await page.keyboard.press('b');
    await eventually(
      () => Promise.resolve(demo.settings.get().blockWebSocket),
      (b) => b,
      'WebSocket blocked',
    );

    // Lane 4 of the menu is server-sent events, hidden by this teacher: 4 shows it, 4 again hides it.
    await page.keyboard.press('4');
    await page.waitForSelector('[data-lane="sse"]');
    await page.keyboard.press('4');
    await eventually(
      () => page.$$eval('[data-lane]', (lanes) => lanes.map((l) => l.getAttribute('data-lane'))),
      (l) => !l.includes('sse'),
      'the lane gone',
    );

    const epoch = demo.settings.get().resetEpoch;
    await page.keyboard.press('r');
    await eventually(
      () => Promise.resolve(demo.settings.get().resetEpoch),
      (e) => e === epoch + 1,
      'the reset',
    );

    const inView = () =>
      page.$eval('#handshake', (panel) => {
        const { top } = panel.getBoundingClientRect();
        return top >= 0 && top < innerHeight / 2;
      });
    expect(await inView()).toBe(false);
    await page.keyboard.press('h');
    await eventually(inView, (v) => v, 'the handshake panel in view');
    await page.keyboard.press('h');
    await eventually(
      () => page.evaluate(() => scrollY),
      (y) => y === 0,
      'back to the lanes',
    );

    await page.keyboard.press('v');
    expect(await page.isVisible('#controls')).toBe(false);
    expect(await page.isVisible('#shortcut-strip')).toBe(true);
    expect(await page.$$eval('#shortcut-strip .shortcut', (items) => items.map((item) => item.textContent))).toEqual([
      'P push',
      'T ticker',
      'B block WebSocket',
      'R reset',
      '1–5 lanes',
      'H handshake',
      'V normal view',
      'L 中文',
    ]);
    await page.keyboard.press('v');
    expect(await page.isVisible('#controls')).toBe(true);

    await page.keyboard.press('l');
    expect(await page.textContent('h1')).toBe('服务器能主动说话吗？');

    // Typing in the message box is text, not commands.
    await page.fill('#push-text', '');
    await page.type('#push-text', 'rtbp');
    expect(await page.inputValue('#push-text')).toBe('rtbp');
    expect(demo.settings.get().resetEpoch).toBe(epoch + 1);
  });

  it('reaches the handshake panel with one click from the header', async () => {
    const page = await teacherPage({ width: 1280, height: 720 }, LANE_SETS[4]);
    await page.waitForSelector('#handshake:not(.empty)');
    await page.click('#to-handshake');
    await eventually(
      () => page.$eval('#handshake', (panel) => panel.getBoundingClientRect().top),
      (top) => top >= 0 && top < 100,
      'the panel at the top',
    );
  });
});

/** Protocol names, units and the other language's name on its switch: what may stay Latin in Chinese. */
const LATIN_ALLOWED = new Set([
  'HTTP',
  'WebSocket',
  'websocket',
  'SSE',
  'GET',
  'Upgrade',
  'RFC',
  'GUID',
  'SHA-1',
  'base64',
  'text/event-stream',
  'Sec-WebSocket-Accept',
  'Sec-WebSocket-Key',
  'pushbench.v1',
  'permessage-deflate',
  'client_max_window_bits',
  'Wi-Fi',
  'ms',
  's',
  'B',
  'kB',
  'MB',
  'English',
]);

describe.skipIf(NO_CHROMIUM)('the demo in Chinese', () => {
  it('leaves no English word visible but protocol names, units and numbers, after every kind of event', async () => {
    const page = await teacherPage({ width: 1920, height: 1080 }, ALL_LANES, { language: 'zh' });
    await running(page, ALL_LANES);
    await page.waitForSelector('#handshake:not(.empty)');
    // The push status too, and a status set before the switch is said again in Chinese.
    await page.click('#push-form button[type="submit"]');
    await eventually(
      () => page.textContent('#push-result'),
      (t) => /^已发送，编号 #\d+$/.test(t ?? ''),
      'the push status',
    );
    await page.click('#lang-switch');
    await eventually(
      () => page.textContent('#push-result'),
      (t) => /^sent as #\d+$/.test(t ?? ''),
      'the status in English',
    );
    await page.click('#lang-switch');
    await eventually(
      () => page.textContent('#push-result'),
      (t) => /^已发送，编号 #\d+$/.test(t ?? ''),
      'the status in Chinese again',
    );
    await page.check('#block-ws');
    await eventually(
      () => page.textContent('[data-lane="fallback"] .lane-sub'),
      (t) => (t ?? '').includes('改用长轮询'),
      'the fallback',
    );
    await page.click('#lanes-menu summary');

    const words = latinWords(await visibleWords(page));
    expect(words.length).toBeGreaterThan(10);
    expect([...new Set(words.filter((word) => !LATIN_ALLOWED.has(word)))]).toEqual([]);
    expect(await page.textContent('.subtitle')).not.toMatch(/三种|three/);
    expect(await page.title()).toBe('pushbench · 课堂演示');
    await screenshot(page, 'demo-zh-1920x1080');
  });
});

describe.skipIf(NO_CHROMIUM)('a student’s phone', () => {
  it('has no horizontal overflow at 390×844, on the join screen and in a lane', async () => {
    const student = await openWatched(browser, `${demo.url}/?as=student`, { width: 390, height: 844 }, 2);
    opened.push(student);
    const { page } = student;
    const overflow = () =>
      page.evaluate(() => {
        const wide = [...document.querySelectorAll('body *')]
          .filter((e) => e.checkVisibility() && !e.closest('svg'))
          .map((e) => ({ e, r: e.getBoundingClientRect() }))
          .filter(({ r }) => r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5))
          .map(({ e, r }) => `${e.tagName}#${e.id}.${e.className} ${r.left.toFixed(0)}–${r.right.toFixed(0)}`);
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth, wide };
      });
    await page.waitForSelector('#join-screen:not([hidden])');
    expect(await overflow()).toEqual({ scrollWidth: 390, innerWidth: 390, wide: [] });
    await page.click('#join-lanes [data-join-lane="websocket"]');
    await page.waitForSelector('[data-lane="websocket"]');
    await running(page, ['websocket']);
    expect(await overflow()).toEqual({ scrollWidth: 390, innerWidth: 390, wide: [] });
    // The recipient box shows its whole choice: the select is at least as wide as its text.
    const select = await page.$eval('#push-to', (s) => {
      const probe = document.createElement('span');
      probe.style.font = getComputedStyle(s).font;
      probe.textContent = (s as HTMLSelectElement).selectedOptions[0].textContent;
      document.body.append(probe);
      const text = probe.getBoundingClientRect().width;
      probe.remove();
      return { text, box: s.getBoundingClientRect().width };
    });
    expect(select.box).toBeGreaterThan(select.text + 20);
    expect(cutBoxes(await laneTextBoxes(page, 'websocket'))).toEqual([]);
    await screenshot(page, 'demo-student-phone-390', true);
  });

  it('keeps the handshake’s labels between the browser’s and the server’s lines at 390×844', async () => {
    const student = await openWatched(browser, `${demo.url}/?as=student`, { width: 390, height: 844 }, 2);
    opened.push(student);
    const { page } = student;
    await page.click('#join-lanes [data-join-lane="websocket"]');
    const labels = () =>
      page.$eval('[data-lane="websocket"] .timeline-svg', (svg) => {
        const [client, server] = [...svg.querySelectorAll('line')].slice(0, 2).map((line) => line.getBoundingClientRect());
        return [...svg.querySelectorAll('text')]
          .filter((text) => /Upgrade|Switching/.test(text.textContent ?? '') && text.checkVisibility())
          .map((text) => {
            const box = text.getBoundingClientRect();
            return { text: text.textContent, between: box.left >= client.right && box.right <= server.left };
          });
      });
    const shown = await eventually(labels, (l) => l.length === 2, 'the Upgrade and 101 labels');
    expect(shown).toEqual([
      { text: 'GET Upgrade: websocket', between: true },
      { text: '101 Switching Protocols', between: true },
    ]);
  });
});
