import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP2_LIMITS } from '../../../servers/constants.js';
import type { ServerStats } from '../../../servers/observe/stats.js';
import { waitFor } from '../../helpers.js';
import { h2request, headersFrame, rawHttp2, requestFields, SETTING, type RawHttp2 } from './helpers.js';

/*
 * Attacks on the memory of a server in a process of its own (`npm run serve`), measured by its own counters
 * (/api/stats: RSS now and its peak, sampled every 100 ms), so that the test's own allocations do not count.
 */

let child: ChildProcess | undefined;
const raws: RawHttp2[] = [];
const sessions: http2.ClientHttp2Session[] = [];

afterEach(async () => {
  for (const { socket } of raws.splice(0)) socket.destroy();
  for (const session of sessions.splice(0)) session.destroy();
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  child = undefined;
});

async function serve(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', 'servers/serve.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(stdout), 'the server', 30_000);
  return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1];
}

async function stats(url: string): Promise<ServerStats> {
  return (await (await fetch(`${url}/api/stats`)).json()) as ServerStats;
}

/** The server's stats once `predicate` holds of them, asked every 50 ms; fails after `timeoutMs`. */
async function statsOnce(url: string, predicate: (stats: ServerStats) => boolean, what: string, timeoutMs = 20_000): Promise<ServerStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await stats(url);
    if (predicate(now)) return now;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fills the ring with `count` messages of `bytes` each, 20 publishes at a time. */
async function fillRing(url: string, count: number, bytes: number): Promise<void> {
  const body = JSON.stringify({ payload: 'x'.repeat(bytes) });
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${url}/api/publish`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })),
    );
  }
}

const MIB = 1024 * 1024;

describe('HTTP/2 sessions that hold server memory', () => {
  it('30 sessions × 100 short polls over a full ring, flow-control window 0, never read: RSS grows by less than 100 MB', async () => {
    // Before the send budget per session this added +724 MiB (each answer of 256 KiB queued for a peer that
    // takes nothing); now each session holds its budget (1 MiB) plus one answer, and its other polls wait.
    const url = await serve();
    await fillRing(url, 1_000, 60_000);
    const port = Number(new URL(url).port);
    const authority = `127.0.0.1:${port}`;
    const before = (await stats(url)).process.rssBytes;
    for (let s = 0; s < 30; s++) {
      const client = rawHttp2(port, [[SETTING.INITIAL_WINDOW_SIZE, 0]], false);
      raws.push(client);
      client.socket.write(
        Buffer.concat(Array.from({ length: 100 }, (_, i) => headersFrame(1 + 2 * i, requestFields('GET', '/api/poll?since=0', authority), true))),
      );
    }
    // Five answers of four 60 KB messages reach each session's budget; its 95 other polls wait.
    let after = await statsOnce(url, (now) => now.http2.waitedForSendBudget >= 30 * 95, 'every session to wait for its budget');
    expect(after.http2.waitedForSendBudget).toBe(30 * 95);
    expect(after.http2.queuedAnswerBytes).toBeLessThanOrEqual(30 * (MIB + 256 * 1024));
    // A normal client is served meanwhile, over both versions.
    const session = http2.connect(url);
    session.on('error', () => {});
    try {
      const answer = await h2request(session, '/api/poll?since=999');
      expect(answer.status).toBe(200);
    } finally {
      session.destroy();
    }
    expect((await fetch(`${url}/api/poll?since=999`)).status).toBe(200);
    after = await stats(url);
    expect(after.process.peakRssBytes - before).toBeLessThan(100 * 1_000_000);
  });

  it('20 sessions × 100 publish bodies of 60 KB never finished: 8 read per session, the rest 503, cut at the body timeout, RSS bounded', async () => {
    // Before the body places per session: +163 MB held until the body timeout (none, before that).
    const url = await serve();
    const before = (await stats(url)).process.rssBytes;
    const body = `{"payload":"${'x'.repeat(60_000 - 12)}`;
    for (let s = 0; s < 20; s++) {
      // node's own client: it keeps to the server's flow-control windows, as a real attacker's must.
      const session = http2.connect(url);
      session.on('error', () => {});
      sessions.push(session);
      for (let i = 0; i < 100; i++) {
        const stream = session.request({ ':method': 'POST', ':path': '/api/publish', 'content-type': 'application/json' }, { endStream: false });
        stream.on('error', () => {});
        stream.resume();
        stream.write(body);
      }
    }
    const { requestBodiesPerSession } = HTTP2_LIMITS;
    const after = await statsOnce(
      url,
      (now) => (now.control.failedByStatus['408'] ?? 0) >= 20 * requestBodiesPerSession,
      'the bodies to be cut at the body timeout',
    );
    expect(after.control.failedByStatus).toMatchObject({ 503: 20 * (100 - requestBodiesPerSession), 408: 20 * requestBodiesPerSession });
    // Handling 2,000 streams costs about 45 MB of its own here; reading every body, as before, cost about 170 MB.
    expect(after.process.peakRssBytes - before).toBeLessThan(80 * 1_000_000);
  }, 40_000);
});
