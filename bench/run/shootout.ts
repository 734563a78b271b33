import type { RunResult, Scenario, ShootoutResult, ShootoutStep } from '../../results/results.js';
import { shootoutStepPasses } from '../../results/shootout.js';
import { decodeHistogram } from '../measure/histogram.js';
import { searchCapacity } from '../plan/capacity-search.js';
import type { ShootoutSearch } from '../plan/preset.js';
import { findStrategy } from '../plan/strategies.js';
import { strategyLabel } from './assemble.js';

/** Thrown by a step's run when the bench was stopped: the search ends without a result. */
class SearchStopped extends Error {}

/** The 95th percentile of a run's delivery latency, from its histogram (the summary keeps p50/p90/p99); null without samples. */
export function p95LatencyUs(run: RunResult): number | null {
  if (run.latencyUs.count === 0) return null;
  return decodeHistogram(run.latencyHistogram).getValueAtPercentile(95);
}

/** What a run says about its size: its p95, what it missed, whether it was valid, and whether it passed. */
export function shootoutStep(run: RunResult, limitP95Us: number): ShootoutStep {
  const step = {
    clients: run.scenario.clients,
    p95Us: p95LatencyUs(run),
    missed: run.messages.missed,
    valid: run.problems.length === 0 && run.messages.duplicated === 0 && run.messages.outOfOrder === 0,
  };
  return { ...step, passed: shootoutStepPasses(step, limitP95Us) };
}

/**
 * One strategy's shootout capacity: `runAt` runs the search's base scenario at the size the search picks (and
 * returns null when the bench was stopped, which ends the search without a result).
 */
export async function runShootout(
  strategy: string,
  search: ShootoutSearch,
  runAt: (scenario: Scenario) => Promise<RunResult | null>,
): Promise<ShootoutResult | null> {
  const steps: ShootoutStep[] = [];
  try {
    const { outcome } = await searchCapacity(search.sizes, async (clients) => {
      const run = await runAt({ ...search.base, clients });
      if (run === null) throw new SearchStopped();
      const step = shootoutStep(run, search.limitP95Us);
      steps.push(step);
      return step.passed;
    });
    return { strategy: strategyLabel(findStrategy(strategy)!.info), limitP95Us: search.limitP95Us, ...outcome, steps };
  } catch (error) {
    if (error instanceof SearchStopped) return null;
    throw error;
  }
}
