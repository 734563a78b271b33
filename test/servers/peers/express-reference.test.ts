import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExpressLongPollingClient, ExpressShortPollingClient } from '../../../clients/express-polling.js';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { waitFor } from '../../helpers.js';

/**
 * The express references beyond the conformance suite (which runs against them like any strategy): the same
 * error answers, limits and answer bodies as pushbench's own polling, through express, and their bytes counted
 * at both ends alike.
 */
let server: PushServer;

afterEach(async () => {
  await server?.close();
});

async function start(strategies: string[], limits = {}): Promise<void> {
  server = new PushServer({ strategies, limits: { longPollTimeoutMs: 2_000, ...limits } });
  await server.listen(0, '127.0.0.1');
}

/** Writes raw bytes on a fresh connection and resolves with everything the server sent until it closed. */
function rawAnswer(bytes: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: hostname, port: Number(port) });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.write(bytes);
  });
}

async function get(path: string) {
  const res = await fetch(server.url + path);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('the express references', () => {
  it('answer the same bodies and headers as pushbench’s own polling: no X-Powered-By, no ETag', async () => {
    await start(['short-polling', 'long-polling', 'express-short-polling', 'express-long-polling']);
    server.source.publish({ text: 'héllo', n: [1, 2] });
    server.source.publish('for bob', 'bob');
    for (const [ours, theirs] of [
      [ROUTES.poll, ROUTES.expressPoll],
      [ROUTES.longPoll, ROUTES.expressLongPoll],
    ] as const) {
      for (const query of ['?since=0', '?since=0&user=bob', '?since=1&user=bob']) {
        const own = await get(ours + query);
        const express = await get(theirs + query);
        expect([express.status, express.text], theirs + query).toEqual([200, own.text]);
        expect(express.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(express.headers.get('content-length')).toBe(String(Buffer.byteLength(own.text)));
        expect(express.headers.get('cache-control')).toBe('no-store');
        // The same headers as our own answer (in express's order): type, length, no caching, Date, keep-alive.
        expect([...express.headers.keys()].sort()).toEqual([...own.headers.keys()].sort());
      }
    }
  });

  it('refuse bad input with the same JSON errors, counted as the reference’s failures', async () => {
    await start(['express-short-polling', 'express-long-polling']);
    const badCursor = await get(`${ROUTES.expressPoll}?since=-1`);
    expect([badCursor.status, JSON.parse(badCursor.text)]).toEqual([400, { error: 'since must be a non-negative integer cursor (e.g. ?since=0)' }]);
    const badUser = await get(`${ROUTES.expressLongPoll}?since=0&user=${'x'.repeat(65)}`);
    expect(badUser.status).toBe(400);
    const badTimeout = await get(`${ROUTES.expressLongPoll}?since=0&timeout=5`);
    expect([badTimeout.status, JSON.parse(badTimeout.text)]).toEqual([400, { error: 'timeout must be an integer from 100 to 2000' }]);
    const post = await fetch(`${server.url}${ROUTES.expressPoll}?since=0`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
    // A GET that carries a broken JSON body: the router's body parser refuses it, as an app's would, and its error
    // gets the same code as a broken body anywhere else on the server.
    const brokenBody = await rawAnswer(
      `GET ${ROUTES.expressPoll}?since=0 HTTP/1.1\r\nHost: ${new URL(server.url).host}\r\nContent-Type: application/json\r\nContent-Length: ` +
        `1\r\nConnection: close\r\n\r\n{`,
    );
    expect(brokenBody.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(brokenBody.endsWith('\r\n\r\n{"error":"body is not valid JSON"}')).toBe(true);
    const stats = server.stats().strategies;
    expect(stats['express-short-polling'].failedByStatus).toEqual({ 400: 2 });
    expect(stats['express-long-polling'].failedByStatus).toEqual({ 400: 2 });
  });

  it('hold long polls up to the same limit, then answer 503 with Retry-After', async () => {
    await start(['express-long-polling'], { maxHeldLongPolls: 1 });
    const held = fetch(`${server.url}${ROUTES.expressLongPoll}?since=0`);
    await waitFor(() => server.stats().strategies['express-long-polling'].attached === 1, 'the first poll held');
    const refused = await fetch(`${server.url}${ROUTES.expressLongPoll}?since=0`);
    expect([refused.status, refused.headers.get('retry-after'), await refused.json()]).toEqual([
      503,
      '1',
      { error: 'too many held long polls (limit 1)' },
    ]);
    server.source.publish('news');
    const answer = await held;
    expect(((await answer.json()) as { cursor: number }).cursor).toBe(1);
    expect(server.stats().strategies['express-long-polling'].attached).toBe(0);
  });

  it.each([
    ['express-short-polling', ExpressShortPollingClient],
    ['express-long-polling', ExpressLongPollingClient],
  ] as const)('%s: bytes at the client sockets equal bytes at the server sockets', async (name, Client) => {
    await start([name]);
    for (let i = 0; i < 5; i++) server.source.publish(`m${i}`);
    const client = new Client({ baseUrl: server.url, pollIntervalMs: 60_000, longPollTimeoutMs: 2_000 });
    let received = 0;
    client.on('message', () => received++);
    client.start();
    await waitFor(() => received === 5, 'five messages');
    // The long-polling client asks again at once: wait until that poll is held, then stop it there.
    if (name === 'express-long-polling') await waitFor(() => server.stats().strategies[name].attached === 1, 'the next poll held');
    await client.stop();
    await waitFor(() => server.stats().strategies[name].connections.open === 0, 'the connection to close');
    expect(client.bytes).toEqual(server.ledger.totalsFor(name));
    expect(client.bytes.serverToClient).toBeGreaterThan(0);
  });
});
