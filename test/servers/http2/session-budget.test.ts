import http from 'node:http';
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { HTTP2_LIMITS, type ServerLimits } from '../../../servers/constants.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { waitFor } from '../../helpers.js';
import {
  FLAG,
  FRAME,
  frames,
  h2request,
  headersFrame,
  rawHttp2,
  requestFields,
  SETTING,
  settingsFrame,
  windowUpdateFrame,
  type Http2Answer,
  type RawHttp2,
} from './helpers.js';

let server: PushServer | undefined;
const sessions: http2.ClientHttp2Session[] = [];
const raws: RawHttp2[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  for (const { socket } of raws.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

async function start(limits: Partial<ServerLimits> = {}): Promise<PushServer> {
  server = new PushServer({ strategies: ['short-polling', 'long-polling', 'sse'], limits: { longPollTimeoutMs: 60_000, ...limits } });
  await server.listen(0, '127.0.0.1');
  return server;
}

function connect(url: string): http2.ClientHttp2Session {
  const session = http2.connect(url);
  session.on('error', () => {});
  sessions.push(session);
  return session;
}

/** An HTTP/1.1 GET on a connection of its own; resolves with the status and the body. */
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

/** Opens an event stream; resolves with its status once the headers are in, and collects what it carries. */
function openEventStream(session: http2.ClientHttp2Session): Promise<{ status: number; text: () => string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': `${ROUTES.sse}?since=0` });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('response', (headers) => resolve({ status: Number(headers[':status']), text: () => text }));
    stream.on('error', reject);
  });
}

const statusCounts = (answers: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

const { heldPollsPerSession, eventStreamsPerSession } = HTTP2_LIMITS;

describe('the budget of one HTTP/2 session', () => {
  it('30 sessions × 100 long polls hold 8 each, the rest get 503; new HTTP/1.1 and HTTP/2 long polls are still held and answered', async () => {
    // Without a budget per session, 30 × 100 polls would take every one of these 300 slots.
    const push = await start({ maxHeldLongPolls: 300 });
    const attackers = Array.from({ length: 30 }, () => connect(push.url));
    const held: Promise<Http2Answer>[] = [];
    const refused: Promise<Http2Answer>[] = [];
    for (const session of attackers) {
      const answers = Array.from({ length: 100 }, () => h2request(session, '/api/long-poll?since=0'));
      refused.push(...answers);
      held.push(...answers);
    }
    await waitFor(() => push.stats().strategies['long-polling'].attached === 30 * heldPollsPerSession, 'every session to hold its share');
    await waitFor(() => push.stats().strategies['long-polling'].failedByStatus['503'] === 30 * (100 - heldPollsPerSession), 'the refusals');
    const newcomerH1 = h1get(`${push.url}/api/long-poll?since=0`);
    const newcomerH2 = h2request(connect(push.url), '/api/long-poll?since=0');
    await waitFor(() => push.stats().strategies['long-polling'].attached === 30 * heldPollsPerSession + 2, 'both newcomers held');
    push.source.publish('for everyone');
    for (const answer of [await newcomerH1, await newcomerH2]) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ messages: [{ seq: 1, payload: 'for everyone' }], cursor: 1 });
    }
    const all = await Promise.all(held);
    expect(statusCounts(all)).toEqual({ 200: 30 * heldPollsPerSession, 503: 30 * (100 - heldPollsPerSession) });
    const refusal = all.find((answer) => answer.status === 503)!;
    expect(refusal.headers['retry-after']).toBe('1');
    expect(JSON.parse(refusal.body)).toEqual({ error: `too many held long polls on one HTTP/2 connection (limit ${heldPollsPerSession})` });
  });

  it('20 sessions × 100 event streams open 8 each, the rest get 503; new HTTP/1.1 and HTTP/2 streams are still served', async () => {
    const push = await start({ maxPushStreams: 200 });
    const attackers = Array.from({ length: 20 }, () => connect(push.url));
    const opened = await Promise.all(attackers.flatMap((session) => Array.from({ length: 100 }, () => openEventStream(session))));
    expect(statusCounts(opened)).toEqual({ 200: 20 * eventStreamsPerSession, 503: 20 * (100 - eventStreamsPerSession) });
    expect(push.stats().strategies.sse.attached).toBe(20 * eventStreamsPerSession);
    const newcomer = await openEventStream(connect(push.url));
    expect(newcomer.status).toBe(200);
    const overHttp1 = http.get(`${push.url}${ROUTES.sse}?since=0`, { agent: false });
    let http1Text = '';
    overHttp1.on('response', (res) => res.setEncoding('utf8').on('data', (chunk: string) => (http1Text += chunk)));
    await waitFor(() => push.stats().strategies.sse.attached === 20 * eventStreamsPerSession + 2, 'both newcomers attached');
    const message = push.source.publish('news');
    await waitFor(() => newcomer.text().includes(`id: ${message.seq}\n`) && http1Text.includes(`id: ${message.seq}\n`), 'the newcomers’ event');
    overHttp1.destroy();
  });

  it('a session that does not take its answers (window 0) has one send budget: its next polls wait, then are served as it drains', async () => {
    const push = await start();
    for (let i = 0; i < 40; i++) push.source.publish('x'.repeat(60_000));
    const port = Number(new URL(push.url).port);
    const authority = `127.0.0.1:${port}`;
    // Stream windows of 0: the server may send headers, not one byte of any answer.
    const client = rawHttp2(port, [[SETTING.INITIAL_WINDOW_SIZE, 0]]);
    raws.push(client);
    const polls = Array.from({ length: 10 }, (_, i) => headersFrame(1 + 2 * i, requestFields('GET', '/api/poll?since=0', authority), true));
    client.socket.write(Buffer.concat(polls));
    // Four messages (240 KB) per answer: five answers reach the 1 MiB budget, the other five wait.
    await waitFor(() => push.stats().http2.waitedForSendBudget === 5, 'five polls to wait');
    const { http2: counters } = push.stats();
    expect(counters.queuedAnswerBytes).toBeGreaterThan(1024 * 1024 - 256 * 1024);
    expect(counters.queuedAnswerBytes).toBeLessThan(1024 * 1024 + 256 * 1024);
    expect(push.stats().strategies['short-polling'].requests).toBe(5);
    // The client opens its windows: the answers go out, and the waiting polls are served as they do.
    client.socket.write(Buffer.concat([settingsFrame([[SETTING.INITIAL_WINDOW_SIZE, 2 ** 31 - 1]]), windowUpdateFrame(0, 2 ** 31 - 1 - 65_535)]));
    const ended = () =>
      new Set(
        frames(client.received(), 0, true)
          .filter((f) => f.type === FRAME.DATA && f.flags & FLAG.END_STREAM)
          .map((f) => f.stream),
      );
    await waitFor(() => ended().size === 10, 'every answer, whole');
    expect(push.stats().strategies['short-polling'].requests).toBe(10);
    expect(push.stats().http2.queuedAnswerBytes).toBe(0);
  });
});
