import { performance } from 'node:perf_hooks';
import type { Arrivals } from '../../results/results.js';
import { mulberry32 } from './random.js';
import type { ProcessLoad } from '../measure/process-load.js';

/** A publish that goes out later than this after its planned time is late (a warning on the run), ms. */
export const LATE_PUBLISH_MS = 100;

export interface ScheduleReport {
  published: number;
  lastSeq: number;
  /** Publishes that went out more than LATE_PUBLISH_MS after their planned time, and the worst lag. */
  latePublishes: number;
  maxLagMs: number;
  /** The server process's CPU and event-loop delay while it published: the fan-out cost, without connecting. */
  load?: ProcessLoad;
  /** Every seq published, in order: a shared log's seqs start at its epoch, not at 1. */
  seqs?: number[];
}

export interface ScheduleSpec {
  ratePerSec: number;
  durationSec: number;
  arrivals: Arrivals;
  seed: number;
}

/**
 * Planned publish times, in milliseconds from the start of the schedule, all in [0, duration).
 * - poisson: exponential inter-arrival times with mean 1/rate, drawn from the seed; the first message comes
 *   one draw after 0, so the count varies around rate × duration and is fixed by the seed.
 * - fixed: exactly floor(rate × duration) messages, message k at k / rate seconds (the first at 0).
 * The plan is computed up front so that the schedule is open-loop: a slow server cannot make it publish less.
 */
export function publishSchedule(spec: ScheduleSpec): number[] {
  const durationMs = spec.durationSec * 1000;
  const meanGapMs = 1000 / spec.ratePerSec;
  const times: number[] = [];
  if (spec.arrivals === 'fixed') {
    // The epsilon keeps 0.29 × 100 (28.999999999999996 in binary) from flooring to 28.
    const count = Math.floor(spec.ratePerSec * spec.durationSec + 1e-9);
    for (let k = 0; k < count; k++) times.push(k * meanGapMs);
    return times;
  }
  const random = mulberry32(spec.seed);
  for (let t = -Math.log(1 - random()) * meanGapMs; t < durationMs; t += -Math.log(1 - random()) * meanGapMs) {
    times.push(t);
  }
  return times;
}

/**
 * When each client makes its first request: a random phase in [0, pollInterval), as browsers opened at
 * different moments do. Drawn from a stream separate from the schedule's, so changing the client count
 * does not change the publish times.
 *
 * With a connect rate (clients starting per second), the phases spread over the ramp that rate makes instead,
 * clients / rate seconds, when it is longer than an interval: on average `connectRatePerSec` start each second,
 * in a random order that interleaves the client processes.
 */
export function pollPhases(seed: number, clients: number, pollIntervalMs: number, connectRatePerSec = 0): number[] {
  const random = mulberry32(seed ^ 0x5bd1e995);
  const spreadMs = Math.max(pollIntervalMs, connectRampMs(clients, connectRatePerSec));
  return Array.from({ length: clients }, () => random() * spreadMs);
}

/** How long the clients take to start at `connectRatePerSec` (0: no ramp, they start within one poll interval), ms. */
export function connectRampMs(clients: number, connectRatePerSec: number): number {
  return connectRatePerSec > 0 ? (clients / connectRatePerSec) * 1000 : 0;
}

/**
 * Why a scenario can measure nothing, known before any process starts: its planned schedule publishes no
 * message (a short duration at a low rate, or a seed whose first Poisson draw falls after the end). Null when
 * it publishes at least one.
 */
export function emptyScheduleProblem(spec: ScheduleSpec): string | null {
  if (publishSchedule(spec).length > 0) return null;
  return (
    `the schedule publishes no message (${spec.ratePerSec} msg/s for ${spec.durationSec} s, seed ${spec.seed}), ` +
    'so nothing would be measured: raise --rate or --duration'
  );
}

/**
 * Plays a planned schedule open loop, as every server process publishes it: a timer that fires late publishes
 * everything that is due at once, never skips, never waits. `startedAt` is the performance.now() the offsets count
 * from; each publish's lag is counted into `lateness`. Resolves `durationMs` after the start, or at once after the
 * last publish if that was later.
 */
export function playSchedule(
  plan: { offsetsMs: readonly number[]; durationMs: number; startedAt: number },
  lateness: Pick<ScheduleReport, 'latePublishes' | 'maxLagMs'>,
  publish: () => void,
): Promise<void> {
  const { offsetsMs, durationMs, startedAt } = plan;
  return new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const elapsed = performance.now() - startedAt;
      for (; next < offsetsMs.length && offsetsMs[next] <= elapsed; next++) {
        const lagMs = elapsed - offsetsMs[next];
        lateness.maxLagMs = Math.max(lateness.maxLagMs, lagMs);
        if (lagMs > LATE_PUBLISH_MS) lateness.latePublishes++;
        publish();
      }
      // A timer counts from when it is set, and fanning a message out to 10,000 clients takes a while: the next
      // wait is measured from now, not from the top of this tick, or every publish would be late by the last one.
      const now = performance.now() - startedAt;
      if (next < offsetsMs.length) setTimeout(tick, offsetsMs[next] - now);
      else setTimeout(resolve, Math.max(0, durationMs - now));
    };
    tick();
  });
}
