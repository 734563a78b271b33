import type { ServerStats } from '../servers/stats.js';
import type { FleetReport } from './client-fleet.js';

/**
 * The calls the harness makes to its child processes (see ipc.ts). Kept apart from the child entry points,
 * which start serving as soon as they are imported.
 */

export interface ScheduleReport {
  published: number;
  lastSeq: number;
  /** Publishes that went out more than LATE_PUBLISH_MS after their planned time, and the worst lag. */
  latePublishes: number;
  maxLagMs: number;
}

export interface ServerReport {
  stats: ServerStats;
  /** User + system CPU of this process between openWindow and collect. */
  cpuMs: number;
  eventLoopDelayP99Us: number;
  peakRssBytes: number;
}

export interface ServerProtocol {
  start: [
    {
      strategy: string;
      longPollTimeoutMs: number;
      /** A restarted server takes its predecessor's port, so the clients find it where they left it. */
      port?: number;
      /** Above every seq the predecessor could have used (see MessageSource). */
      firstSeq?: number;
      /** A file each seq is appended to before it is published: it survives a SIGKILL of the process. */
      publishLog?: string;
    },
    { url: string },
  ];
  /** Clients are about to connect: from here on, CPU and event-loop delay count. */
  openWindow: [void, void];
  /** Offsets count from `startAtMs` (wall-clock ms, nowMs()); a restarted server carries on an older schedule. */
  runSchedule: [{ offsetsMs: number[]; durationMs: number; payloadBytes: number; startAtMs?: number }, ScheduleReport];
  attached: [{ strategy: string }, number];
  /** Waits (bounded) until every connection of the strategy is closed, so the byte counts are final. */
  collect: [{ strategy: string; closeTimeoutMs: number }, ServerReport];
  shutdown: [void, void];
}

export const LATE_PUBLISH_MS = 100;

export interface FleetStart {
  strategy: string;
  baseUrl: string;
  pollIntervalMs: number;
  longPollTimeoutMs: number;
  phasesMs: number[];
  firstClientIndex: number;
}

export interface ClientProtocol {
  start: [FleetStart, void];
  /** Clients that got at least one answer or message so far. */
  answered: [void, number];
  /** How many clients still lack `lastSeq` when all have it or the time is up. */
  drain: [{ lastSeq: number; timeoutMs: number }, number];
  /** Expected messages are seq 1..lastSeq, or exactly `expectedSeqs` when given (a run across a restart). */
  stop: [{ lastSeq: number; expectedSeqs?: number[]; betweenRequests: boolean; idleTimeoutMs: number }, FleetReport];
  shutdown: [void, void];
}

