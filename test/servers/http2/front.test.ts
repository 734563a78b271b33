import { execFile } from 'node:child_process';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { HTTP2_PREFACE } from '../../../servers/http2/front.js';
import { rawExchange, waitFor } from '../../helpers.js';
import { FRAME, frame, frames, h2request, headersFrame, rawHttp2, requestFields } from './helpers.js';

let server: PushServer | undefined;
const sessions: http2.ClientHttp2Session[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  await server?.close();
  server = undefined;
});

async function start(limits = {}): Promise<PushServer> {
  server = new PushServer({ strategies: ['short-polling', 'long-polling', 'websocket', 'sse'], limits: { longPollTimeoutMs: 2_000, ...limits } });
  await server.listen(0, '127.0.0.1');
  return server;
}

function connect(url: string): http2.ClientHttp2Session {
  const session = http2.connect(url);
  session.on('error', () => {});
  sessions.push(session);
  return session;
}

function h1get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Sends `bytes` on a raw connection; resolves with everything received once the server has closed it. */
function rawUntilClosed(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(bytes);
  });
}

const portOf = (push: PushServer) => Number(new URL(push.url).port);

describe('HTTP/2 with prior knowledge on the HTTP/1.1 port', () => {
  it('answers both protocols on one port, each from the same routes', async () => {
    const push = await start();
    push.source.publish('hello');
    const over1 = await h1get(`${push.url}/api/poll?since=0`);
    const over2 = await h2request(connect(push.url), '/api/poll?since=0');
    expect(over1.status).toBe(200);
    expect(over2.status).toBe(200);
    expect(over2.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(over2.body)).toEqual(JSON.parse(over1.body));
    expect(JSON.parse(over2.body)).toMatchObject({ messages: [{ seq: 1, payload: 'hello' }], cursor: 1 });
    expect(push.http2.sessionsOpened).toBe(1);
    expect(push.stats().strategies['short-polling'].requests).toBe(2);
  });

  it('works with curl --http2-prior-knowledge, as docs/server.md shows', async () => {
    const push = await start();
    push.source.publish('hi');
    const { stdout } = await promisify(execFile)('curl', [
      '-s',
      '--http2-prior-knowledge',
      '-w',
      '\n%{http_version}',
      `${push.url}/api/poll?since=0`,
    ]);
    const [body, version] = stdout.split('\n');
    expect(version).toBe('2');
    expect(JSON.parse(body)).toMatchObject({ messages: [{ seq: 1, payload: 'hi' }], cursor: 1 });
  });

  it('holds a long poll and streams events on one session, side by side', async () => {
    const push = await start();
    const session = connect(push.url);
    const held = h2request(session, '/api/long-poll?since=0');
    const events: string[] = [];
    const stream = session.request({ ':path': '/api/events?since=0' });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => events.push(chunk));
    await waitFor(() => push.stats().strategies['long-polling'].attached === 1 && push.stats().strategies.sse.attached === 1, 'both held');
    push.source.publish('both');
    const answer = await held;
    await waitFor(() => events.join('').includes('\n\n'), 'the event');
    expect(JSON.parse(answer.body)).toMatchObject({ messages: [{ seq: 1, payload: 'both' }] });
    expect(events.join('')).toMatch(/^id: 1\ndata: \{"seq":1,.*"payload":"both"\}\n\n$/);
    stream.close();
    expect(push.http2.sessionsOpened).toBe(1);
  });
});

