import { describe, expect, it } from 'vitest';
import { isAlive } from '../../helpers.js';
import { Bench } from '../../../bench/run/harness.js';
import { OWN_STRATEGY_NAMES } from '../../../bench/plan/strategies.js';
import type { Scenario } from '../../../results/results.js';

const FAULT: Scenario = {
  clients: 6,
  ratePerSec: 8,
  durationSec: 3,
  payloadBytes: 50,
  pollIntervalMs: 300,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 3,
  restartAtSec: 1.4,
};

describe('a server killed and restarted mid-run', () => {
  it.each(OWN_STRATEGY_NAMES)(
    '%s: clients reconnect, and the run names exactly the messages lost with the old process',
    { timeout: 120_000 },
    async (strategy) => {
      const bench = new Bench({ preset: 'test', command: 'vitest', runs: [{ strategy, scenario: FAULT }] });
      const { runs } = await bench.run();
      const run = runs[0];
      const restart = run.restart!;
      // Fixed arrivals: 8/s for 3 s is 24 messages, split between the two processes.
      expect(run.messages.published).toBe(24);
      expect(restart.publishedBeforeKill).toBeGreaterThan(0);
      expect(restart.publishedBeforeKill).toBeLessThan(24);
      expect(run.messages.expected).toBe(24 * 6);
      expect(run.messages.delivered + run.messages.missed).toBe(24 * 6);
      // Nothing is repeated or reordered across the restart...
      expect(run.messages.duplicated).toBe(0);
      expect(run.messages.outOfOrder).toBe(0);
      // ...the losses are exactly the messages the killed process published and some client had not read...
      expect(restart.lost.reduce((sum, lost) => sum + lost.clients, 0)).toBe(run.messages.missed);
      for (const { seq } of restart.lost) expect(seq).toBeLessThanOrEqual(restart.publishedBeforeKill);
      // ...and the new process delivered everything it published to every client.
      expect(run.messages.missed).toBeLessThanOrEqual(restart.publishedBeforeKill * 6);
      // The clients that missed anything are named by the seqs they missed, all of the killed process.
      const missed = run.problems.find((problem) => typeof problem !== 'string' && problem.code === 'messages-missed');
      if (run.messages.missed === 0) expect(missed).toBeUndefined();
      else expect(missed).toMatchObject({ code: 'messages-missed', missed: run.messages.missed });
      const examples = missed && typeof missed !== 'string' && missed.code === 'messages-missed' ? missed.examples : [];
      for (const seq of examples.flatMap((example) => example.firstSeqs)) expect(seq).toBeLessThanOrEqual(restart.publishedBeforeKill);
      expect(run.problems.filter((problem) => typeof problem === 'string' || problem.code !== 'messages-missed')).toEqual([]);
      // Every client learned that it may have lost something: the old cursor is older than the new ring.
      expect(run.messages.gaps).toBe(6);
      expect(run.warnings).toContainEqual(expect.objectContaining({ code: 'gaps-signalled', clients: 6, gaps: 6 }));
      expect(run.requests.reconnects).toBeGreaterThan(0);
      expect(bench.childPids).toHaveLength(3);
      expect(bench.childPids.filter(isAlive)).toEqual([]);
    },
  );
});
