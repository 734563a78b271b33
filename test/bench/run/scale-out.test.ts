import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBenchRedis, type PreparedRedis } from '../../../bench/run/redis-service.js';
import { Bench } from '../../../bench/run/harness.js';
import { OWN_STRATEGY_NAMES } from '../../../bench/plan/strategies.js';
import { isValidRun, type Scenario } from '../../../results/results.js';
import { isAlive } from '../../helpers.js';
import { missing } from '../../requirements.js';

const BASE: Scenario = {
  clients: 20,
  ratePerSec: 8,
  durationSec: 3,
  payloadBytes: 50,
  pollIntervalMs: 300,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 3,
  source: 'redis',
};

let prepared: PreparedRedis;

/** Cluster workers are forked by the primary, not by the bench: none may outlive the run. */
function workersAlive(): string {
  try {
    return execFileSync('pgrep', ['-f', 'bench/children/cluster-worker.ts'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

describe.skipIf(missing(['redis-server'], 'the Redis source in the bench'))('the Redis source in the bench', () => {
  beforeAll(async () => {
    prepared = await prepareBenchRedis(undefined);
  });

  afterAll(async () => {
    await prepared.stop();
  });

  it.each(OWN_STRATEGY_NAMES)(
    '%s: one of two server processes killed mid-run, 0 lost, 0 duplicated, and its clients timed back',
    { timeout: 120_000 },
    async (strategy) => {
      const scenario: Scenario = { ...BASE, serverProcesses: 2, restartAtSec: 1.4 };
      const bench = new Bench({ preset: 'test', command: 'vitest', runs: [{ strategy, scenario }], redis: prepared.redis });
      const { runs } = await bench.run();
      const run = runs[0];
      expect(run.problems).toEqual([]);
      // Fixed arrivals: 8/s for 3 s is 24 messages, every one to every client, from whichever process it is on.
      expect(run.messages.published).toBe(24);
      expect(run.messages.delivered).toBe(24 * 20);
      expect(run.messages.missed).toBe(0);
      expect(run.messages.duplicated).toBe(0);
      expect(run.messages.outOfOrder).toBe(0);
      // The log outlived the process: nobody was told of a gap.
      expect(run.messages.gaps).toBe(0);
      expect(isValidRun(run)).toBe(true);
      expect(run.restart!.lost).toEqual([]);
      expect(run.restart!.publishedBeforeKill).toBeGreaterThan(0);
      const recovery = run.recovery!;
      expect(recovery.processes).toBe(2);
      if (strategy !== 'short-polling') {
        // The killed process's clients, and only they: about half, spread round-robin.
        expect(recovery.affectedClients).toBeGreaterThan(0);
        expect(recovery.affectedClients).toBeLessThan(20);
        expect(recovery.reattachMs.p100).not.toBeNull();
        expect(recovery.firstMessageMs.p100).not.toBeNull();
        expect(recovery.reconnectAttempts).toBeGreaterThanOrEqual(recovery.affectedClients);
        expect(recovery.curve.at(-1)![1]).toBe(recovery.affectedClients);
      }
      expect(bench.childPids.filter(isAlive)).toEqual([]);
      expect(workersAlive()).toBe('');
    },
  );

  it('memory and Redis in one run: the same messages, and the broker’s CPU and bytes for the Redis run only', { timeout: 120_000 }, async () => {
    const runsPlanned = (['memory', 'redis'] as const).map((source) => ({ strategy: 'websocket', scenario: { ...BASE, source } }));
    const bench = new Bench({ preset: 'test', command: 'vitest', runs: runsPlanned, redis: prepared.redis });
    const [memory, redis] = (await bench.run()).runs;
    for (const run of [memory, redis]) {
      expect(run.problems).toEqual([]);
      expect(run.messages.delivered).toBe(24 * 20);
    }
    expect(memory.broker).toBeUndefined();
    const broker = redis.broker!;
    expect(broker.published).toBe(24);
    // Each publish is a script call to Redis; the one server process's reader gets each entry back.
    expect(broker.bytesToRedis).toBeGreaterThan(24 * 100);
    expect(broker.bytesFromRedis).toBeGreaterThan(24 * 100);
    expect(broker.redisCpuMs).not.toBeNull();
    expect(broker.redisCpuMs!).toBeGreaterThanOrEqual(0);
    // Both ends counted the same bytes: the Redis source changes nothing on the clients' wire but the seqs.
    expect(redis.bytes.serverSide).toEqual({ clientToServer: redis.bytes.clientToServer, serverToClient: redis.bytes.serverToClient });
  });

  it('the only server process killed and restarted, exponential backoff: nothing lost, every client back', { timeout: 120_000 }, async () => {
    const scenario: Scenario = { ...BASE, restartAtSec: 1.4, backoff: 'exponential' };
    const bench = new Bench({ preset: 'test', command: 'vitest', runs: [{ strategy: 'websocket', scenario }], redis: prepared.redis });
    const run = (await bench.run()).runs[0];
    expect(run.problems).toEqual([]);
    expect(run.messages.missed).toBe(0);
    expect(run.messages.duplicated).toBe(0);
    expect(run.recovery!.affectedClients).toBe(20);
    expect(run.recovery!.reattachMs.p100).not.toBeNull();
  });
});
