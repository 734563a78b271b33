import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../clients/client.js';
import { http2Headers, loadHeaderProfile, PLACEHOLDERS, PROFILED_REQUESTS, profiledHeaders, type HeaderLine } from '../../clients/header-profile.js';
import { identityHeaders } from '../../bench/fleet/identity.js';
import { findStrategy } from '../../bench/plan/strategies.js';
import { startPushServer, type PushServer } from '../../servers/app.js';
import { CaptureRelay, waitFor } from '../helpers.js';

const chromium = loadHeaderProfile('chromium');
const ORIGIN = 'http://127.0.0.1:8080';

describe('the stored Chromium profile', () => {
  it('holds every profiled request, names its browser version, and a Referer of the page it was made from', () => {
    expect(Object.keys(chromium.requests).sort()).toEqual([...PROFILED_REQUESTS].sort());
    expect(chromium.version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const kind of PROFILED_REQUESTS) {
      const names = chromium.requests[kind].map(([name]) => name.toLowerCase());
      expect(names[0], kind).toBe('host');
      expect(names, kind).toContain('user-agent');
      expect(names, kind).toContain('cookie');
      expect(new Set(names).size, kind).toBe(names.length);
    }
    const referer = chromium.requests.poll.find(([name]) => name === 'Referer');
    expect(referer?.[1]).toBe(`${PLACEHOLDERS.origin}${chromium.page}`);
    expect(chromium.requests['event-stream-reconnect'].map(([name]) => name)).toContain('Last-Event-ID');
    expect(chromium.requests['event-stream'].map(([name]) => name)).not.toContain('Last-Event-ID');
  });
});

describe('profiledHeaders', () => {
  it('over HTTP/2 sends the browser’s own h2 fields where the profile has them, and derives the others', () => {
    const cookie = identityHeaders(40, 3, 1);
    const poll = profiledHeaders(chromium, 'poll', { origin: 'https://127.0.0.1:8443', identity: cookie }, '2');
    expect(poll.map(([name]) => name)).toEqual(chromium.http2Requests!.poll!.map(([name]) => name));
    expect(poll.at(-1)).toEqual(['priority', 'u=1, i']);
    expect(poll.find(([name]) => name === 'cookie')?.[1]).toBe(cookie.Cookie);
    expect(poll.find(([name]) => name === 'referer')?.[1]).toBe(`https://127.0.0.1:8443${chromium.page}`);
    // The WebSocket upgrade stays HTTP/1.1 and has no h2 capture: over HTTP/2 it would be its HTTP/1.1 lines, adapted.
    expect(chromium.http2Requests!.websocket).toBeUndefined();
    const upgrade = profiledHeaders(chromium, 'websocket', { origin: ORIGIN, identity: cookie }, '2');
    expect(upgrade).toEqual(http2Headers(profiledHeaders(chromium, 'websocket', { origin: ORIGIN, identity: cookie })));
  });

  it('puts the run’s host and origin in place, the cookie where the browser puts it, and leaves it out without one', () => {
    const cookie = identityHeaders(40, 3, 1);
    const withCookie = profiledHeaders(chromium, 'poll', { origin: ORIGIN, identity: cookie });
    const without = profiledHeaders(chromium, 'poll', { origin: ORIGIN });
    const cookieAt = chromium.requests.poll.findIndex(([, value]) => value === PLACEHOLDERS.cookie);
    expect(withCookie[cookieAt]).toEqual(['Cookie', cookie.Cookie]);
    expect(without).toEqual(withCookie.filter(([name]) => name !== 'Cookie'));
    expect(withCookie[0]).toEqual(['Host', '127.0.0.1:8080']);
    expect(withCookie.find(([name]) => name === 'Referer')?.[1]).toBe(`${ORIGIN}${chromium.page}`);
    expect(withCookie.flat().join('')).not.toContain('{');
  });

  it('sends Last-Event-ID only on a reconnect, and any other identity header after the browser’s', () => {
    const lines = profiledHeaders(chromium, 'event-stream-reconnect', { origin: ORIGIN, lastEventId: '42', identity: { 'x-extra': '1' } });
    expect(lines).toContainEqual(['Last-Event-ID', '42']);
    expect(lines.at(-1)).toEqual(['x-extra', '1']);
  });

  it('leaves the connection-specific lines out of an HTTP/2 request, names in lower case', () => {
    const lines = http2Headers(profiledHeaders(chromium, 'poll', { origin: ORIGIN }));
    expect(lines.map(([name]) => name)).not.toContain('host');
    expect(lines.map(([name]) => name)).not.toContain('connection');
    expect(lines.every(([name]) => name === name.toLowerCase())).toBe(true);
  });
});

