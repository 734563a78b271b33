import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bench } from '../../../bench/run/harness.js';
import { prepareBenchRedis, type PreparedRedis } from '../../../bench/run/redis-service.js';
import { publisherFiguresOf, isValidRun, type RunResult, type Scenario } from '../../../results/results.js';
import { printSummary } from '../../../reports/summary.js';
import { renderReport } from '../../../reports/render.js';
import { decodeHistogram } from '../../../bench/measure/histogram.js';
import { missing } from '../../requirements.js';

/**
 * The three publishers end to end, each a whole run of the bench: the server process itself, a publisher process
 * through the API, a publisher process straight into the Redis stream (a real redis-server). Fixed arrivals, so
 * that every run publishes the same planned messages.
 */
const BASE: Scenario = {
  clients: 6,
  ratePerSec: 5,
  durationSec: 2,
  payloadBytes: 40,
  pollIntervalMs: 500,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 4,
};
/** 5 a second for 2 s. */
const PLANNED = 10;

let prepared: PreparedRedis;
let runs: RunResult[];
let summary: string;
let html: string;

describe.skipIf(missing(['redis-server'], 'the publishers in the bench'))('who publishes', () => {
  beforeAll(async () => {
    prepared = await prepareBenchRedis(undefined);
    const bench = new Bench({
      preset: 'test',
      command: 'vitest',
      runs: [
        { strategy: 'long-polling', scenario: BASE },
        { strategy: 'long-polling', scenario: { ...BASE, publisher: 'http' } },
        { strategy: 'long-polling', scenario: { ...BASE, source: 'redis', publisher: 'redis' } },
      ],
      redis: prepared.redis,
    });
    const results = await bench.run();
    runs = results.runs;
    summary = printSummary(results, 'report.html');
    html = renderReport(results);
  }, 180_000);

  afterAll(async () => {
    await prepared.stop();
  });

  it('delivers every planned message exactly once to every client, whoever publishes', () => {
    expect(runs.map((run) => [run.problems, run.messages.published, run.messages.delivered, isValidRun(run)])).toEqual([
      [[], PLANNED, PLANNED * BASE.clients, true],
      [[], PLANNED, PLANNED * BASE.clients, true],
      [[], PLANNED, PLANNED * BASE.clients, true],
    ]);
  });

  it('labels the in-process run as such, with no publish to time', () => {
    expect(runs[0].publishing).toEqual({ publisher: 'in-process' });
    expect(publisherFiguresOf(runs[0])).toBeUndefined();
  });

  it('records a publisher process’s publishes apart: every one answered, its latency histogram, its CPU', () => {
    for (const [run, kind] of [
      [runs[1], 'http'],
      [runs[2], 'redis'],
    ] as const) {
      const p = publisherFiguresOf(run)!;
      expect(p).toMatchObject({ publisher: kind, planned: PLANNED, answered: PLANNED, failed: 0, retries: 0, waited: 0, failuresByCause: {} });
      expect(p.latencyUs.count).toBe(PLANNED);
      expect(decodeHistogram(p.latencyHistogram).totalCount).toBe(PLANNED);
      expect(p.cpuMs).toBeGreaterThan(0);
      expect(run.latencyUs.count).toBe(PLANNED * BASE.clients);
    }
    expect(publisherFiguresOf(runs[1])!.target).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/api\/publish$/);
    expect(publisherFiguresOf(runs[2])!.target).toMatch(/^redis \{pushbench-run-\d+-\d+\}:log$/);
  });

  it('counts the redis publisher’s own appends in what the broker carried', () => {
    const broker = runs[2].broker!;
    expect(broker.published).toBe(PLANNED);
    // Every append is a script call with the message in it: at least the payload's bytes each.
    expect(broker.bytesToRedis).toBeGreaterThan(PLANNED * BASE.payloadBytes);
  });

  it('keeps the clients’ requests and bytes per message: publishing from elsewhere changes what the clients see by nothing', () => {
    const [inProcess, http] = runs;
    expect(http.requests.total).toBe(inProcess.requests.total);
    // A message's `t` is a planned time rather than the server's clock: its digits may differ by a few bytes.
    expect(Math.abs(http.bytes.serverToClient - inProcess.bytes.serverToClient)).toBeLessThanOrEqual(PLANNED * BASE.clients * 4);
  });

  it('says so in the summary and in the report', () => {
    expect(summary).toContain(`PUBLISH long-polling (published through the HTTP API): ${PLANNED}/${PLANNED} answered by POST http://127.0.0.1:`);
    expect(summary).toContain(`PUBLISH long-polling (Redis source · published straight into Redis): ${PLANNED}/${PLANNED} answered by redis {`);
    expect(summary).toContain('the other runs published in-process: their latency counts from when the server process stored each message');
    expect(html).toContain('<section class="claim" id="publishing">');
    expect(html).toContain('The 1 other run of these results published in-process');
  });
});
