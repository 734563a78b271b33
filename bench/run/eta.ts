/** One step of a bench: a run of one strategy in one scenario, or a capacity probe. */
export interface Step {
  /** The part of the step whose length is known in advance: the schedule, or autocannon's duration. */
  plannedMs: number;
  /** Simulated clients (0 for a capacity probe): start-up, connection and teardown grow with them. */
  clients: number;
}

/** Process start-up, connection, drain and teardown of a step, before any step has been timed. */
export const ASSUMED_OVERHEAD_MS = 4_000;

/**
 * The ETA over a whole matrix. A step's overhead (its wall time beyond the planned part) is modelled as a fixed
 * part plus a part per client, both learned from the steps finished so far: the fixed part is the smallest
 * overhead seen, the per-client part the largest excess per client. The first 10,000-client run is then
 * estimated from the 1,000-client one instead of from a 100-client one.
 */
export class EtaEstimator {
  private readonly overheads: { clients: number; ms: number }[] = [];

  constructor(private readonly steps: readonly Step[]) {}

  /** Records that step `index` took `wallTimeMs` in all. */
  finished(index: number, wallTimeMs: number): void {
    const step = this.steps[index];
    if (step) this.overheads.push({ clients: step.clients, ms: Math.max(0, wallTimeMs - step.plannedMs) });
  }

  estimateMs(step: Step): number {
    if (this.overheads.length === 0) return step.plannedMs + ASSUMED_OVERHEAD_MS;
    const fixedMs = Math.min(...this.overheads.map((o) => o.ms));
    const perClientMs = Math.max(0, ...this.overheads.filter((o) => o.clients > 0).map((o) => (o.ms - fixedMs) / o.clients));
    return step.plannedMs + fixedMs + perClientMs * step.clients;
  }

  /** Time left: what remains of the current step (started `elapsedInCurrentMs` ago) and every step after it. */
  remainingMs(current: number, elapsedInCurrentMs: number): number {
    const step = this.steps[current];
    const inCurrent = step ? Math.max(0, this.estimateMs(step) - elapsedInCurrentMs) : 0;
    return inCurrent + this.steps.slice(current + 1).reduce((total, next) => total + this.estimateMs(next), 0);
  }
}
