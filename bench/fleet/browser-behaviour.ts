import type http from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { startPushServer, type PushServer } from '../../servers/app.js';
import { ROUTES } from '../../servers/contract/wire.js';
import type { FleetClientConfig, FleetClientRecord } from '../../clients/browser/fleet-protocol.js';
import { callPage, FLEET_PAGE_PATH, launchChromium, type ChromiumLaunch } from './chromium.js';
import { mountFleetPage } from './fleet-page.js';

/**
 * What a real browser does that a simulated client need not, measured in Debian's Chromium against our server:
 * six connections per host over HTTP/1.1 shared by every tab of one browser, and EventSource's own reconnect with
 * Last-Event-ID. Each function starts its own server and browser and stops both.
 */

const WAIT_MS = 15_000;

async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`browser behaviour: no sign of ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withServerAndBrowser<T>(
  strategies: string[],
  launch: ChromiumLaunch,
  body: (server: PushServer, browser: Browser) => Promise<T>,
  oneWayDelayMs = 0,
): Promise<T> {
  // The demo's network delay (servers/wire/network-delay.ts): on each request on its way in and every byte back.
  const hooks = oneWayDelayMs > 0 ? { networkDelayMs: () => oneWayDelayMs } : undefined;
  const server = await startPushServer({ strategies, host: '127.0.0.1', port: 0, ...(hooks && { hooks }) });
  let browser: Browser | undefined;
  try {
    await mountFleetPage(server.extraRoutes);
    browser = await launchChromium(launch);
    return await body(server, browser);
  } finally {
    await browser?.close();
    await server.close();
  }
}

function config(server: PushServer, strategy: string): FleetClientConfig {
  return { strategy, since: server.source.head, pollIntervalMs: 60_000, longPollTimeoutMs: server.limits.longPollTimeoutMs, firstRequestDelayMs: 0 };
}

/** One tab's deliveries: its messages' latencies, ms, in seq order. */
export interface TabDelays {
  tab: number;
  delivered: number;
  delaysMs: number[];
}

export interface SixPerHost {
  strategy: string;
  /** One-way network delay on the strategy's requests and answers, ms: a round trip is twice it. */
  oneWayDelayMs: number;
  /** Whether each tab asked on a URL of its own (a user id each) or all on the same URL. */
  distinctUrls: boolean;
  tabs: TabDelays[];
  /** Requests of the strategy the server held when every tab had started, before any message. */
  heldBeforeMessages: number;
  messages: number;
}

/**
 * One browser context (one user's browser) with `tabs` tabs of the same site, each running the strategy's browser
 * client; then `messages` messages, one every `gapMs`. Chromium opens at most six connections per host over
 * HTTP/1.1: the seventh tab's long poll waits in the browser for one of them to come free, and an event stream
 * never frees its connection. With `distinctUrls` each tab names a user of its own; without, every tab asks on the
 * same URL, and Chromium's HTTP cache lets only one request for a URL out at a time (its cache lock), whatever
 * the answer's Cache-Control turns out to be.
 */
export function sixPerHost(
  strategy: 'long-polling' | 'sse',
  {
    tabs = 8,
    messages = 10,
    gapMs = 500,
    distinctUrls = true,
    oneWayDelayMs = 50,
    launch = {},
  }: { tabs?: number; messages?: number; gapMs?: number; distinctUrls?: boolean; oneWayDelayMs?: number; launch?: ChromiumLaunch } = {},
): Promise<SixPerHost> {
  return withServerAndBrowser(
    [strategy],
    launch,
    async (server, browser) => {
      const context = await browser.newContext();
      const pages: Page[] = [];
      for (let i = 0; i < tabs; i++) {
        const page = await context.newPage();
        await page.goto(new URL(FLEET_PAGE_PATH, server.url).toString());
        pages.push(page);
      }
      for (const [i, page] of pages.entries()) {
        await callPage(page, 'start', { ...config(server, strategy), ...(distinctUrls && { userId: `tab${i + 1}` }) });
      }
      // Give every tab time to send what it can: what reaches the server is what the browser let out.
      const attached = () => server.stats().strategies[strategy]?.attached ?? 0;
      await waitFor(() => (attached() >= 1 ? true : undefined), 'a held request');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const heldBeforeMessages = attached();
      for (let i = 0; i < messages; i++) {
        server.source.publish({ n: i });
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000 + 4 * oneWayDelayMs));
      const records = await Promise.all(pages.map((page) => callPage<FleetClientRecord>(page, 'record')));
      await context.close();
      return {
        strategy,
        oneWayDelayMs,
        distinctUrls,
        heldBeforeMessages,
        messages,
        tabs: records.map((record, i) => ({
          tab: i + 1,
          delivered: record.deliveries.length,
          delaysMs: record.deliveries.map(([, publishedAtMs, receivedAtMs]) => Math.round((receivedAtMs - publishedAtMs) * 10) / 10),
        })),
      };
    },
    oneWayDelayMs,
  );
}

export interface EventSourceReconnect {
  /** The Last-Event-ID the browser sent on its own when it reconnected. */
  lastEventId: string | undefined;
  /** From the server cutting the stream to the browser's new request arriving, ms. */
  reconnectAfterMs: number;
  /** Seqs the page received, in order: those before the cut, then those published while it was away. */
  received: number[];
  published: number[];
}

/**
 * EventSource's automatic reconnect: the server cuts a stream that has carried two messages, two more are published
 * while it is down, and the browser comes back by itself with Last-Event-ID, from which the server resumes.
 */
export function eventSourceReconnect(launch: ChromiumLaunch = {}): Promise<EventSourceReconnect> {
  return withServerAndBrowser(['sse'], launch, async (server, browser) => {
    const streams: { req: http.IncomingMessage; at: number }[] = [];
    server.httpServer.prependListener('request', (req: http.IncomingMessage) => {
      if (req.url?.startsWith(ROUTES.sse)) streams.push({ req, at: performance.now() });
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(new URL(FLEET_PAGE_PATH, server.url).toString());
    await callPage(page, 'start', config(server, 'sse'));
    await waitFor(() => (server.stats().strategies.sse?.attached ? true : undefined), 'the event stream');
    const published = [server.source.publish('a').seq, server.source.publish('b').seq];
    await waitFor(async () => ((await callPage<{ highestSeq: number }>(page, 'state')).highestSeq >= published[1] ? true : undefined), 'two events');
    const cutAt = performance.now();
    streams[0].req.socket.destroy();
    await waitFor(() => (server.stats().strategies.sse?.attached ? undefined : true), 'the cut');
    published.push(server.source.publish('c').seq, server.source.publish('d').seq);
    const again = await waitFor(() => streams[1], 'the reconnect');
    await waitFor(
      async () => ((await callPage<{ highestSeq: number }>(page, 'state')).highestSeq >= published[3] ? true : undefined),
      'the events after',
    );
    const record = await callPage<FleetClientRecord>(page, 'record');
    await context.close();
    return {
      lastEventId: again.req.headers['last-event-id'] as string | undefined,
      reconnectAfterMs: Math.round(again.at - cutAt),
      received: record.deliveries.map(([seq]) => seq),
      published,
    };
  });
}
