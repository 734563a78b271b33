import type { Scenario } from '../../results/results.js';
import type { CapacityPlan } from './capacity-plan.js';
import type { CapacitySearchPlan } from './capacity-search.js';

/**
 * The quick preset's scenario: 100 clients, one message every 2 s on average, a 1 s poll, 8 s of publishing. A
 * preset that retraces it another way (another fleet, another size) starts from it.
 */
export const QUICK_SCENARIO: Scenario = {
  clients: 100,
  ratePerSec: 0.5,
  durationSec: 8,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 2,
};

export type RunFilter = (strategy: string, scenario: Scenario) => boolean;

/** A named list of scenarios; each scenario is run once per selected strategy. */
export interface Preset {
  name: string;
  description: string;
  scenarios: readonly Scenario[];
  /** Strategies run when --strategies is not given; absent: pushbench's own, without the references. */
  strategies?: readonly string[];
  /** Client processes per run when --client-processes is not given; absent: one per 2,500 clients. */
  clientProcesses?: number;
  /**
   * Which strategy runs in which of the scenarios (as the preset wrote them, flags applied); absent: every strategy
   * in every scenario. For a preset whose strategies need different settings (a pool only PHP has, a proxy only in
   * front of one of ours).
   */
  runsIn?: RunFilter;
  /** Capacity probes (autocannon against each HTTP endpoint) to run after the scenarios. */
  capacity?: CapacityPlan;
  /** A capacity search per strategy after the scenarios (the shootout): runs of `base` at the sizes it picks. */
  search?: ShootoutSearch;
}

export interface ShootoutSearch {
  /** The scenario of every step; its clients are the search's. */
  base: Scenario;
  sizes: CapacitySearchPlan;
  /** A step passes with its p95 delivery latency at most this, µs (and nothing missed). */
  limitP95Us: number;
}
