import type http from 'node:http';
import type { Page } from 'playwright-core';
import { startPushServer, type PushServer } from '../../servers/app.js';
import { ROUTES } from '../../servers/contract/wire.js';
import type { FleetClientConfig, FleetClientState } from '../../clients/browser/fleet-protocol.js';
import { PLACEHOLDERS, type HeaderLine, type HeaderProfile, type ProfiledRequest } from '../../clients/header-profile.js';
import { callPage, chromiumVersion, launchChromium, openClientPage, FLEET_PAGE_PATH, type ChromiumLaunch } from './chromium.js';
import { mountFleetPage } from './fleet-page.js';

/** The cookie the capture's browser holds: its value marks where the browser puts a cookie among the headers. */
export const CAPTURE_COOKIE = 'sid=pushbench-capture-cookie';
/** How long one request may take to reach the server; EventSource's reconnect waits its own retry (3 s) first. */
const REQUEST_WAIT_MS = 15_000;

/** A request as the server received it: its target and its header lines, raw, in order (node's rawHeaders). */
export interface ReceivedRequest {
  target: string;
  lines: HeaderLine[];
}

/** What one capture saw: the browser's version and each request's raw headers, placeholders not yet put in. */
export interface Capture {
  version: string;
  origin: string;
  requests: Record<ProfiledRequest, ReceivedRequest>;
}

/** Which browser client makes each profiled request, and on which route the server receives it. */
const CAPTURED: readonly { kind: Exclude<ProfiledRequest, 'event-stream-reconnect'>; strategy: string; route: string }[] = [
  { kind: 'poll', strategy: 'short-polling', route: ROUTES.poll },
  { kind: 'long-poll', strategy: 'long-polling', route: ROUTES.longPoll },
  { kind: 'event-stream', strategy: 'sse', route: ROUTES.sse },
  { kind: 'websocket', strategy: 'websocket', route: ROUTES.ws },
];

/**
 * Starts our server and a real Chromium, runs each strategy's browser client once from the browser fleet's page
 * (in a context of its own, holding a cookie), and records the request headers the server received: the fetch of a
 * poll and of a long poll, EventSource's request, its automatic reconnect after the server cut the stream (with
 * Last-Event-ID), and the WebSocket upgrade.
 */
