import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer } from '../../servers/app.js';
import { DEFAULT_LIMITS } from '../../servers/constants.js';
import { SUBPROTOCOL } from '../../servers/contract/wire.js';

let server: PushServer;

beforeAll(async () => {
  server = new PushServer({ limits: { publishBodyBytes: 1_024, longPollTimeoutMs: 1_000 } });
  await server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await server.close();
});

async function get(path: string): Promise<{ status: number; body: unknown; type: string | null }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}

async function publish(body: string | Blob, contentType = 'application/json') {
  const res = await fetch(`${server.url}/api/publish`, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Raw upgrade attempt; answers the status line and body of a refusal. */
function rawUpgrade(path: string, extraHeaders = ''): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: '127.0.0.1', port: Number(port) });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
    );
  });
}

describe('the public contract: bad input gets a 4xx JSON error', () => {
  it.each(['/api/poll', '/api/long-poll'])('%s: non-numeric, negative, fractional and huge cursors are 400', async (route) => {
    for (const since of ['abc', '-1', '1.5', '1e3', '9999999999999999999', '']) {
      const res = await get(`${route}?since=${encodeURIComponent(since)}`);
      expect(res.status, `since=${since}`).toBe(400);
      expect(res.body).toEqual({ error: 'since must be a non-negative integer cursor (e.g. ?since=0)' });
      expect(res.type).toBe('application/json; charset=utf-8');
    }
  });

  it('rejects a repeated since parameter and a bad user id', async () => {
    expect((await get('/api/poll?since=1&since=2')).status).toBe(400);
    expect((await get('/api/poll?since=0&user=a%20b')).status).toBe(400);
    expect((await get(`/api/poll?since=0&user=${'u'.repeat(DEFAULT_LIMITS.userIdChars + 1)}`)).status).toBe(400);
  });

  it('rejects an out-of-range long-poll timeout', async () => {
    expect(await get('/api/long-poll?since=0&timeout=5')).toEqual({
      status: 400,
      body: { error: 'timeout must be an integer from 100 to 1000' },
      type: 'application/json; charset=utf-8',
    });
  });

  it('answers a publish body that is not JSON with 400', async () => {
    expect(await publish('{"payload": nope')).toEqual({ status: 400, body: { error: 'body is not valid JSON' } });
    expect((await publish('[1,2]')).status).toBe(400);
    expect((await publish('{"nopayload":1}')).status).toBe(400);
    expect((await publish('{"payload":1,"to":42}')).status).toBe(400);
    expect((await publish('"just a string"')).status).toBe(400);
  });

  it('answers a publish body over the limit with 413', async () => {
    const res = await publish(JSON.stringify({ payload: 'x'.repeat(2_000) }));
    expect(res).toEqual({ status: 413, body: { error: 'body over the limit of 1024 bytes' } });
  });

  it('answers an unknown path with 404 JSON', async () => {
    expect(await get('/nope')).toEqual({ status: 404, body: { error: 'no route GET /nope' }, type: 'application/json; charset=utf-8' });
  });

  it('refuses a WebSocket upgrade with a bad cursor or on an unknown path with an HTTP error', async () => {
    const bad = await rawUpgrade('/ws?since=-3');
    expect(bad.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(bad.endsWith('{"error":"since must be a non-negative integer cursor (e.g. ?since=0)"}')).toBe(true);
    expect((await rawUpgrade('/elsewhere')).split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
  });

  it('keeps serving a normal client correctly afterwards, and counted the failures', async () => {
    const { body: published } = await publish('{"payload":"still here"}');
    const seq = published.seq as number;
    const poll = await get(`/api/poll?since=${seq - 1}`);
    expect(poll.status).toBe(200);
    expect((poll.body as { messages: { payload: unknown }[] }).messages.map((m) => m.payload)).toEqual(['still here']);

    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=${seq - 1}`, SUBPROTOCOL);
    const frame = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve((data as Buffer).toString()));
      ws.once('error', reject);
    });
    expect((JSON.parse(frame) as { payload: unknown }).payload).toBe('still here');
    ws.close();

    const stats = server.stats();
    // 6 cursors + repeated since + 2 bad users = 9 on short polling; 6 cursors + the timeout on long polling.
    expect(stats.strategies['short-polling'].failed).toBe(9);
    expect(stats.strategies['long-polling'].failed).toBe(7);
    expect(stats.strategies.websocket.failed).toBe(1);
  });
});
