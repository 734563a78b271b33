import type { ShootoutStep } from './results.js';

/**
 * hashrocket's websocket-shootout capacity (github.com/hashrocket/websocket-shootout, its websocket-bench
 * "broadcast" command): the most clients a server holds while broadcasts reach them with the 95th percentile
 * of latency within a limit, 500 ms by default. There the clients grow by a fixed step and each step times 20
 * broadcasts from a client's request to the server's answer once all have it; here each step is a full run at
 * one broadcast a second, timed from each message's publication to each client's receipt, and the sizes are
 * searched (doubling, then bisection) instead of stepped.
 */
export const SHOOTOUT_LIMIT_P95_US = 500_000;

/** A step passes when every client got every message, in order, once, and the p95 latency is within the limit. */
export function shootoutStepPasses(step: Omit<ShootoutStep, 'passed'>, limitP95Us: number): boolean {
  return step.valid && step.missed === 0 && step.p95Us !== null && step.p95Us <= limitP95Us;
}
