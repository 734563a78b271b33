import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RpcChild } from '../../../bench/ipc/rpc.js';
import type { PublisherProtocol, PublishTarget } from '../../../bench/ipc/protocol.js';
import { PUBLISH_FIRST_BACKOFF_MS } from '../../../bench/publisher/open-loop.js';
import { startPushServer, type PushServer } from '../../../servers/app.js';
import { nowMs, type Message } from '../../../servers/contract/message.js';
import { waitFor } from '../../helpers.js';

/**
 * The publisher process (bench/children/publisher-process.ts) against a real server, through a gateway of the
 * test's own in front of the server's API that answers as slowly, or as badly, as a test needs: open loop (a
 * slow answer does not hold the next publish back), every message stored with its planned time, latency that
 * counts from it, retries of a 503 and a 504 and nothing published twice.
 */
const PUBLISHER_FILE = fileURLToPath(new URL('../../../bench/children/publisher-process.ts', import.meta.url));
const TOKEN = 'publisher-test-token';
/** How long the slow gateway holds each publish before passing it on: far longer than the schedule below. */
const GATEWAY_DELAY_MS = 1_500;
/** The two processes' clocks (performance.timeOrigin + now()) may disagree by a little. */
const CLOCK_SLACK_MS = 5;
const CALL_MS = 30_000;

let server: PushServer;

beforeAll(async () => {
  server = await startPushServer({ strategies: ['websocket'], security: { publishToken: TOKEN } });
});
afterAll(async () => {
  await server.close();
});

interface Arrival {
  atMs: number;
  t: number;
}

/**
 * A gateway in front of the server's publish endpoint: it records when each publish arrives, then answers as
 * `answer` says: with a status of its own, or by passing the publish on to the server (after `delayMs`).
 */
class Gateway {
  readonly arrivals: Arrival[] = [];
  /** When the first answer went back. */
  firstAnswerAtMs: number | undefined;
  forwarded = 0;
  private readonly http: http.Server;

  constructor(answer: (arrival: Arrival, attempt: number) => number | 'forward', delayMs = 0) {
    const attempts = new Map<number, number>();
    this.http = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const arrival = { atMs: nowMs(), t: (JSON.parse(body) as { t: number }).t };
        this.arrivals.push(arrival);
        const attempt = (attempts.get(arrival.t) ?? 0) + 1;
        attempts.set(arrival.t, attempt);
        const decision = answer(arrival, attempt);
        const reply = (status: number, text: string) => {
          this.firstAnswerAtMs ??= nowMs();
          res.writeHead(status, { 'content-type': 'application/json' }).end(text);
        };
        if (decision !== 'forward') return reply(decision, JSON.stringify({ error: `the gateway says ${decision}` }));
        setTimeout(() => {
          this.forwarded++;
          const headers = { 'content-type': 'application/json', authorization: req.headers.authorization! };
          fetch(`${server.url}/api/publish`, { method: 'POST', headers, body })
            .then(async (upstream) => reply(upstream.status, await upstream.text()))
            .catch(() => reply(502, '{"error":"upstream"}'));
        }, delayMs);
      });
    });
  }

  async listen(): Promise<PublishTarget> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    const { port } = this.http.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/api/publish`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    };
  }

  close(): Promise<void> {
    this.http.closeAllConnections();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}

const started: { close(): unknown }[] = [];
let publisher: RpcChild<PublisherProtocol> | undefined;

afterEach(async () => {
  await publisher?.stop('shutdown', 2_000);
  publisher = undefined;
  await Promise.all(started.splice(0).map((thing) => thing.close()));
});

async function publisherFor(gateway: Gateway): Promise<RpcChild<PublisherProtocol>> {
  started.push(gateway);
  const target = await gateway.listen();
  publisher = new RpcChild<PublisherProtocol>('publisher process', PUBLISHER_FILE);
  const { target: said } = await publisher.call('start', { http: target }, CALL_MS);
  expect(said).toBe(`POST ${target.url}`);
  return publisher;
}

/** A WebSocket client of the server from its cursor: each message with when it arrived. */
async function subscriber(since: number): Promise<{ received: { message: Message; atMs: number }[] }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=${since}`);
  started.push({ close: () => ws.close() });
  const received: { message: Message; atMs: number }[] = [];
  ws.on('message', (data: Buffer) => received.push({ message: JSON.parse(data.toString('utf8')) as Message, atMs: nowMs() }));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  await waitFor(() => server.stats().strategies.websocket.attached > 0, 'the subscriber to attach');
  return { received };
}

