import { describe, expect, it } from 'vitest';
import { churnPlan } from '../../../bench/fleet/churn.js';
import { Bench } from '../../../bench/run/harness.js';
import { isValidRun, type Scenario } from '../../../results/results.js';
import { publishSchedule } from '../../../bench/plan/schedule.js';
import { OWN_STRATEGY_NAMES } from '../../../bench/plan/strategies.js';

describe('churnPlan', () => {
  it('picks round(share × clients) distinct clients, each dropping once inside the schedule, from the seed', () => {
    const plan = churnPlan(7, 40, 0.25, 10_000);
    const drops = plan.filter((at): at is number => at !== null);
    expect(drops).toHaveLength(10);
    for (const at of drops) {
      expect(at).toBeGreaterThanOrEqual(1_000);
      expect(at).toBeLessThanOrEqual(7_000);
    }
    expect(churnPlan(7, 40, 0.25, 10_000)).toEqual(plan);
    expect(churnPlan(8, 40, 0.25, 10_000)).not.toEqual(plan);
    expect(churnPlan(7, 40, 0, 10_000).every((at) => at === null)).toBe(true);
    expect(churnPlan(7, 3, 1, 1_000).every((at) => at !== null)).toBe(true);
  });
});

const CHURN: Scenario = {
  clients: 8,
  ratePerSec: 5,
  durationSec: 3,
  payloadBytes: 50,
  pollIntervalMs: 200,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 11,
  churn: 0.5,
};

describe('client churn, end to end', () => {
  it('delivers every message exactly once and in order to clients that drop and resume, for every strategy', { timeout: 180_000 }, async () => {
    const bench = new Bench({ preset: 'test', command: 'vitest', runs: OWN_STRATEGY_NAMES.map((strategy) => ({ strategy, scenario: CHURN })) });
    const results = await bench.run();
    const published = publishSchedule(CHURN).length;
    expect(published).toBeGreaterThan(5);
    expect(results.runs.map((run) => run.strategy.name)).toEqual(OWN_STRATEGY_NAMES);
    for (const run of results.runs) {
      const name = run.strategy.name;
      expect(run.problems, name).toEqual([]);
      expect(isValidRun(run), name).toBe(true);
      expect(run.messages, name).toMatchObject({
        published,
        expected: published * 8,
        delivered: published * 8,
        missed: 0,
        duplicated: 0,
        outOfOrder: 0,
      });
      expect(run.churnedClients, name).toBe(4);
      // Each dropped client opened exactly one new connection to carry on.
      expect(run.connections.opened, name).toBe(8 + 4);
    }
  });
});
