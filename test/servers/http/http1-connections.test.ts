import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import type { ServerLimits } from '../../../servers/constants.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { waitFor } from '../../helpers.js';

let server: PushServer;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
});

async function start(limits: Partial<ServerLimits> = {}, strategies?: string[]): Promise<void> {
  server = new PushServer({ strategies, limits });
  await server.listen(0, '127.0.0.1');
}

/** A raw connection that records what it receives; `paused` ones never read (the kernel buffers fill up). */
function connect(paused = false): { socket: net.Socket; received: () => string; closed: Promise<void> } {
  const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
  sockets.push(socket);
  socket.on('error', () => {});
  let text = '';
  if (paused) socket.pause();
  else socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const stats = () => server.stats();
const answers = (text: string) => text.split('HTTP/1.1 ').length - 1;

describe('pipelined requests on one HTTP/1.1 connection', () => {
  it('are answered in order when they are polls', async () => {
    await start();
    server.source.publish('one');
    const { socket, received } = connect();
    socket.write(get('/api/poll?since=0') + get('/api/poll?since=1') + get('/api/poll?since=0'));
    await waitFor(() => answers(received()) === 3, 'three answers');
    const bodies = received()
      .split('HTTP/1.1 200 OK')
      .slice(1)
      .map((answer) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { cursor: number; messages: unknown[] });
    expect(bodies.map((b) => [b.messages.length, b.cursor])).toEqual([
      [1, 1],
      [0, 1],
      [1, 1],
    ]);
  });

  it('start an event stream only once the held long poll before it has been answered', async () => {
    await start({ longPollTimeoutMs: 60_000 });
    const { socket, received } = connect();
    socket.write(get('/api/long-poll?since=0') + get(`${ROUTES.sse}?since=0`));
    await waitFor(() => stats().strategies['long-polling'].attached === 1, 'the held poll');
    // The stream waits its turn: nothing is attached for it while the poll is held.
    expect(stats().strategies.sse.attached).toBe(0);
    const message = server.source.publish('news');
    await waitFor(() => received().includes(`id: ${message.seq}\n`), 'the stream to start and carry the message');
    expect(stats().strategies.sse.attached).toBe(1);
    expect(answers(received())).toBe(2);
    expect(stats().http.pipelinedBehindStream).toBe(0);
  });

  it('32 connections × 500 pipelined event streams: none left attached after they close, and new streams are served', async () => {
    await start({}, ['sse']);
    const attackers = Array.from({ length: 32 }, () => connect());
    for (const { socket } of attackers) socket.write(get(`${ROUTES.sse}?since=999999999`).repeat(500));
    // Each connection is closed by the server at its second request: a stream ends its connection's pipeline.
    await Promise.all(attackers.map((a) => a.closed));
    await waitFor(() => stats().strategies.sse.attached === 0, 'every stream to detach');
    const { http, strategies } = stats();
    // At most the first request of each connection started a stream.
    expect(strategies.sse.attachedPeak).toBeLessThanOrEqual(32);
    expect(http.pipelinedBehindStream).toBeGreaterThanOrEqual(32);

    const message = server.source.publish('still served');
    const { socket, received } = connect();
    socket.write(get(`${ROUTES.sse}?since=0`));
    await waitFor(() => received().includes(`data: ${JSON.stringify(message)}\n\n`), 'a new stream');
    expect(stats().strategies.sse.attached).toBe(1);
  });

  it('20,500 pipelined long polls on one connection hold one slot; another client is held and answered', async () => {
    await start({ longPollTimeoutMs: 60_000 }, ['long-polling']);
    const attacker = connect(true);
    attacker.socket.write(get('/api/long-poll?since=0').repeat(20_500));
    await waitFor(() => stats().http.longPollsNotHeld > 1_000, 'the pipelined polls to be answered at once');
    expect(stats().strategies['long-polling'].attached).toBe(1);

    const { socket, received } = connect();
    socket.write(get('/api/long-poll?since=0'));
    await waitFor(() => stats().strategies['long-polling'].attached === 2, 'the other client to be held');
    server.source.publish('for everyone');
    await waitFor(() => received().includes('"payload":"for everyone"'), "the other client's answer");
    // The attacker still holds at most one poll at a time.
    expect(stats().strategies['long-polling'].attachedPeak).toBe(2);
  });

  it('release a long poll held behind unsent answers when the connection closes, not at its timeout', async () => {
    // A budget large enough that the kernel's buffers cannot take every answer before the held poll.
    await start({ longPollTimeoutMs: 60_000, sendBufferBytes: 64 * 1024 * 1024 }, ['long-polling']);
    for (let i = 0; i < 40; i++) server.source.publish('x'.repeat(60_000));
    const client = connect(true);
    // Forty answers of 240 KB the client does not read, then a poll with nothing new: held behind them.
    client.socket.write(get('/api/long-poll?since=0').repeat(40) + get(`/api/long-poll?since=${server.source.head}`));
    await waitFor(() => stats().strategies['long-polling'].attached === 1, 'the held poll');
    expect(stats().http.queuedAnswerBytes).toBeGreaterThan(0);
    client.socket.destroy();
    await waitFor(() => stats().strategies['long-polling'].attached === 0, 'the held poll to be released');
    expect(stats().http.queuedAnswerBytes).toBe(0);
  });

  it('answer a held poll at once when answers behind it go over the send budget, so a peer that closes is seen', async () => {
    await start({ longPollTimeoutMs: 60_000 }, ['long-polling']);
    for (let i = 0; i < 40; i++) server.source.publish('x'.repeat(60_000));
    const client = connect(true);
    // A poll held at the head, then answers of 240 KB it blocks (HTTP/1.1 answers in order): over the 1 MiB
    // budget the connection is not read, and without an answer to the held poll nothing could drain.
    client.socket.write(get(`/api/long-poll?since=${server.source.head}`) + get('/api/long-poll?since=0').repeat(500));
    await waitFor(() => stats().http.heldPollsAnsweredForBudget === 1, 'the held poll to be answered for the budget');
    expect(stats().strategies['long-polling'].attached).toBe(0);
    expect(stats().http.waitedForSendBudget).toBeGreaterThanOrEqual(1);
    client.socket.destroy();
    // The answers that can now go out meet the closed peer: the connection closes at once, not after 25 s.
    await waitFor(() => server.connections.size === 0, 'the connection to close');
    expect(stats().http.queuedAnswerBytes).toBe(0);
  });

  it('a user holds at most maxHeldLongPollsPerUser polls; the next gets 503 and others are still held', async () => {
    await start({ longPollTimeoutMs: 60_000, maxHeldLongPollsPerUser: 2 }, ['long-polling']);
    const bob = [connect(), connect()];
    for (const { socket } of bob) socket.write(get('/api/long-poll?since=0&user=bob'));
    await waitFor(() => stats().strategies['long-polling'].attached === 2, "bob's two polls");
    const third = connect();
    third.socket.write(get('/api/long-poll?since=0&user=bob'));
    await waitFor(() => third.received().includes('\r\n\r\n{'), 'the refusal');
    expect(third.received()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\nRetry-After: 1\r\n/);
    expect(third.received()).toContain('{"error":"too many held long polls for one user (limit 2)"}');
    const alice = connect();
    alice.socket.write(get('/api/long-poll?since=0&user=alice'));
    await waitFor(() => stats().strategies['long-polling'].attached === 3, "alice's poll");
  });
});

describe('the send budget of an HTTP connection', () => {
  it('30 connections that never read, over a ring of 1,000 × 60 KB: server memory stays bounded, others are served', async () => {
    // Per connection at most the send budget (1 MiB) plus one answer (256 KiB) waits in user space: 30 × 1.25 MiB
    // = 37.5 MiB of answers. The RSS bound leaves room for building and writing them; before the byte cap, each
    // connection queued 60 MB per request it sent (+1.85 GB for one request each).
    const QUEUED_BOUND = 30 * (1024 * 1024 + 256 * 1024);
    const RSS_BOUND = 100 * 1024 * 1024;
    await start({}, ['short-polling']);
    const payload = 'x'.repeat(60_000);
    for (let i = 0; i < 1_000; i++) server.source.publish(payload);
    const before = process.memoryUsage().rss;
    let peak = before;
    let peakQueued = 0;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      peakQueued = Math.max(peakQueued, stats().http.queuedAnswerBytes);
    }, 5);
    try {
      const stalled = Array.from({ length: 30 }, () => connect(true));
      // Forty polls each, pipelined: without the send budget, 30 × 40 answers of 256 KiB (300 MiB) would queue.
      for (const { socket } of stalled) socket.write(get('/api/poll?since=0').repeat(40));
      await waitFor(() => stats().http.waitedForSendBudget >= 30, 'every stalled connection to wait for its budget');

      // Meanwhile a reading client is answered, from the head and from the start (cut at the byte limit).
      const { socket, received } = connect();
      socket.write(get(`/api/poll?since=${server.source.head - 1}`));
      await waitFor(() => received().endsWith(`"cursor":${server.source.head}}`), 'the normal poll');
      const fresh = connect();
      fresh.socket.write(get('/api/poll?since=0'));
      await waitFor(() => fresh.received().endsWith('"cursor":4}'), 'a poll from the start, four messages long');
      peak = Math.max(peak, process.memoryUsage().rss);
    } finally {
      clearInterval(sample);
    }
    expect(peakQueued).toBeGreaterThan(30 * 256 * 1024);
    expect(peakQueued).toBeLessThanOrEqual(QUEUED_BOUND);
    expect(peak - before).toBeLessThan(RSS_BOUND);
  });
});