describe('the publisher process', () => {
  it(
    'publishes open loop through a slow API: every publish is sent before the first is answered, stored with its planned time, ' +
      'and both latencies include the wait',
    { timeout: 60_000 },
    async () => {
      const gateway = new Gateway(() => 'forward', GATEWAY_DELAY_MS);
      const child = await publisherFor(gateway);
      const first = server.source.head + 1;
      const { received } = await subscriber(first - 1);
      const offsetsMs = [0, 40, 80, 120, 160];
      // Planned a little ahead, so that the first publish is not late already when the call arrives.
      const startAtMs = nowMs() + 300;
      const report = await child.call('runSchedule', { offsetsMs, durationMs: 200, payloadBytes: 8, startAtMs }, CALL_MS);

      expect(report.schedule.seqs).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
      expect(report.publishing).toMatchObject({ publisher: 'http', planned: 5, answered: 5, failed: 0, retries: 0, waited: 0, failuresByCause: {} });
      // Open loop: the gateway had every publish before it answered the first one.
      expect(gateway.arrivals).toHaveLength(5);
      expect(Math.max(...gateway.arrivals.map((a) => a.atMs))).toBeLessThan(gateway.firstAnswerAtMs!);
      // Each carried its planned time, exactly, and the server stored that as the message's t.
      const planned = offsetsMs.map((offset) => startAtMs + offset);
      expect(gateway.arrivals.map((a) => a.t).sort((a, b) => a - b)).toEqual(planned);
      await waitFor(() => received.length === 5, 'the five messages');
      expect(received.map((r) => r.message.t).sort((a, b) => a - b)).toEqual(planned);
      expect(received.map((r) => r.message.payload)).toEqual(Array(5).fill('xxxxxxxx'));
      // Delivery latency counts from the planned time, so the gateway's wait is in it; so is each publish's own.
      for (const { message, atMs } of received) expect(atMs - message.t).toBeGreaterThanOrEqual(GATEWAY_DELAY_MS - CLOCK_SLACK_MS);
      expect(report.publishing.latencyUs.count).toBe(5);
      expect(report.publishing.latencyUs.p50).toBeGreaterThanOrEqual(GATEWAY_DELAY_MS * 1000);
      expect(report.load.cpuMs).toBeGreaterThan(0);
      expect(report.brokerTraffic).toBeNull();
    },
  );

  it('tries a 503 and a 504 again after a backoff, gives a 400 up at once, and publishes nothing twice', { timeout: 60_000 }, async () => {
    const startAtMs = nowMs() + 300;
    const offsetsMs = [0, 100, 200];
    const [a, b, c] = offsetsMs.map((offset) => startAtMs + offset);
    // Decided by each publish's planned time, never by arrival order: the same outcome however the machine runs.
    const gateway = new Gateway(({ t }, attempt) => {
      if (t === a) return attempt === 1 ? 503 : 'forward';
      if (t === b) return 400;
      if (t === c) return attempt <= 2 ? 504 : 'forward';
      return 500;
    });
    const child = await publisherFor(gateway);
    const before = server.source.head;
    const report = await child.call('runSchedule', { offsetsMs, durationMs: 300, payloadBytes: 4, startAtMs }, CALL_MS);

    expect(report.publishing).toMatchObject({ planned: 3, answered: 2, failed: 1, retries: 3, failuresByCause: { '503': 1, '400': 1, '504': 2 } });
    expect(report.schedule.seqs).toEqual([before + 1, before + 2]);
    expect(gateway.forwarded).toBe(2);
    expect(server.source.head).toBe(before + 2);
    // Each retry came after its backoff: the answered publishes waited at least one.
    expect(report.publishing.latencyUs.count).toBe(2);
    expect(report.publishing.latencyUs.max).toBeGreaterThanOrEqual(PUBLISH_FIRST_BACKOFF_MS * 1000);
    // The planned times of the stored messages are those of the publishes that got through.
    expect(
      server.source
        .since(before)
        .messages.map((m) => m.t)
        .sort((x, y) => x - y),
    ).toEqual([a, c]);
  });

  it(
    'tries an attempt that timed out again where the target honours Idempotency-Key, with the same key, and stores it once',
    { timeout: 60_000 },
    async () => {
      // As PHP behind a stalled nginx: the first attempt is stored but its answer never comes back; the next attempt
      // of the same key is answered with the seq stored under it.
      const seqByKey = new Map<string, number>();
      const keysSeen: string[] = [];
      const keyed = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const key = req.headers['idempotency-key'] as string;
          keysSeen.push(key);
          const stored = seqByKey.get(key);
          if (stored !== undefined) return res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ seq: stored }));
          const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
          void fetch(`${server.url}/api/publish`, { method: 'POST', headers, body: Buffer.concat(chunks).toString('utf8') })
            .then((upstream) => upstream.json() as Promise<{ seq: number }>)
            .then(({ seq }) => seqByKey.set(key, seq));
        });
      });
      await new Promise<void>((resolve) => keyed.listen(0, '127.0.0.1', resolve));
      started.push({ close: () => (keyed.closeAllConnections(), keyed.close()) });
      const url = `http://127.0.0.1:${(keyed.address() as AddressInfo).port}/api/publish`;
      publisher = new RpcChild<PublisherProtocol>('publisher process', PUBLISHER_FILE);
      await publisher.call('start', { http: { url, method: 'POST', headers: { 'content-type': 'application/json' }, idempotent: true } }, CALL_MS);
      const before = server.source.head;
      const startAtMs = nowMs() + 300;
      const schedule = { offsetsMs: [0, 100], durationMs: 200, payloadBytes: 4, startAtMs, attemptTimeoutMs: 400, giveUpMs: 10_000 };
      const report = await publisher.call('runSchedule', schedule, CALL_MS);

      expect(report.publishing).toMatchObject({ planned: 2, answered: 2, failed: 0, retries: 2, failuresByCause: { timeout: 2 } });
      expect(report.schedule.seqs).toEqual([before + 1, before + 2]);
      expect(server.source.head).toBe(before + 2);
      // Two publishes, two attempts each, each publish's attempts under one key of its own.
      expect(keysSeen).toHaveLength(4);
      expect(new Set(keysSeen).size).toBe(2);
    },
  );

  it('gives a publish up at once when its attempt times out and the target does not honour keys', { timeout: 60_000 }, async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    started.push({ close: () => (silent.closeAllConnections(), silent.close()) });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/publish`;
    publisher = new RpcChild<PublisherProtocol>('publisher process', PUBLISHER_FILE);
    await publisher.call('start', { http: { url, method: 'POST', headers: { 'content-type': 'application/json' } } }, CALL_MS);
    const schedule = { offsetsMs: [0], durationMs: 100, payloadBytes: 4, startAtMs: nowMs() + 100, attemptTimeoutMs: 300, giveUpMs: 10_000 };
    const report = await publisher.call('runSchedule', schedule, CALL_MS);
    expect(report.publishing).toMatchObject({ planned: 1, answered: 0, failed: 1, retries: 0, failuresByCause: { timeout: 1 } });
  });
});
