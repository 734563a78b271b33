import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../servers/demo/settings.js';
import { startDemo, type Demo } from '../../servers/demo/demo-server.js';
import { counter, eventually, launchChromium, NO_CHROMIUM, openWatched, screenshot, type WatchedPage } from './browser.js';

const TOKEN = 'teacher-token-for-tests';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The three ways of the article and the fallback: the lanes the teacher's page opens with. */
const LANES = ['short-polling', 'long-polling', 'websocket', 'fallback'] as const;
const TEST_SETTINGS = { tickerRate: 0, pollIntervalMs: 250 };

let demo: Demo;
let browser: Browser;
const opened: WatchedPage[] = [];

beforeAll(async () => {
  // Loopback, but with a token, so the test can play a student without it, and a user secret, as with --lan: every
  // lane's user id needs the token the page gets when it joins. The join address is this one, so the page shows
  // its QR code and the student can really use it.
  demo = await startDemo({
    port: 0,
    host: '127.0.0.1',
    token: TOKEN,
    userSecret: 'user-secret-for-browser-tests',
    joinHost: '127.0.0.1',
    settings: TEST_SETTINGS,
  });
  browser = await launchChromium();
});

afterEach(async () => {
  for (const { context } of opened.splice(0)) await context.close();
  demo.settings.apply({ ...DEFAULT_SETTINGS, ...TEST_SETTINGS });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function open(url: string, viewport?: { width: number; height: number }, scale?: number): Promise<WatchedPage> {
  const watched = await openWatched(browser, url, viewport, scale);
  opened.push(watched);
  return watched;
}

/** The teacher's page, once every lane is connected and the server's byte counts have reached it. */
async function teacherPage(fallbackState = 'open'): Promise<WatchedPage> {
  const watched = await open(demo.teacherUrl);
  const { page } = watched;
  await page.waitForSelector('[data-lane="fallback"]');
  await eventually(
    () => page.textContent('[data-lane="websocket"] [data-counter="state"]'),
    (s) => s === 'open',
    'the WebSocket lane to open',
  );
  await eventually(
    () => page.textContent('[data-lane="fallback"] [data-counter="state"]'),
    (s) => s === fallbackState,
    'the fallback lane',
  );
  await eventually(
    () => page.textContent('[data-lane="long-polling"] [data-counter="state"]'),
    (s) => s === 'held',
    'a held long poll',
  );
  await eventually(
    () => counter(page, 'websocket', 'bytesDown'),
    (b) => b > 0,
    'the handshake bytes',
  );
  return watched;
}

async function received(page: Page, lane: string): Promise<{ seq: number; text: string }[]> {
  return page.$$eval(`[data-lane="${lane}"] .received li`, (items) =>
    items.map((li) => ({ seq: Number(li.getAttribute('data-seq')), text: li.querySelector('.text')!.textContent })),
  );
}

/** The raw handshake lines shown in the panel. */
async function handshakeLines(page: Page, which: 'request' | 'response'): Promise<string[]> {
  const text = (await page.textContent(`[data-hs="${which}"]`)) ?? '';
  return text.split('\n').filter((line) => line !== '');
}

async function publishAsTeacher(payload: string): Promise<number> {
  const res = await fetch(`${demo.url}/api/publish`, {
    method: 'POST',
    headers: { 'X-Pushbench-Token': TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ payload }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { seq: number }).seq;
}

describe.skipIf(NO_CHROMIUM)('the classroom demo in Chromium', () => {
  it('loads with no console error, asks nothing of any other origin, and hides the token from the address bar', async () => {
    const { page, consoleErrors, pageErrors, requests } = await teacherPage();
    expect(await page.textContent('h1')).toBe('Can the server speak first?');
    expect(await page.$$eval('[data-lane]', (lanes) => lanes.map((l) => l.getAttribute('data-lane')))).toEqual([...LANES]);
    expect(await page.textContent('#role-badge')).toBe('Teacher');
    expect(page.url()).toBe(`${demo.url}/`);
    // The QR code for students is served by the demo itself and really drawn.
    await eventually(
      () => page.$eval('#join-qr', (img) => (img as HTMLImageElement).naturalWidth),
      (w) => w > 0,
      'the QR code',
    );
    expect(await page.textContent('#join-url')).toBe(`${demo.url}/?as=student`);
    const origin = new URL(demo.url).host;
    expect(requests.filter((url) => new URL(url).host !== origin)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await screenshot(page, 'demo-projector-1920x1080');
  });

  it('shows a published message in every lane; each lane counts what it cost, the WebSocket lane with one request', async () => {
    const { page, consoleErrors } = await teacherPage();
    const before = Object.fromEntries(
      await Promise.all(
        LANES.map(async (lane) => [
          lane,
          {
            requests: await counter(page, lane, 'requests'),
            empty: await counter(page, lane, 'empty'),
            messages: await counter(page, lane, 'messages'),
            bytesUp: await counter(page, lane, 'bytesUp'),
            bytesDown: await counter(page, lane, 'bytesDown'),
          },
        ]),
      ),
    ) as Record<(typeof LANES)[number], { requests: number; empty: number; messages: number; bytesUp: number; bytesDown: number }>;
    // The WebSocket lane's bytes so far are exactly its handshake, as shown in the panel.
    const crlfJoined = (lines: string[]) => Buffer.byteLength(`${lines.join('\r\n')}\r\n\r\n`);
    expect(before.websocket).toEqual({
      requests: 1,
      empty: 0,
      messages: 0,
      bytesUp: crlfJoined(await handshakeLines(page, 'request')),
      bytesDown: crlfJoined(await handshakeLines(page, 'response')),
    });

    await page.fill('#push-text', 'hello class');
    await page.click('#push-form button[type="submit"]');
    const result = await eventually(
      async () => (await page.textContent('#push-result')) ?? '',
      (t) => /#\d+/.test(t),
      'the push result',
    );
    const seq = Number(/#(\d+)/.exec(result)![1]);
    for (const lane of LANES) {
      await eventually(
        () => received(page, lane),
        (list) => list.some((m) => m.seq === seq),
        `message #${seq} in the ${lane} lane`,
      );
      expect((await received(page, lane))[0]).toEqual({ seq, text: 'hello class' });
      expect(await counter(page, lane, 'messages')).toBe(before[lane].messages + 1);
    }
    const frame = JSON.stringify(demo.server.source.since(seq - 1).messages[0]);

    // WebSocket: still the one handshake; the message cost one frame, 2 bytes of header plus the JSON.
    expect(await counter(page, 'websocket', 'requests')).toBe(1);
    expect(await counter(page, 'websocket', 'empty')).toBe(0);
    await eventually(
      () => counter(page, 'websocket', 'bytesDown'),
      (b) => b === before.websocket.bytesDown + Buffer.byteLength(frame) + 2,
      'the frame bytes',
    );
    expect(await counter(page, 'websocket', 'bytesUp')).toBe(before.websocket.bytesUp);
    expect(await counter(page, 'fallback', 'requests')).toBe(1);

    // Long polling: the held request was answered with the message, and the lane asked again, once.
    expect(await counter(page, 'long-polling', 'requests')).toBe(before['long-polling'].requests + 1);
    expect(await counter(page, 'long-polling', 'empty')).toBe(before['long-polling'].empty);
    await eventually(
      () => counter(page, 'long-polling', 'bytesDown'),
      (b) => b >= before['long-polling'].bytesDown + Buffer.byteLength(frame),
      'the answer bytes',
    );

    // Short polling keeps asking; every answer but the one carrying the message said "nothing new".
    await eventually(
      () => counter(page, 'short-polling', 'requests'),
      (r) => r >= before['short-polling'].requests + 3,
      'more short polls',
    );
    const idle = await eventually(
      () =>
        page.evaluate(() => {
          const value = (name: string) =>
            Number(document.querySelector(`[data-lane="short-polling"] [data-counter="${name}"]`)!.getAttribute('data-value'));
          const state = document.querySelector('[data-lane="short-polling"] [data-counter="state"]')!.getAttribute('data-value');
          return { state, requests: value('requests'), empty: value('empty'), messages: value('messages') };
        }),
      (s) => s.state === 'idle',
      'a moment between two short polls',
    );
    expect(idle.messages).toBe(1);
    expect(idle.requests).toBe(idle.empty + 1);
    expect(await page.locator('[data-lane="short-polling"] .answer.empty .arrow-label', { hasText: 'nothing new' }).count()).toBeGreaterThan(0);
    await eventually(
      () => counter(page, 'short-polling', 'bytesUp'),
      (b) => b > before['short-polling'].bytesUp,
      'the polls’ bytes',
    );

    expect(consoleErrors).toEqual([]);
    await screenshot(page, 'demo-after-publish');
  });

  it('shows the real handshake, and an accept value that is the RFC 6455 derivation of the key shown', async () => {
    const { page } = await teacherPage();
    await page.waitForSelector('#handshake:not(.empty)');
    const key = (await page.textContent('[data-hs="key"]'))!;
    const expected = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(await page.textContent('[data-hs="accept-computed"]')).toBe(expected);
    expect(await page.textContent('[data-hs="accept-server"]')).toBe(expected);
    expect(await page.textContent('[data-hs="sha1"]')).toBe(
      [
        ...createHash('sha1')
          .update(key + GUID)
          .digest(),
      ]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(' '),
    );
    expect(await page.textContent('[data-hs="match"]')).toBe('✓ the same: the server really speaks WebSocket');

    const request = await handshakeLines(page, 'request');
    // The lane's user token is masked on the projector, character for character.
    expect(request[0]).toMatch(/^GET \/ws\?since=\d+&user=teacher&token=\*{43}&client=[a-z0-9]+\.websocket HTTP\/1\.1$/);
    expect(request).toContain(`Sec-WebSocket-Key: ${key}`);
    expect(request).toContain('Sec-WebSocket-Version: 13');
    expect(request).toContain('Sec-WebSocket-Protocol: pushbench.v1');
    expect(await handshakeLines(page, 'response')).toEqual([
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${expected}`,
      'Sec-WebSocket-Protocol: pushbench.v1',
    ]);
    expect(await page.textContent('[data-hs="protocol"]')).toBe('Subprotocol: the browser offered pushbench.v1; the server chose pushbench.v1');
    await page.locator('#handshake').scrollIntoViewIfNeeded();
    await screenshot(page, 'demo-handshake', true);
  });

  it('falls back to long polling when the demo blocks WebSocket, and still receives every message in order', async () => {
    const { page, consoleErrors } = await teacherPage();
    const refusedBefore = demo.server.stats().strategies.websocket.failedByStatus['403'] ?? 0;
    await page.check('#block-ws');
    await eventually(
      () => page.textContent('[data-lane="fallback"] .lane-sub'),
      (t) => t === 'WebSocket blocked → long polling, same messages',
      'the fallback',
    );
    await eventually(
      () => page.textContent('[data-lane="fallback"] [data-counter="state"]'),
      (s) => s === 'held',
      'a held long poll',
    );
    expect(demo.settings.get().blockWebSocket).toBe(true);
    expect(demo.server.stats().strategies.websocket.failedByStatus['403']).toBe(refusedBefore + 1);

    const seqs = [await publishAsTeacher('one'), await publishAsTeacher('two'), await publishAsTeacher('three')];
    await eventually(
      () => received(page, 'fallback'),
      (list) => list.length >= 3 && list[0].seq === seqs[2],
      'three messages',
    );
    expect((await received(page, 'fallback')).slice(0, 3)).toEqual([
      { seq: seqs[2], text: 'three' },
      { seq: seqs[1], text: 'two' },
      { seq: seqs[0], text: 'one' },
    ]);
    expect(await counter(page, 'fallback', 'messages')).toBe(3);
    // The WebSocket lane is not the fallback lane: it was never blocked.
    expect(await counter(page, 'websocket', 'requests')).toBe(1);
    expect(await counter(page, 'websocket', 'messages')).toBe(3);
    // The only errors are the browser's own report of the refused handshake.
    expect(consoleErrors.length).toBeGreaterThan(0);
    for (const error of consoleErrors) expect(error).toMatch(/WebSocket connection to .*client=[a-z0-9]+\.fallback' failed/);
    await screenshot(page, 'demo-fallback');
  });

  it('lets a student join a lane of their choice: presence shows them, publishing without the token is refused', async () => {
    const teacher = await teacherPage();
    const student = await open(`${demo.url}/?as=student`, { width: 390, height: 844 }, 2);
    await student.page.waitForSelector('#join-screen:not([hidden])');
    expect(await student.page.textContent('#role-badge')).toBe('Student');
    expect(await student.page.isVisible('#reset')).toBe(false);
    await student.page.fill('#join-name', 'ada lovelace');
    await student.page.click('#join-lanes [data-join-lane="long-polling"]');
    await student.page.waitForSelector('[data-lane="long-polling"]');
    expect(await student.page.$$eval('[data-lane]', (lanes) => lanes.length)).toBe(1);

    await eventually(
      () => teacher.page.textContent('#presence-list dd[data-strategy="long-polling"]'),
      (t) => (t ?? '').split(', ').includes('ada-lovelace'),
      'the student in presence',
    );
    // The teacher's own id is shown in the page's language.
    expect(await teacher.page.textContent('[data-lane="long-polling"] .online')).toBe('Online here: ada-lovelace, Teacher');
    // The student is shown how many are online, not who: names are what another page would listen as.
    await eventually(
      () => student.page.textContent('[data-lane="long-polling"] .online'),
      (t) => t === 'Online here: 2 (names: teacher only)',
      'the count on the phone',
    );

    // The name is the first student's: another page cannot take it (and so cannot listen as them).
    const impostor = await open(`${demo.url}/?as=student`);
    await impostor.page.waitForSelector('#join-screen:not([hidden])');
    await impostor.page.fill('#join-name', 'ada lovelace');
    await impostor.page.click('#join-lanes [data-join-lane="websocket"]');
    await eventually(
      () => impostor.page.textContent('#join-result'),
      (t) => (t ?? '') !== '',
      'the refusal of the name',
    );
    expect(await impostor.page.textContent('#join-result')).toBe('409: the name ada-lovelace is taken; pick another');
    expect(await impostor.page.$$eval('[data-lane]', (lanes) => lanes.length)).toBe(0);

    const head = demo.server.source.head;
    await student.page.click('#push-form button[type="submit"]');
    await eventually(
      () => student.page.textContent('#push-result'),
      (t) => (t ?? '') !== '',
      'the refusal',
    );
    expect(await student.page.textContent('#push-result')).toBe('401: only the teacher can publish (the token is printed in the teacher’s terminal)');
    expect(demo.server.source.head).toBe(head);
    const settingsStatus = await student.page.evaluate(
      async () => (await fetch('/demo/api/settings', { method: 'POST', body: '{"reset":true}' })).status,
    );
    expect(settingsStatus).toBe(401);
    expect(student.consoleErrors.every((e) => e.includes('401'))).toBe(true);
    await screenshot(student.page, 'demo-student-phone');

    // The student's lane still works: a message from the teacher arrives.
    const seq = await publishAsTeacher('for the room');
    await eventually(
      () => received(student.page, 'long-polling'),
      (list) => list[0]?.seq === seq,
      'the message on the phone',
    );

    // Leaving shows too: the held long poll ends with the page.
    await student.context.close();
    opened.splice(opened.indexOf(student), 1);
    await eventually(
      () => teacher.page.textContent('#presence-list dd[data-strategy="long-polling"]'),
      (t) => !(t ?? '').includes('ada-lovelace'),
      'the student gone',
    );
  });

  it('with the ticker on, every lane receives the same messages, in the same order', async () => {
    demo.settings.apply({ tickerRate: 0.5, pollIntervalMs: 1_000, blockWebSocket: true });
    const { page } = await teacherPage('held');
    for (const lane of LANES)
      await eventually(
        () => counter(page, lane, 'messages'),
        (n) => n >= 4,
        `four ticks in the ${lane} lane`,
        20_000,
      );
    await screenshot(page, 'demo-ticker-projector');
    demo.settings.apply({ tickerRate: 0 });
    const head = demo.server.source.head;
    const lastFour = demo.server.source
      .since(head - 4)
      // The ticker publishes { tick: n }; the page words it in its language.
      .messages.map((m) => ({ seq: m.seq, text: `tick ${(m.payload as { tick: number }).tick}` }))
      .reverse();
    for (const message of lastFour) expect(message.text).toMatch(/^tick \d+$/);
    expect(demo.server.source.since(head - 1).messages[0].payload).toEqual({ tick: expect.any(Number) as unknown });
    for (const lane of LANES) {
      await eventually(
        () => received(page, lane),
        (list) => list[0]?.seq === head,
        `the last tick in the ${lane} lane`,
      );
      expect(await received(page, lane)).toEqual(lastFour);
    }
    const counts = await Promise.all(LANES.map((lane) => counter(page, lane, 'messages')));
    expect(new Set(counts).size).toBe(1);
    // Short polling asked more often than there was news: some answers said "nothing new".
    expect(await counter(page, 'short-polling', 'empty')).toBeGreaterThan(0);
  });

  it('reset starts every lane again from zero, the WebSocket lane with a new handshake', async () => {
    const { page } = await teacherPage();
    const firstKey = await page.textContent('[data-hs="key"]');
    await publishAsTeacher('before the reset');
    await eventually(
      () => counter(page, 'websocket', 'messages'),
      (n) => n === 1,
      'the message',
    );
    await page.click('#reset');
    await eventually(
      () => page.textContent('[data-hs="key"]'),
      (key) => key !== '' && key !== firstKey,
      'a new handshake',
    );
    for (const lane of LANES) {
      await eventually(
        () => counter(page, lane, 'requests'),
        (n) => n >= 1,
        `the ${lane} lane to start again`,
      );
      expect(await counter(page, lane, 'messages')).toBe(0);
      expect(await received(page, lane)).toEqual([]);
    }
    expect(await counter(page, 'websocket', 'requests')).toBe(1);
    const handshakeBytes = Buffer.byteLength(`${(await handshakeLines(page, 'response')).join('\r\n')}\r\n\r\n`);
    await eventually(
      () => counter(page, 'websocket', 'bytesDown'),
      (b) => b === handshakeBytes,
      'the new lane’s bytes, from zero',
    );
  });

  it('switches between English and Chinese', async () => {
    const { page } = await teacherPage();
    await page.click('#lang-switch');
    expect(await page.textContent('[data-lane="short-polling"] .lane-title')).toBe('短轮询');
    expect(await page.textContent('[data-lane="short-polling"] .counter-requests dt')).toBe('请求数');
    expect(await page.textContent('h1')).toBe('服务器能主动说话吗？');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.click('#lang-switch');
    expect(await page.textContent('[data-lane="short-polling"] .lane-title')).toBe('Short polling');
  });
});
