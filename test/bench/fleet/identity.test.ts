import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../../clients/client.js';
import { cookieLineBytes, identityHeaders } from '../../../bench/fleet/identity.js';
import { startPushServer, type PushServer } from '../../../servers/app.js';
import { findStrategy } from '../../../bench/plan/strategies.js';
import { CaptureRelay, waitFor } from '../../helpers.js';

const COOKIE_BYTES = 1000;

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

let server: PushServer;
beforeAll(async () => {
  server = await startPushServer({ strategies: ['short-polling', 'long-polling', 'websocket', 'sse'], port: 0 });
});
afterAll(async () => {
  await server.close();
});

interface Outcome {
  requests: number;
  clientToServer: number;
  sent: string;
}

/** Runs one client of `strategy` (with or without the cookie) until it has sent `requests` requests, then stops it. */
async function runClient(
  strategy: string,
  cookie: Record<string, string>,
  until: (client: SimulatedClient, requests: number) => boolean,
): Promise<Outcome> {
  const relay = new CaptureRelay(Number(new URL(server.url).port));
  const baseUrl = await relay.listen();
  // From the head of the log: every client of the test starts with nothing to catch up on.
  const since = server.source.head;
  const client = new (findStrategy(strategy)!.client)({ baseUrl, since, pollIntervalMs: 20, longPollTimeoutMs: 100, headers: cookie });
  let requests = 0;
  client.on('request', () => requests++);
  client.on('error', () => {});
  client.start();
  try {
    await waitFor(() => until(client, requests), `${strategy} to finish its requests`);
    await client.stop();
    // The relay has the bytes once the client's socket closed.
    await waitFor(() => client.connectionsOpened > 0 && relay.text().length === client.bytes.clientToServer, 'the relay to see every byte');
    return { requests, clientToServer: client.bytes.clientToServer, sent: relay.text() };
  } finally {
    await relay.close();
  }
}

describe('identity headers (--cookie-bytes)', () => {
  it('builds a Cookie header whose value is exactly the asked size, different for every client', () => {
    for (const size of [1, 4, 5, 100, 8192]) expect(identityHeaders(size, 0, 1).Cookie).toHaveLength(size);
    expect(identityHeaders(0, 0, 1)).toEqual({});
    expect(identityHeaders(64, 0, 1).Cookie.startsWith('sid=')).toBe(true);
    expect(identityHeaders(64, 0, 1)).toEqual(identityHeaders(64, 0, 1));
    expect(identityHeaders(64, 1, 1)).not.toEqual(identityHeaders(64, 0, 1));
    expect(cookieLineBytes(COOKIE_BYTES)).toBe(COOKIE_BYTES + 10);
    expect(cookieLineBytes(0)).toBe(0);
  });

  it.each(['short-polling', 'long-polling'])('%s sends the cookie exactly once in every request', async (strategy) => {
    const cookie = identityHeaders(COOKIE_BYTES, 0, 1);
    const done = (_: SimulatedClient, requests: number) => requests >= 5;
    const withCookie = await runClient(strategy, cookie, done);
    const without = await runClient(strategy, {}, done);

    expect(occurrences(withCookie.sent, `\r\nCookie: ${cookie.Cookie}\r\n`)).toBe(withCookie.requests);
    expect(occurrences(withCookie.sent, 'GET ')).toBe(withCookie.requests);
    expect(occurrences(without.sent, 'Cookie:')).toBe(0);
    // Every request is the same bytes apart from the cookie (same cursor, same host): exact arithmetic.
    const plainRequestBytes = without.clientToServer / without.requests;
    expect(Number.isInteger(plainRequestBytes)).toBe(true);
    expect(withCookie.clientToServer).toBe(withCookie.requests * (plainRequestBytes + COOKIE_BYTES + 10));
  });

  it.each(['websocket', 'sse'])('%s sends the cookie once, in its handshake, however many messages follow', async (strategy) => {
    const cookie = identityHeaders(COOKIE_BYTES, 0, 1);
    const messages = 20;
    // Both runs' cursors (?since=) must have as many digits, or their handshakes would differ by more than the cookie.
    while (server.source.head < 10) server.source.publish('before');
    const untilMessages = (client: SimulatedClient) => client.cursor >= server.source.head && received.get(client) === messages;
    const received = new Map<SimulatedClient, number>();
    const run = (headers: Record<string, string>) =>
      runClient(strategy, headers, (client) => {
        if (!received.has(client)) {
          received.set(client, 0);
          client.on('message', () => received.set(client, received.get(client)! + 1));
          // Publish once the client is attached, so every message travels on the open connection.
          client.once('open', () => {
            for (let i = 0; i < messages; i++) server.source.publish(`m${i}`);
          });
        }
        return untilMessages(client);
      });
    const withCookie = await run(cookie);
    const without = await run({});

    expect(withCookie.requests).toBe(1);
    expect(occurrences(withCookie.sent, `\r\nCookie: ${cookie.Cookie}\r\n`)).toBe(1);
    expect(withCookie.clientToServer - without.clientToServer).toBe(COOKIE_BYTES + 10);
  });
});
