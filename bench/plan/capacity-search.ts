/**
 * The search of a shootout capacity (hashrocket's websocket-shootout): the most clients a server holds while one
 * broadcast a second reaches them with p95 latency within a limit. Each step is a run at a number of clients that
 * passes or fails; the next step is decided from the steps so far, so the search is a pure function of its
 * measurements. It doubles from `startClients` until a step fails (or `maxClients` passes), then bisects between
 * the largest pass and the smallest fail until they are `resolution` clients apart, never taking more than
 * `maxSteps` steps. A noisy measure may pass above a fail: the boundary is then the largest pass below the
 * smallest fail, so the capacity is never a size that was seen to fail.
 */
export interface CapacitySearchPlan {
  startClients: number;
  maxClients: number;
  /** The search stops when the largest pass and the smallest fail are this close (clients). */
  resolution: number;
  maxSteps: number;
}

export interface SearchStep {
  clients: number;
  passed: boolean;
}

export type SearchStop = 'boundary' | 'max-clients' | 'max-steps' | 'below-resolution';

export interface SearchOutcome {
  /** The largest passing size below the smallest failing one; 0 when none passed. */
  capacity: number;
  /** The smallest failing size, when one failed: the capacity lies in [capacity, failedAt). */
  failedAt?: number;
  stoppedBy: SearchStop;
}

/** Where the steps so far put the boundary: the largest pass below the smallest fail. */
function bounds(steps: readonly SearchStep[]): { pass: number; fail: number | undefined } {
  const fails = steps.filter((s) => !s.passed).map((s) => s.clients);
  const fail = fails.length === 0 ? undefined : Math.min(...fails);
  const passes = steps.filter((s) => s.passed && (fail === undefined || s.clients < fail)).map((s) => s.clients);
  return { pass: passes.length === 0 ? 0 : Math.max(...passes), fail };
}

/** The next size to measure, or the outcome when the search is over. */
export function nextSearchStep(plan: CapacitySearchPlan, steps: readonly SearchStep[]): { clients: number } | { done: SearchOutcome } {
  const { pass, fail } = bounds(steps);
  const outcome = (stoppedBy: SearchStop): { done: SearchOutcome } => ({
    done: { capacity: pass, ...(fail !== undefined && { failedAt: fail }), stoppedBy },
  });
  if (steps.length === 0) return { clients: Math.min(plan.startClients, plan.maxClients) };
  if (fail === undefined) {
    if (pass >= plan.maxClients) return outcome('max-clients');
    if (steps.length >= plan.maxSteps) return outcome('max-steps');
    return { clients: Math.min(pass * 2, plan.maxClients) };
  }
  if (fail - pass <= plan.resolution) return outcome(pass === 0 && fail <= plan.resolution ? 'below-resolution' : 'boundary');
  if (steps.length >= plan.maxSteps) return outcome('max-steps');
  // The midpoint on the resolution's grid, strictly between the bounds.
  const mid = Math.round((pass + fail) / 2 / plan.resolution) * plan.resolution;
  return { clients: Math.min(Math.max(mid, pass + plan.resolution), fail - 1) };
}

/** Runs the whole search against `measure` (a run at that many clients: passed or not), step by step. */
export async function searchCapacity(
  plan: CapacitySearchPlan,
  measure: (clients: number) => Promise<boolean>,
): Promise<{ steps: SearchStep[]; outcome: SearchOutcome }> {
  const steps: SearchStep[] = [];
  for (;;) {
    const next = nextSearchStep(plan, steps);
    if ('done' in next) return { steps, outcome: next.done };
    steps.push({ clients: next.clients, passed: await measure(next.clients) });
  }
}
