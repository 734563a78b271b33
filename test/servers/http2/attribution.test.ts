import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedClientClass } from '../../../clients/client.js';
import { LongPollingClient } from '../../../clients/long-polling.js';
import { ShortPollingClient } from '../../../clients/short-polling.js';
import { ServerSentEventsClient } from '../../../clients/sse.js';
import { PushServer } from '../../../servers/app.js';
import { waitFor } from '../../helpers.js';
import { FRAME, frames, h2request, representations, Tap } from './helpers.js';

let server: PushServer | undefined;
let tap: Tap | undefined;

afterEach(async () => {
  tap?.close();
  tap = undefined;
  await server?.close();
  server = undefined;
});

async function start(strategies: string[]): Promise<PushServer> {
  server = new PushServer({ strategies, limits: { longPollTimeoutMs: 5_000 } });
  await server.listen(0, '127.0.0.1');
  return server;
}

async function closeSession(session: http2.ClientHttp2Session): Promise<void> {
  await new Promise<void>((resolve) => session.close(() => resolve()));
}

/** A session cookie as servers mint them (base64url), 1,024 bytes like the bench's --cookie-bytes 1024. */
const COOKIE = `sid=${Buffer.from(Array.from({ length: 765 }, (_, i) => (i * 7919) % 256)).toString('base64url')}`.slice(0, 1024);

describe('an HTTP/2 exchange, byte for byte', () => {
  it('HPACK sends the cookie and the authority whole once, then as one-byte indexes: the second request is shorter by exactly that', async () => {
    const push = await start(['short-polling']);
    tap = await Tap.to(push.url);
    const session = http2.connect(tap.url);
    const first = await h2request(session, '/api/poll?since=0', { cookie: COOKIE });
    const second = await h2request(session, '/api/poll?since=0', { cookie: COOKIE });
    await closeSession(session);
    await waitFor(() => push.stats().strategies['short-polling'].connections.open === 0, 'the session to close');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(COOKIE.length).toBe(1024);

    // The client's bytes: the 24-byte preface, then whole frames and nothing else.
    expect(tap.upBytes.subarray(0, 24).toString('latin1')).toBe('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const headers = frames(tap.upBytes, 24).filter((frame) => frame.type === FRAME.HEADERS);
    expect(headers.map((frame) => frame.stream)).toEqual([1, 3]);
    const [one, two] = headers.map((frame) => representations(frame.payload)) as [
      ReturnType<typeof representations>,
      ReturnType<typeof representations>,
    ];

    // First request: :path literal, not indexed (nghttp2 never indexes a path); :method GET and :scheme http
    // from the static table; :authority (static name 1) and cookie (static name 32) as literals added to the table.
    expect(one.map((r) => [r.kind, r.index])).toEqual([
      ['without-indexing', 4],
      ['indexed', 2],
      ['incremental', 1],
      ['indexed', 6],
      ['incremental', 32],
    ]);
    // Second: the same path literal, and the two table entries by index: 62 the newest (the cookie), 63 the authority.
    expect(two.map((r) => [r.kind, r.index, r.bytes])).toEqual([
      ['without-indexing', 4, one[0].bytes],
      ['indexed', 2, 1],
      ['indexed', 63, 1],
      ['indexed', 6, 1],
      ['indexed', 62, 1],
    ]);
    const authority = one[2].bytes;
    const cookie = one[4].bytes;
    // The cookie went Huffman-coded (shorter than its 1,024 bytes) behind a 1-byte name and a 2-byte length.
    expect(cookie).toBeLessThan(1 + 2 + 1024);
    expect(headers[0].payload.length).toBe(one[0].bytes + 1 + authority + 1 + cookie);
    expect(headers[1].payload.length).toBe(one[0].bytes + 4);
    expect(headers[0].payload.length - headers[1].payload.length).toBe(authority - 1 + (cookie - 1));

    // Every byte the wire carried, both ways, is credited to the strategy, counted at the server's socket.
    expect(push.ledger.totalsFor('short-polling')).toEqual({ clientToServer: tap.upBytes.length, serverToClient: tap.downBytes.length });
    expect(push.ledger.totalsFor('control')).toEqual({ clientToServer: 0, serverToClient: 0 });
  });
});

describe('client-side counting matches the server side over HTTP/2', () => {
  it.each([
    ['short-polling', ShortPollingClient],
    ['long-polling', LongPollingClient],
    ['sse', ServerSentEventsClient],
  ] as [string, SimulatedClientClass][])('%s: one session, its bytes at the client socket equal those at the server socket', async (name, Client) => {
    const push = await start([name]);
    for (let i = 0; i < 5; i++) push.source.publish(`m${i}`);
    const client = new Client({ baseUrl: push.url, pollIntervalMs: 60_000, longPollTimeoutMs: 5_000, httpVersion: '2', headers: { cookie: COOKIE } });
    let received = 0;
    client.on('message', () => received++);
    client.start();
    await waitFor(() => received === 5, 'five messages');
    // A long poll or an event stream is held now: the client hangs up on it, as at the end of a bench run.
    await waitFor(() => push.stats().strategies[name].requests >= (name === 'short-polling' ? 1 : 2) || name === 'sse', 'the next request held');
    await client.stop();
    await waitFor(() => push.stats().strategies[name].connections.open === 0, 'the session to close');
    expect(push.http2.sessionsOpened).toBe(1);
    expect(client.connectionsOpened).toBe(1);
    expect(client.bytes).toEqual(push.ledger.totalsFor(name));
    expect(push.ledger.totalsFor('control')).toEqual({ clientToServer: 0, serverToClient: 0 });
  });
});

describe('streams of several owners on one session', () => {
  it('credits every byte of the session to someone: the owners add up to the wire, each owner got its stream', async () => {
    const push = await start(['long-polling', 'short-polling']);
    tap = await Tap.to(push.url);
    const session = http2.connect(tap.url);
    // A long poll held on stream 1 while a short poll and a stats call come and go on streams 3 and 5.
    const held = h2request(session, '/api/long-poll?since=0&timeout=3000');
    await waitFor(() => push.stats().strategies['long-polling'].attached === 1, 'the held poll');
    const poll = await h2request(session, '/api/poll?since=0');
    const stats = await h2request(session, '/api/stats');
    push.source.publish('news');
    const answer = await held;
    await closeSession(session);
    await waitFor(() => push.stats().strategies['long-polling'].connections.open === 0, 'the session to close');
    expect([poll.status, stats.status, answer.status]).toEqual([200, 200, 200]);
    expect(JSON.parse(answer.body)).toMatchObject({ messages: [{ seq: 1, payload: 'news' }], cursor: 1 });

    const totals = push.ledger.totals();
    const sum = (direction: 'clientToServer' | 'serverToClient') => Object.values(totals).reduce((total, counts) => total + counts[direction], 0);
    expect(sum('clientToServer')).toBe(tap.upBytes.length);
    expect(sum('serverToClient')).toBe(tap.downBytes.length);
    for (const owner of ['long-polling', 'short-polling', 'control']) expect(totals[owner]?.serverToClient ?? 0).toBeGreaterThan(0);
    // One connection, counted as each owner's while it served it.
    expect(push.stats().strategies['long-polling'].connections.opened).toBe(1);
    expect(push.stats().strategies['short-polling'].connections.opened).toBe(1);
  });
});
