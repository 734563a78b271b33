import { describe, expect, it } from 'vitest';
import { Bench } from '../../../bench/run/harness.js';
import type { Scenario } from '../../../results/results.js';

/**
 * What the server holds (claim C3), sampled by the server process itself: a long poll parked for every client
 * between messages, nothing for short polling, whose polls are answered at once. Messages every 3 s on average
 * against 4 s of publishing keep the long polls parked most of the time.
 */
const SCENARIO: Scenario = {
  clients: 6,
  ratePerSec: 0.5,
  durationSec: 4,
  payloadBytes: 10,
  pollIntervalMs: 250,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 1,
};

describe('the server’s samples of what it holds', () => {
  it('show long polling parking a request per client and short polling none, within the publishing span', { timeout: 120_000 }, async () => {
    const bench = new Bench({
      preset: 'test',
      command: 'vitest',
      runs: ['long-polling', 'short-polling'].map((strategy) => ({ strategy, scenario: SCENARIO })),
    });
    const results = await bench.run();
    const [long, short] = results.runs;
    for (const run of [long, short]) {
      const { attachedSamples, publishingSpanMs } = run.server;
      expect(attachedSamples!.length, run.strategy.name).toBeGreaterThanOrEqual(5);
      // Times count from the moment the clients start connecting, in order; the schedule ran inside them.
      const times = attachedSamples!.map(([at]) => at);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(publishingSpanMs![0]).toBeGreaterThanOrEqual(0);
      // Both ends are whole milliseconds: the span is the schedule's duration, give or take their rounding.
      expect(publishingSpanMs![1] - publishingSpanMs![0]).toBeGreaterThanOrEqual(SCENARIO.durationSec * 1000 - 2);
      expect(publishingSpanMs![1]).toBeLessThanOrEqual(times.at(-1)!);
    }
    expect(long.server.attachedPeak).toBe(SCENARIO.clients);
    const during = long.server.attachedSamples!.filter(([at]) => at >= long.server.publishingSpanMs![0] && at <= long.server.publishingSpanMs![1]);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...during.map(([, n]) => n))).toBe(SCENARIO.clients);
    expect(short.server.attachedPeak).toBe(0);
    expect(short.server.attachedSamples!.every(([, n]) => n === 0)).toBe(true);
  });
});