let server: PushServer;
beforeAll(async () => {
  server = await startPushServer({ strategies: ['short-polling', 'long-polling', 'websocket', 'sse'], port: 0 });
});
afterAll(async () => {
  await server.close();
});

/** The request head a client should write: its request line, then the profile's lines in order. */
function head(requestLine: string, lines: readonly HeaderLine[]): string {
  return `${requestLine}\r\n${lines.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`;
}

/** The first request a simulated client of `strategy` sends under the Chromium profile, as it crossed the wire. */
async function firstRequest(strategy: string, headers: Record<string, string>): Promise<{ sent: string; baseUrl: string; since: number }> {
  const relay = new CaptureRelay(Number(new URL(server.url).port));
  const baseUrl = await relay.listen();
  const since = server.source.head;
  const client: SimulatedClient = new (findStrategy(strategy)!.client)({
    baseUrl,
    since,
    pollIntervalMs: 60_000,
    longPollTimeoutMs: 1_000,
    headers,
    headerProfile: chromium,
  });
  client.on('error', () => {});
  client.start();
  try {
    await waitFor(() => relay.text().includes('\r\n\r\n'), `${strategy}'s first request`);
    const text = relay.text();
    return { sent: text.slice(0, text.indexOf('\r\n\r\n') + 4), baseUrl, since };
  } finally {
    await client.stop();
    await relay.close();
  }
}

describe('simulated clients under the Chromium profile, on the wire', () => {
  const cookie = identityHeaders(64, 0, 7);

  it.each([
    ['short-polling', 'poll', '/api/poll', ''],
    ['long-polling', 'long-poll', '/api/long-poll', '&timeout=1000'],
  ] as const)(
    '%s writes the browser’s fetch line for line (undici writes Host and Connection in lower case)',
    async (strategy, kind, path, extra) => {
      const { sent, baseUrl, since } = await firstRequest(strategy, cookie);
      const lines = profiledHeaders(chromium, kind, { origin: baseUrl, identity: cookie }).map(([name, value]): HeaderLine => {
        const lower = name.toLowerCase();
        return lower === 'host' || lower === 'connection' ? [lower, value] : [name, value];
      });
      expect(sent).toBe(head(`GET ${path}?since=${since}${extra} HTTP/1.1`, lines));
    },
  );

  it('sse writes EventSource’s request line for line', async () => {
    const { sent, baseUrl, since } = await firstRequest('sse', cookie);
    // A first stream from a cursor above 0 resumes, as a reconnect does: the browser's reconnect request.
    const kind = since > 0 ? 'event-stream-reconnect' : 'event-stream';
    const lines = profiledHeaders(chromium, kind, { origin: baseUrl, identity: cookie, ...(since > 0 && { lastEventId: String(since) }) }).map(
      ([name, value]): HeaderLine => (['host', 'connection'].includes(name.toLowerCase()) ? [name.toLowerCase(), value] : [name, value]),
    );
    expect(sent).toBe(head(`GET /api/events?since=${since} HTTP/1.1`, lines));
  });

  it('websocket writes the browser’s upgrade in the browser’s case and order, with its own key and the deflate offer', async () => {
    const { sent, baseUrl, since } = await firstRequest('websocket', cookie);
    const key = /\r\nSec-WebSocket-Key: ([A-Za-z0-9+/=]{24})\r\n/.exec(sent)?.[1];
    expect(key).toBeDefined();
    const lines = profiledHeaders(chromium, 'websocket', { origin: baseUrl, identity: cookie }).map(([name, value]): HeaderLine => [
      name,
      value === PLACEHOLDERS.websocketKey ? key! : value,
    ]);
    expect(sent).toBe(head(`GET /ws?since=${since} HTTP/1.1`, lines));
    expect(sent).toContain('\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n');
  });
});