describe('connection limits', () => {
  it('answers a request whose headers never finish with a JSON 408, counted as control', async () => {
    await start({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const partial = connect();
    partial.socket.write('GET /api/poll?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await partial.closed;
    expect(partial.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application\/json; charset=utf-8\r\n/);
    expect(partial.received()).toContain('{"error":"request not received in time (headers within 200 ms, all of it within 400 ms)"}');
    expect(stats().control.failedByStatus['408']).toBe(1);
  });

  it('leaves an idle keep-alive connection alone however long the header timeout is', async () => {
    await start({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    const { socket, received } = connect();
    socket.write(get('/api/poll?since=0'));
    await waitFor(() => answers(received()) === 1, 'the first answer');
    // Idle for several header timeouts (and timeout checks), then used again.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    socket.write(get('/api/poll?since=0'));
    await waitFor(() => answers(received()) === 2, 'the second answer on the same connection');
    expect(stats().control.failedByStatus['408']).toBeUndefined();
  });

  it('closes the longest-idle keep-alive connections first when the limit is near, so new clients get in', async () => {
    // 90 % of 10: from the 9th open connection on, each new one closes the connection idle the longest.
    await start({ maxTcpConnections: 10 });
    const idle = [];
    for (let i = 0; i < 8; i++) {
      const client = connect();
      client.socket.write(get('/api/poll?since=0'));
      await waitFor(() => answers(client.received()) === 1, 'an answer');
      idle.push(client);
    }
    const newcomers = [];
    for (let i = 0; i < 6; i++) {
      const client = connect();
      client.socket.write(get('/api/poll?since=0'));
      await waitFor(() => answers(client.received()) === 1, "a newcomer's answer");
      newcomers.push(client);
    }
    const { http } = stats();
    expect(http.droppedOverLimit).toBe(0);
    expect(http.idleClosedNearLimit).toBeGreaterThanOrEqual(4);
    // The oldest idle connection went first.
    await idle[0].closed;
  });

  it('accepts a connection over the limit and closes it at once, counted', async () => {
    await start({ maxTcpConnections: 3, longPollTimeoutMs: 60_000 });
    // Three busy connections (held polls): none idle to close.
    for (let i = 0; i < 3; i++) connect().socket.write(get('/api/long-poll?since=0'));
    await waitFor(() => stats().strategies['long-polling'].attached === 3, 'three held polls');
    const over = connect();
    await over.closed;
    expect(over.received()).toBe('');
    expect(stats().http.droppedOverLimit).toBe(1);
  });
});
