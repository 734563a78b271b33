import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer } from '../../servers/app.js';
import { SUBPROTOCOL } from '../../servers/contract/wire.js';
import { waitFor, rawExchange } from '../helpers.js';

/** A battery of hostile input against every endpoint; afterwards a normal client must still be served. */
let server: PushServer;
let port: number;
const TOKEN = 'teacher-token-123';

beforeAll(async () => {
  server = new PushServer({
    limits: { publishBodyBytes: 1_024, wsMaxPayloadBytes: 256, longPollTimeoutMs: 1_000 },
    security: { publishToken: TOKEN },
  });
  await server.listen(0, '127.0.0.1');
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
});

const raw = (bytes: Buffer | string, idleMs?: number) => rawExchange(port, bytes, idleMs);

const statusLine = (text: string) => text.split('\r\n')[0];
const upgradeHeaders = (extra = '') =>
  `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ` +
  `dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

async function publish(body: BodyInit, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers['x-pushbench-token'] = token;
  const res = await fetch(`${server.url}/api/publish`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('bad input battery', () => {
  it('wrong methods get 405 with Allow, a plain GET on /ws gets 426', async () => {
    const post = await fetch(`${server.url}/api/poll?since=0`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(await post.json()).toEqual({ error: '/api/poll takes GET, not POST' });
    const get = await fetch(`${server.url}/api/publish`);
    expect([get.status, await get.json()]).toEqual([405, { error: '/api/publish takes POST, not GET' }]);
    const plain = await fetch(`${server.url}/ws?since=0`);
    expect([plain.status, await plain.json()]).toEqual([426, { error: '/ws needs a WebSocket upgrade' }]);
  });

  it('refuses publishing without the token or with a wrong one (401), accepts the right one', async () => {
    const missing = await publish('{"payload":1}', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await publish('{"payload":1}', 'teacher-token-124')).status).toBe(401);
    expect((await publish('{"payload":1}', '')).status).toBe(401);
    const bearer = await fetch(`${server.url}/api/publish`, {
      method: 'POST',
      body: '{"payload":"via bearer"}',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    expect(bearer.status).toBe(202);
    expect((await publish('{"payload":"ok"}')).status).toBe(202);
  });

  it('answers non-JSON, invalid UTF-8, oversized and unsupported-charset bodies with 4xx JSON', async () => {
    expect((await publish('{{{')).status).toBe(400);
    // 0xC3 0x28 is not valid UTF-8: the body cannot be the JSON it claims to be.
    expect((await publish(new Blob([Buffer.from([0x7b, 0x22, 0x70, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])]))).status).toBe(400);
    expect((await publish('x'.repeat(5_000))).status).toBe(413);
    const latin = await fetch(`${server.url}/api/publish`, {
      method: 'POST',
      body: '{"payload":1}',
      headers: { 'content-type': 'application/json; charset=ebcdic', 'x-pushbench-token': TOKEN },
    });
    expect([latin.status, await latin.json()]).toEqual([415, { error: 'body must be UTF-8 JSON' }]);
  });

  it('answers garbage instead of an HTTP request with 400 and closes', async () => {
    const answer = await raw('\x16\x03\x01\x02\x00garbage\r\n\r\n');
    expect(statusLine(answer)).toBe('HTTP/1.1 400 Bad Request');
  });

  it('answers garbage before an upgrade request with 400', async () => {
    const answer = await raw(`GARBAGE /ws?since=0 HTTP/1.1\r\n${upgradeHeaders()}`);
    expect(statusLine(answer)).toBe('HTTP/1.1 400 Bad Request');
  });

  it('closes a connection that sends garbage after the handshake (1002, protocol error)', async () => {
    // A cursor past the head: no backlog frames come before the close frame.
    const answer = await raw(Buffer.concat([Buffer.from(`GET /ws?since=999999 HTTP/1.1\r\n${upgradeHeaders()}`), Buffer.from('not a frame at all')]));
    expect(statusLine(answer)).toBe('HTTP/1.1 101 Switching Protocols');
    // After the 101 the server sends a close frame: 0x88, length, code 1002.
    const frame = Buffer.from(answer.slice(answer.indexOf('\r\n\r\n') + 4), 'latin1');
    expect(frame[0]).toBe(0x88);
    expect(frame.readUInt16BE(2)).toBe(1002);
  });

  it('closes a WebSocket that sends a frame over maxPayload with 1009', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=0`, SUBPROTOCOL);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('z'.repeat(300));
    expect(await closed).toBe(1009);
  });

  it('refuses an unknown subprotocol, a bad Origin and a malformed cursor before the handshake', async () => {
    const unknown = await raw(`GET /ws?since=0 HTTP/1.1\r\n${upgradeHeaders('Sec-WebSocket-Protocol: chat, superchat\r\n')}`);
    expect(statusLine(unknown)).toBe('HTTP/1.1 400 Bad Request');
    expect(unknown).toContain('{"error":"unsupported subprotocol; offer pushbench.v1 or none"}');
    const origin = await raw(`GET /ws?since=0 HTTP/1.1\r\n${upgradeHeaders('Origin: http://evil.example\r\n')}`);
    expect(statusLine(origin)).toBe('HTTP/1.1 403 Forbidden');
    expect(origin).toContain('{"error":"origin http://evil.example is not allowed"}');
    const sameOrigin = await raw(`GET /ws?since=0 HTTP/1.1\r\n${upgradeHeaders(`Origin: http://127.0.0.1:${port}\r\n`)}`);
    expect(statusLine(sameOrigin)).toBe('HTTP/1.1 101 Switching Protocols');
    for (const since of ['-1', 'abc', '99999999999999999999', '1.5']) {
      expect(statusLine(await raw(`GET /ws?since=${since} HTTP/1.1\r\n${upgradeHeaders()}`))).toBe('HTTP/1.1 400 Bad Request');
    }
  });

  it('still serves a normal client of every strategy correctly afterwards, and counted every refusal', async () => {
    const seq = ((await publish('{"payload":"after the storm"}')).body.seq as number) - 1;
    const poll = (await (await fetch(`${server.url}/api/poll?since=${seq}`)).json()) as { messages: { payload: unknown }[] };
    expect(poll.messages.map((m) => m.payload)).toEqual(['after the storm']);
    const longPoll = (await (await fetch(`${server.url}/api/long-poll?since=${seq}`)).json()) as { messages: { payload: unknown }[] };
    expect(longPoll.messages.map((m) => m.payload)).toEqual(['after the storm']);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=${seq}`, SUBPROTOCOL);
    const frames: string[] = [];
    ws.on('message', (data) => frames.push((data as Buffer).toString()));
    await waitFor(() => frames.length === 1, 'the frame');
    expect((JSON.parse(frames[0]) as { payload: unknown }).payload).toBe('after the storm');
    ws.close();

    const stats = server.stats();
    expect(stats.strategies.websocket.failedByStatus).toEqual({ '400': 5, '403': 1 });
    expect(stats.control.failedByStatus).toMatchObject({ '401': 3, '405': 2, '413': 1, '415': 1, '426': 1 });
  });
});
