import type { RecoveryOutcome, RecoveryTimes } from '../../results/results.js';
import type { ListenCounters } from './kernel-listen.js';
import { TIMELINE_BUCKET_MS, type TimelineBucket } from './server-timeline.js';

/**
 * One client's way back after a failure, wall-clock ms: when its connection failed, when it was attached again
 * (a WebSocket or event stream open, a poll answered), when a message reached it again (null: not before the
 * end of the run), and how many reconnect attempts it made meanwhile.
 */
export type RecoveryEpisode = [failedAtMs: number, reattachedAtMs: number | null, firstMessageAtMs: number | null, attempts: number];

export interface RecoveryEvidence {
  /** Server processes before the kill. */
  processes: number;
  /** When the server process was killed (wall clock, as the episodes). */
  killedAtMs: number;
  /** Each affected client's first episode that started at or after the kill. */
  episodes: readonly RecoveryEpisode[];
  /** The server processes' timeline (see ServerTimeline), merged. */
  timeline: readonly TimelineBucket[];
  /** The kernel's listen-queue counters at the start and at the end of the run (null: not exposed). */
  listenBefore: ListenCounters | null;
  listenAfter: ListenCounters | null;
}

/** The server's timeline is drawn from this long before the kill, so the storm shows against the steady state. */
export const TIMELINE_LEAD_MS = 1_000;
/** A recovery curve longer than this is cut: a minute of 100 ms points is already 600. */
const CURVE_MAX_MS = 60_000;

/** Pure: what the fault run's figures are, from the clients' episodes and the server's timeline. */
export function recoveryOutcome(evidence: RecoveryEvidence): RecoveryOutcome {
  const { killedAtMs, episodes } = evidence;
  const since = (at: number | null) => (at === null ? null : Math.max(0, at - killedAtMs));
  const reattach = episodes.map(([, at]) => since(at));
  const firstMessage = episodes.map(([, , at]) => since(at));
  const lastReattach = Math.max(0, ...reattach.filter((ms): ms is number => ms !== null));
  const curveEnd = Math.min(CURVE_MAX_MS, Math.ceil(lastReattach / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS);
  const sorted = reattach.filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  const curve: [number, number][] = [];
  for (let t = 0, i = 0; t <= curveEnd; t += TIMELINE_BUCKET_MS) {
    while (i < sorted.length && sorted[i] <= t) i++;
    curve.push([t, i]);
  }
  const timelineEnd = Math.max(curveEnd, ...firstMessage.filter((ms): ms is number => ms !== null).map((ms) => Math.min(ms, CURVE_MAX_MS)));
  const serverTimeline = evidence.timeline
    .filter(([at]) => at >= killedAtMs - TIMELINE_LEAD_MS && at <= killedAtMs + timelineEnd)
    .map(([at, cpuMs, accepts]): [number, number, number] => [Math.round(at - killedAtMs), cpuMs, accepts]);
  const peakAccepts = Math.max(0, ...evidence.timeline.map(([, , accepts]) => accepts));
  const { listenBefore: before, listenAfter: after } = evidence;
  return {
    processes: evidence.processes,
    affectedClients: episodes.length,
    reattachMs: shares(reattach),
    firstMessageMs: shares(firstMessage),
    reconnectAttempts: episodes.reduce((sum, [, , , attempts]) => sum + attempts, 0),
    peakAcceptPerSec: Math.round((peakAccepts * 1000) / TIMELINE_BUCKET_MS),
    listenOverflows: before && after ? after.overflows - before.overflows : null,
    listenDrops: before && after ? after.drops - before.drops : null,
    curve,
    serverTimeline,
  };
}

/**
 * When 50 %, 95 % and 100 % of the clients had got there: the ⌈q·n⌉-th smallest time, null when fewer than that
 * many got there at all (and for no client at all).
 */
export function shares(times: readonly (number | null)[]): RecoveryTimes {
  const reached = times.filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  const at = (q: number) => {
    if (times.length === 0) return null;
    const rank = Math.ceil(q * times.length);
    return rank <= reached.length ? Math.round(reached[rank - 1]) : null;
  };
  return { p50: at(0.5), p95: at(0.95), p100: at(1) };
}
