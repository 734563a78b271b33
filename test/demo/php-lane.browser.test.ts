import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../servers/demo/demo-server.js';
import { phpStackMissing } from '../servers/stack/php-stack-host.js';
import { counter, eventually, launchChromium, NO_CHROMIUM, openWatched, screenshot, type WatchedPage } from './browser.js';

/**
 * The demo's PHP lane in a real browser, on the real stack: the pool's seats fill with the lanes' waiting polls, and
 * with more waiting polls than seats, the teacher's push (a PHP request) and "load a page" wait in the queue until a
 * message frees the seats; the teacher resizes the pool from the page. Judged on what the page shows and in what
 * order, never on a clock.
 */
const TOKEN = 'teacher-token-for-php-browser-tests';
const LANE = '[data-lane="php-long-polling"]';

describe.skipIf(NO_CHROMIUM || phpStackMissing('the demo’s PHP lane in a browser'))('the demo’s PHP lane in a browser', () => {
  let demo: Demo;
  let browser: Browser;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    // Two seats, no ticker: only the test's messages free a seat.
    demo = await startDemo({ php: true, token: TOKEN, settings: { tickerRate: 0, phpWorkers: 2 } });
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const { context } of opened.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function open(url: string): Promise<Page> {
    const watched = await openWatched(browser, url);
    opened.push(watched);
    return watched.page;
  }

  const seats = (page: Page, attribute: 'seats' | 'busy') => page.getAttribute(`${LANE} .seats`, `data-${attribute}`);
  const queued = (page: Page) => page.getAttribute(`${LANE} .pool-queue`, 'data-queued');
  const pageLoad = (page: Page) => page.getAttribute(`${LANE} .page-result`, 'data-page');
  const push = (page: Page) => page.getAttribute('#push-result', 'data-outcome');

  it('fills the seats with waiting polls; a push and a page wait for a free seat and get one once a message frees it', async () => {
    const teacher = await open(demo.teacherUrl);
    await eventually(
      () => seats(teacher, 'seats'),
      (n) => n === '2',
      'two seats',
    );
    await eventually(
      () => seats(teacher, 'busy'),
      (n) => n === '1',
      'the teacher’s own poll in a seat',
    );

    // One student more than the seats left: a student joins the PHP lane.
    const student = await open(`${demo.url}/?as=student`);
    await student.fill('#join-name', 'ada');
    await student.click('[data-join-lane="php-long-polling"]');
    await eventually(
      () => seats(teacher, 'busy'),
      (n) => n === '2',
      'both seats taken',
    );
    const uses = await teacher.$$eval(`${LANE} .seat.busy`, (items) => items.map((item) => item.getAttribute('data-use')));
    expect(uses).toEqual(['long-poll', 'long-poll']);
    const users = await teacher.$$eval(`${LANE} .seat.busy .seat-user`, (items) => items.map((item) => item.textContent));
    expect(users.sort()).toEqual(['Teacher', 'ada']);
    // A student's page sees the seats taken, not whose poll takes them.
    await eventually(
      () => seats(student, 'busy'),
      (n) => n === '2',
      'the student’s page sees the seats taken',
    );
    expect(await student.$$eval(`${LANE} .seat-user`, (items) => items.length)).toBe(0);
    expect(await student.$$eval(`${LANE} .seat.busy .seat-use`, (items) => items.map((item) => item.textContent))).toEqual([
      'long poll',
      'long poll',
    ]);

    await teacher.click(`${LANE} .page-load`);
    await teacher.click('#push-form button[type="submit"]');
    await eventually(
      () => queued(teacher),
      (n) => n === '2',
      'the page and the push queued',
    );
    expect(await pageLoad(teacher)).toBe('waiting');
    expect(await push(teacher)).toBe('waiting');
    expect(await teacher.textContent(`${LANE} .pool-queue`)).toContain('queued: 2');
    await screenshot(teacher, 'demo-php-lane-queued');
    const messagesBefore = await counter(teacher, 'php-long-polling', 'messages');

    // A message from elsewhere (straight into the log) answers both held polls: the queue gets the seats, in order.
    await demo.server.source.publish('frees the seats');
    await eventually(
      () => pageLoad(teacher),
      (state) => state === 'loaded',
      'the page loaded',
    );
    await eventually(
      () => push(teacher),
      (state) => state === 'sent',
      'the push sent',
    );
    // The lanes deliver both: the message that freed the seats and the teacher's push.
    await eventually(
      () => counter(teacher, 'php-long-polling', 'messages'),
      (n) => n === messagesBefore + 2,
      'both messages in the PHP lane',
    );
    await eventually(
      () => counter(teacher, 'websocket', 'messages'),
      (n) => n >= 2,
      'both messages in the WebSocket lane',
    );
    await eventually(
      () => counter(student, 'php-long-polling', 'messages'),
      (n) => n === 2,
      'both messages in the student’s lane',
    );
  });

  it('lets the teacher resize the pool live: more seats than waiting polls, and a page no longer waits', async () => {
    const teacher = await open(demo.teacherUrl);
    // The student of the test before has closed the page, but PHP does not know: its worker waits out the poll
    // (XREAD BLOCK until its timeout), as a PHP site's would.
    await eventually(
      () => seats(teacher, 'busy'),
      (n) => n === '1' || n === '2',
      'the teacher’s poll in a seat',
    );
    // The slider's steps are the choices 1, 2, 3, 5, 10, 20: step 3 is five workers.
    await teacher.$eval('#php-workers', (input: HTMLInputElement) => {
      input.value = '3';
      input.dispatchEvent(new Event('change'));
    });
    await eventually(
      () => seats(teacher, 'seats'),
      (n) => n === '5',
      'five seats',
    );
    expect(await teacher.textContent('#php-workers-value')).toBe('5');
    expect(demo.settings.get().phpWorkers).toBe(5);
    // The reload cut the polls that held a seat (nginx's 502): the teacher's lane asked again from its cursor.
    await eventually(
      () => seats(teacher, 'busy'),
      (n) => n === '1',
      'the poll back in a seat',
    );
    await teacher.click(`${LANE} .page-load`);
    await eventually(
      () => pageLoad(teacher),
      (state) => state === 'loaded',
      'the page loaded with seats free',
    );
    expect(await queued(teacher)).toBe('0');
  });
});
