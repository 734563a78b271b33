import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../../../bench/plan/capacity-plan.js';
import { capacityProbes } from '../../../bench/capacity/h2load-probe.js';
import { h2loadAvailable, parseReport, runH2load, runnableHttpVersions, type Killable } from '../../../bench/capacity/h2load.js';
import { PushServer } from '../../../servers/app.js';
import { missing } from '../../requirements.js';

/** h2load 1.52's report, as it prints it, followed by bash's `times` (the shell's, then its children's). */
const OUTPUT = `starting benchmark...
Application protocol: h2c
finished in 1.01s, 2981.00 req/s, 163.50KB/s
requests: 2981 total, 2985 started, 2981 done, 2975 succeeded, 6 failed, 2 errored, 1 timeout
status codes: 2985 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 163.50KB (167428) total, 8.97KB (9187) headers (space savings 95.67%), 75.79KB (77610) data
                     min         max         mean         sd        +/- sd
time for request:       46us    275.66ms      1.31ms     10.59ms    99.19%
0m0.002s 0m0.000s
0m0.723s 0m0.034s
`;

/** Its per-request log: start time (µs), status, elapsed (µs). */
const LOG = ['1795964601463779\t200\t400', '1795964601463764\t200\t100', '1795964601479448\t200\t300', '1795964601479449\t200\t200', ''].join('\n');

describe('h2load’s report', () => {
  it('gives the answers, the bytes, exact percentiles from the per-request log, and h2load’s own CPU', () => {
    expect(parseReport(OUTPUT, LOG, 1_500)).toEqual({
      ok: 2975,
      errors: 3,
      timeouts: 1,
      non2xx: 3,
      durationSec: 1.01,
      responseBytes: 167428,
      latencyUs: { p50: 200, p90: 400, p99: 400, max: 400, mean: 250 },
      load: { cpuMs: 757, windowMs: 1_500, eventLoopDelayP99Us: 0, eventLoopDelayMaxUs: 0 },
    });
  });

  it('refuses output it does not understand, rather than report zeros', () => {
    expect(() => parseReport('segmentation fault\n', '', 10)).toThrow(/h2load's report was not understood/);
  });
});

describe('without h2load', () => {
  it('is not found when its binary is not there', () => {
    expect(h2loadAvailable('pushbench-no-such-h2load')).toBe(false);
  });

  it('says so in one line and drops only the HTTP/2 probes: the HTTP/1.1 ones still run', () => {
    const { versions, missing } = runnableHttpVersions(['1.1', '2'], false);
    expect(missing).toBe(
      'pushbench: h2load not found (Debian package nghttp2-client: sudo apt-get install nghttp2-client): the HTTP/2 capacity probes are skipped',
    );
    expect(capacityProbes({ ...DEFAULT_CAPACITY, httpVersions: versions })).toEqual([
      { endpoint: 'short-poll', httpVersion: '1.1', tls: false },
      { endpoint: 'long-poll', httpVersion: '1.1', tls: false },
      { endpoint: 'publish', httpVersion: '1.1', tls: false },
    ]);
    // Over TLS too, when the plan asks for it: cleartext first, each over the versions that can run.
    expect(capacityProbes({ ...DEFAULT_CAPACITY, httpVersions: versions, tls: [false, true] }).map((p) => `${p.endpoint} ${p.tls}`)).toEqual([
      'short-poll false',
      'long-poll false',
      'publish false',
      'short-poll true',
      'long-poll true',
      'publish true',
    ]);
  });

  it('changes nothing when h2load is there, or when no HTTP/2 probe was asked for', () => {
    expect(runnableHttpVersions(['1.1', '2'], true)).toEqual({ versions: ['1.1', '2'] });
    expect(runnableHttpVersions(['1.1'], false)).toEqual({ versions: ['1.1'] });
  });
});

let server: PushServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.skipIf(missing(['h2load'], 'h2load against the server'))('h2load against the server', () => {
  it('drives an endpoint over HTTP/2 for a fixed time, and is unregistered once it has exited', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const tracked = new Set<Killable>();
    const report = await runH2load(
      { url: `${server.url}/api/poll?since=0`, method: 'GET', headers: { Cookie: 'sid=abc' }, connections: 2, durationSec: 1 },
      (child) => {
        tracked.add(child);
        return () => tracked.delete(child);
      },
    );
    expect(tracked.size).toBe(0);
    expect(report.ok).toBeGreaterThan(0);
    expect(report.errors + report.non2xx).toBe(0);
    expect(report.latencyUs.p50).toBeGreaterThan(0);
    expect(report.latencyUs.p99).toBeGreaterThanOrEqual(report.latencyUs.p50);
    // The server saw HTTP/2: two sessions, every request a stream, counted as the strategy's.
    expect(server.http2.sessionsOpened).toBe(2);
    expect(server.stats().strategies['short-polling'].requests).toBeGreaterThanOrEqual(report.ok);
  });
});