describe('h2c by Upgrade (what `curl --http2 http://…` asks for)', () => {
  const h2cRequest = (method: string, path: string, port: number, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade, HTTP2-Settings\r\n` +
    `Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n${extra}\r\n`;

  it('serves the request over HTTP/1.1, ignoring the upgrade, and keeps the connection for the next request', async () => {
    const push = await start();
    push.source.publish('hello');
    const port = portOf(push);
    const text = await rawExchange(port, h2cRequest('GET', '/api/poll?since=0', port) + h2cRequest('GET', '/api/poll?since=1', port));
    const answers = text.split('HTTP/1.1 ').slice(1);
    expect(answers.map((answer) => answer.slice(0, 6))).toEqual(['200 OK', '200 OK']);
    // No 101 status line (a message's time may well contain the digits 101).
    expect(text).not.toMatch(/^HTTP\/1\.1 101/m);
    expect(text).not.toContain('Switching Protocols');
    expect(JSON.parse(answers[0].slice(answers[0].indexOf('\r\n\r\n') + 4))).toMatchObject({ messages: [{ seq: 1, payload: 'hello' }] });
    expect(answers[1].endsWith('{"messages":[],"cursor":1}')).toBe(true);
    expect(push.http2.sessionsOpened).toBe(0);
  });

  it('serves a request with a body the same way', async () => {
    const push = await start();
    const port = portOf(push);
    const body = '{"payload":"over h2c"}';
    const request = h2cRequest('POST', '/api/publish', port, `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`) + body;
    const text = await rawExchange(port, request);
    expect(text).toMatch(/^HTTP\/1\.1 202 Accepted\r\n[\s\S]*\{"seq":1\}$/);
    expect(push.source.since(0).messages.map((m) => m.payload)).toEqual(['over h2c']);
  });

  it('answers curl --http2 on every route it is asked, never 404', async () => {
    const push = await start();
    push.source.publish('hi');
    const curl = (path: string, ...args: string[]) =>
      promisify(execFile)('curl', ['-s', '--http2', '-w', '\n%{http_code} %{http_version}', ...args, `${push.url}${path}`]);
    const poll = (await curl('/api/poll?since=0')).stdout.split('\n');
    expect(poll[1]).toBe('200 1.1');
    expect(JSON.parse(poll[0])).toMatchObject({ messages: [{ seq: 1, payload: 'hi' }] });
    expect((await curl('/api/stats')).stdout.split('\n')[1]).toBe('200 1.1');
    const published = await curl('/api/publish', '-H', 'Content-Type: application/json', '-d', '{"payload":"by curl"}');
    expect(published.stdout).toBe('{"seq":2}\n202 1.1');
  });
});

describe('the host of an HTTP/2 request', () => {
  /** One request on a raw session (node's client will not send both fields); resolves with the answer's body. */
  const ask = async (push: PushServer, fields: [string, string][]) => {
    const client = rawHttp2(portOf(push));
    client.socket.write(headersFrame(1, fields, true));
    await waitFor(() => frames(client.received(), 0, true).some((f) => f.type === FRAME.DATA && f.flags & 0x1), 'the answer');
    client.socket.destroy();
    const data = frames(client.received()).filter((f) => f.type === FRAME.DATA && f.stream === 1);
    return JSON.parse(Buffer.concat(data.map((f) => f.payload)).toString('utf8')) as Record<string, unknown>;
  };

  it('is read from :authority: a foreign :authority gets 421 even with our Host beside it', async () => {
    const push = await start();
    const ours = `127.0.0.1:${portOf(push)}`;
    expect(await ask(push, [...requestFields('GET', '/api/poll?since=0', 'evil.example'), ['host', ours]])).toEqual({
      error: 'this server does not answer to host "evil.example"; start it with --allow-host to add a name',
    });
    expect(await ask(push, requestFields('GET', '/api/poll?since=0', ours))).toEqual({ messages: [], cursor: 0 });
    expect(push.stats().control.failedByStatus).toEqual({ 421: 1 });
  });

  it('refuses a Host that names another host than :authority as malformed (400)', async () => {
    const push = await start();
    const ours = `127.0.0.1:${portOf(push)}`;
    expect(await ask(push, [...requestFields('GET', '/api/poll?since=0', ours), ['host', 'evil.example']])).toEqual({
      error: 'the Host header and :authority name different hosts',
    });
    expect(await ask(push, [...requestFields('GET', '/api/poll?since=0', ours), ['host', ours]])).toEqual({ messages: [], cursor: 0 });
    expect(push.stats().control.failedByStatus).toEqual({ 400: 1 });
  });
});

describe('stopping with HTTP/2 sessions open', () => {
  it('answers held long polls, ends event streams, says GOAWAY and closes every session', async () => {
    const push = await start();
    const session = connect(push.url);
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
    const held = h2request(session, '/api/long-poll?since=0');
    const stream = h2request(session, '/api/events?since=0');
    await waitFor(() => push.stats().strategies['long-polling'].attached === 1 && push.stats().strategies.sse.attached === 1, 'both held');
    await push.close();
    server = undefined;
    const [answer, events] = await Promise.all([held, stream]);
    expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { messages: [], cursor: 0 }]);
    expect([events.status, events.body]).toEqual([200, '']);
    expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await closed;
  });
});

describe('bad input over HTTP/2', () => {
  it('answers every mistake with its status and a JSON error, counted, and goes on serving', async () => {
    const push = await start();
    const session = connect(push.url);
    const cases: [string, http2.OutgoingHttpHeaders, string | undefined, number][] = [
      ['/api/poll?since=abc', {}, undefined, 400],
      ['/api/poll?since=-1', {}, undefined, 400],
      ['/api/poll?since=1.5', {}, undefined, 400],
      ['/api/long-poll?since=0&timeout=1', {}, undefined, 400],
      ['/api/events?since=x', {}, undefined, 400],
      ['/api/poll?since=0&user=no%20spaces', {}, undefined, 400],
      ['/api/publish', { ':method': 'POST', 'content-type': 'application/json' }, '{"payload":', 400],
      ['/api/publish', { ':method': 'POST', 'content-type': 'application/json' }, '{"nopayload":1}', 400],
      ['/api/poll?since=0', { ':method': 'POST' }, '', 405],
      ['/ws', {}, undefined, 426],
      ['/no/such/path', {}, undefined, 404],
    ];
    for (const [path, headers, body, status] of cases) {
      const answer = await h2request(session, path, headers, body);
      expect([path, answer.status]).toEqual([path, status]);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(typeof (JSON.parse(answer.body) as { error: unknown }).error).toBe('string');
    }
    const ws = await h2request(session, '/ws');
    // The upgrade hint has no HTTP/2 form (RFC 9113 §8.2.2): WebSocket is served over HTTP/1.1 only.
    expect(ws.headers.upgrade).toBeUndefined();
    const stats = push.stats();
    expect(stats.strategies['short-polling'].failedByStatus).toEqual({ 400: 4 });
    expect(stats.strategies['long-polling'].failedByStatus).toEqual({ 400: 1 });
    expect(stats.strategies.sse.failedByStatus).toEqual({ 400: 1 });
    expect(stats.control.failedByStatus).toMatchObject({ 400: 2, 405: 1, 426: 2, 404: 1 });
    expect((await h2request(session, '/api/poll?since=0')).status).toBe(200);
  });

  it('closes a connection whose preface is not HTTP/2’s, and serves the next ones', async () => {
    const push = await start();
    const bad = Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'latin1');
    expect(bad.length).toBe(HTTP2_PREFACE.length);
    const answered = await rawUntilClosed(portOf(push), bad);
    // nghttp2 may say why before closing (GOAWAY), but never answers a request on it.
    expect(answered.toString('latin1')).not.toContain('HTTP/1.1');
    expect((await h1get(`${push.url}/api/poll?since=0`)).status).toBe(200);
    expect((await h2request(connect(push.url), '/api/poll?since=0')).status).toBe(200);
  });

  it('says GOAWAY FRAME_SIZE_ERROR to a session that sends a malformed frame, closes it, and serves the next ones', async () => {
    // nghttp2 reads nothing more after its GOAWAY; the connection closes when its first stream is overdue.
    const push = await start({ headersTimeoutMs: 300 });
    // A SETTINGS frame whose length is not a multiple of 6 is a connection error (RFC 9113 §6.5).
    const settings = Buffer.from([0, 0, 5, FRAME.SETTINGS, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    const answered = await rawUntilClosed(portOf(push), Buffer.concat([HTTP2_PREFACE, settings]));
    const goaway = frames(answered).find((frame) => frame.type === FRAME.GOAWAY);
    expect(goaway?.stream).toBe(0);
    // Last stream id 0 (none was processed), error code 0x6, FRAME_SIZE_ERROR.
    expect(goaway?.payload.readUInt32BE(0)).toBe(0);
    expect(goaway?.payload.readUInt32BE(4)).toBe(0x6);
    expect((await h2request(connect(push.url), '/api/poll?since=0')).status).toBe(200);
    expect((await h1get(`${push.url}/api/poll?since=0`)).status).toBe(200);
    // The broken connection served no route: its bytes are control's.
    expect(push.ledger.totalsFor('control').clientToServer).toBe(HTTP2_PREFACE.length + settings.length);
  });

  it('closes 300 sessions broken by a malformed frame after a request once their peers close: no socket left, others served', async () => {
    const push = await start();
    const port = portOf(push);
    const authority = `127.0.0.1:${port}`;
    const broken = Array.from({ length: 300 }, () => {
      const client = rawHttp2(port);
      client.socket.write(headersFrame(1, requestFields('GET', '/api/poll?since=0', authority), true));
      return client;
    });
    await waitFor(() => broken.every((client) => frames(client.received(), 0, true).some((f) => f.type === FRAME.DATA)), 'every answer');
    // A PING's payload is 8 bytes; 7 is a connection error (RFC 9113 §6.7): GOAWAY FRAME_SIZE_ERROR, then the peer closes.
    for (const { socket } of broken) socket.end(frame(FRAME.PING, 0, 0, Buffer.alloc(7)));
    await Promise.all(broken.map((client) => waitFor(() => frames(client.received(), 0, true).some((f) => f.type === FRAME.GOAWAY), 'the GOAWAY')));
    await waitFor(() => push.http2.openSessions === 0, 'every broken session to close', 15_000);
    expect(push.http2.counters()).toMatchObject({ sessionsOpened: 300, openSessions: 0, closedAfterPeerLeft: 300 });
    // None is left in CLOSE-WAIT, holding a file descriptor.
    const { stdout } = await promisify(execFile)('ss', ['-Htan', 'state', 'close-wait', `( sport = :${port} )`]);
    expect(stdout.trim()).toBe('');
    expect((await h2request(connect(push.url), '/api/poll?since=0')).status).toBe(200);
    expect((await h1get(`${push.url}/api/poll?since=0`)).status).toBe(200);
  });

  it('releases a long poll held on a session broken by a malformed frame once its peer closes', async () => {
    const push = await start({ longPollTimeoutMs: 60_000 });
    const client = rawHttp2(portOf(push));
    client.socket.write(headersFrame(1, requestFields('GET', '/api/long-poll?since=0', `127.0.0.1:${portOf(push)}`), true));
    await waitFor(() => push.stats().strategies['long-polling'].attached === 1, 'the held poll');
    client.socket.end(frame(FRAME.PING, 0, 0, Buffer.alloc(7)));
    await waitFor(() => push.stats().strategies['long-polling'].attached === 0, 'the held poll to be released', 15_000);
    expect(push.http2.openSessions).toBe(0);
  });

  it('closes a connection that never says which protocol it speaks, after the header timeout', async () => {
    const push = await start({ headersTimeoutMs: 200 });
    const silent = await rawUntilClosed(portOf(push), Buffer.alloc(0));
    expect(silent.length).toBe(0);
    expect(push.http2.refusedSockets).toBe(1);
  });

  it('counts sessions, broken prefaces and silent sockets in /api/stats', async () => {
    const push = await start({ headersTimeoutMs: 200 });
    const session = connect(push.url);
    expect((await h2request(session, '/api/poll?since=0')).status).toBe(200);
    await rawUntilClosed(portOf(push), Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'latin1'));
    await rawUntilClosed(portOf(push), Buffer.alloc(0));
    // The broken session's close reaches the server after the client has seen it.
    await waitFor(() => push.http2.openSessions === 1, 'the broken session closed');
    const stats = (await (await fetch(`${push.url}/api/stats`)).json()) as { http2: unknown };
    // The wrong preface opened a session (its first bytes were "PRI") that closed before any stream.
    expect(stats.http2).toEqual({
      sessionsOpened: 2,
      openSessions: 1,
      closedBeforeAnyStream: 1,
      refusedSockets: 1,
      closedAfterPeerLeft: 0,
      waitedForSendBudget: 0,
      queuedAnswerBytes: 0,
    });
  });

  it('tells the protocol from bytes that arrive one at a time', async () => {
    const push = await start();
    const socket = net.createConnection({ host: '127.0.0.1', port: portOf(push) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    const request = Buffer.from('GET /api/poll?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 'latin1');
    for (const byte of request.subarray(0, 3)) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.write(request.subarray(3));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"messages":\[\],"cursor":0\}$/);
  });
});