export async function captureBrowserHeaders(launch: ChromiumLaunch = {}): Promise<Capture> {
  const server = await startPushServer({ strategies: CAPTURED.map((c) => c.strategy), host: '127.0.0.1', port: 0 });
  const received: (ReceivedRequest & { req: http.IncomingMessage })[] = [];
  const record = (req: http.IncomingMessage) => {
    const lines: HeaderLine[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    received.push({ target: req.url ?? '', lines, req });
  };
  server.httpServer.prependListener('request', record);
  server.httpServer.prependListener('upgrade', record);
  const browser = await launchChromium(launch);
  try {
    await mountFleetPage(server.extraRoutes);
    const origin = new URL(server.url).origin;
    const requests = {} as Record<ProfiledRequest, ReceivedRequest>;
    const arrived = (route: string, after: number) =>
      waitFor(() => received.slice(after).find((r) => new URL(r.target, origin).pathname === route), `a request to ${route}`);
    for (const { kind, strategy, route } of CAPTURED) {
      const { context, page } = await openClientPage(browser, origin, CAPTURE_COOKIE);
      try {
        const before = received.length;
        await startClient(page, strategy, server);
        const first = await arrived(route, before);
        requests[kind] = first;
        if (kind === 'event-stream') {
          // A message gives the stream an id; cutting the connection then makes EventSource reconnect with it.
          server.source.publish('capture');
          await waitFor(async () => ((await pageState(page)).highestSeq > 0 ? true : undefined), 'the event');
          const afterCut = received.length;
          first.req.socket.destroy();
          requests['event-stream-reconnect'] = await arrived(route, afterCut);
        }
        await callPage(page, 'stop');
      } finally {
        await context.close();
      }
    }
    return { version: chromiumVersion(browser), origin, requests };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function startClient(page: Page, strategy: string, server: PushServer): Promise<void> {
  const config: FleetClientConfig = {
    strategy,
    since: server.source.head,
    pollIntervalMs: 60_000,
    longPollTimeoutMs: server.limits.longPollTimeoutMs,
    firstRequestDelayMs: 0,
  };
  await callPage(page, 'start', config);
}

function pageState(page: Page) {
  return callPage<FleetClientState>(page, 'state');
}

async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + REQUEST_WAIT_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`header capture: no sign of ${what} within ${REQUEST_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A capture as a stored profile: the values that depend on the run (the server's host and origin, the cookie, the
 * event id, the WebSocket key) become placeholders; everything else is kept as the browser sent it. With the capture
 * over h2 (`http2`, bench/fleet/http2-capture.ts), its requests' regular fields are stored beside, the same way.
 */
export function profileOf(capture: Capture, http2?: { origin: string; requests: Partial<Record<ProfiledRequest, HeaderLine[]>> }): HeaderProfile {
  const requests = {} as Record<ProfiledRequest, HeaderLine[]>;
  for (const [kind, request] of Object.entries(capture.requests) as [ProfiledRequest, ReceivedRequest][]) {
    requests[kind] = withPlaceholders(request.lines, capture.origin);
  }
  const profile: HeaderProfile = {
    browser: 'Chromium',
    version: capture.version,
    capturedWith: 'npm run capture-headers',
    page: FLEET_PAGE_PATH,
    requests,
  };
  if (http2) {
    profile.http2Requests = {};
    for (const [kind, lines] of Object.entries(http2.requests) as [ProfiledRequest, HeaderLine[]][]) {
      profile.http2Requests[kind] = withPlaceholders(
        lines.filter(([name]) => !name.startsWith(':')),
        http2.origin,
      );
    }
  }
  return profile;
}

/** A request's lines with the run's values (host, origin, the capture's cookie, event id, WebSocket key) as placeholders. */
function withPlaceholders(lines: readonly HeaderLine[], origin: string): HeaderLine[] {
  const { host } = new URL(origin);
  return lines.map(([name, value]): HeaderLine => {
    const lower = name.toLowerCase();
    if (lower === 'host') return [name, value.replace(host, PLACEHOLDERS.host)];
    if (lower === 'cookie') return [name, value === CAPTURE_COOKIE ? PLACEHOLDERS.cookie : value];
    if (lower === 'last-event-id') return [name, PLACEHOLDERS.lastEventId];
    if (lower === 'sec-websocket-key') return [name, PLACEHOLDERS.websocketKey];
    return [name, value.replaceAll(origin, PLACEHOLDERS.origin)];
  });
}

/**
 * A profile with the browser's version taken out of its values (the User-Agent's and the client hints' version
 * numbers): two profiles that differ only in it are the same profile of two releases.
 */
export function withoutVersion(profile: HeaderProfile): Omit<HeaderProfile, 'version'> {
  const major = profile.version.split('.')[0];
  const unversioned = (lines: HeaderLine[]) =>
    lines.map(([name, value]): HeaderLine => {
      const lower = name.toLowerCase();
      if (lower === 'user-agent') return [name, value.replace(/(Chrome\/)[\d.]+/, '$1{version}')];
      if (lower.startsWith('sec-ch-ua')) return [name, value.replaceAll(`v="${major}"`, 'v="{major}"')];
      return [name, value];
    });
  const each = <T extends Partial<Record<ProfiledRequest, HeaderLine[]>>>(requests: T): T =>
    Object.fromEntries(Object.entries(requests).map(([kind, lines]) => [kind, unversioned(lines)])) as T;
  const { version: _version, ...rest } = profile;
  return { ...rest, requests: each(profile.requests), ...(profile.http2Requests && { http2Requests: each(profile.http2Requests) }) };
}
