/**
 * The parts of results.json about running beyond one process: where the log lives, what the broker cost, and
 * how the clients came back when a server process was killed. Re-exported by results.ts, the one place the
 * shape of results.json is read from.
 */

/** Where the message log lives: in the server process, or in a Redis Stream every server process shares. */
export type SourceKind = 'memory' | 'redis';

export const SOURCE_KINDS: readonly SourceKind[] = ['memory', 'redis'];

/** How a client waits before trying again after a failure (clients/backoff.ts says exactly). */
export type BackoffKind = 'none' | 'exponential' | 'full-jitter';

export const BACKOFF_KINDS: readonly BackoffKind[] = ['none', 'exponential', 'full-jitter'];

/** Times from the kill until a share of the affected clients got there, ms; null: not all of them did. */
export interface RecoveryTimes {
  p50: number | null;
  p95: number | null;
  p100: number | null;
}

/**
 * How a fault run's clients came back. "Affected" clients are those whose connection failed at or after the
 * kill: the killed process's own clients (with several processes, about 1/N of them), or all of them.
 */
export interface RecoveryOutcome {
  /** Server processes before the kill; one of them was killed (SIGKILL) and a new one started in its place. */
  processes: number;
  affectedClients: number;
  /**
   * From the kill until the affected clients were attached again: a WebSocket or event stream open, a poll
   * answered. A long poll is answered only on news, so for long polling this includes waiting for a message.
   */
  reattachMs: RecoveryTimes;
  /** From the kill until the affected clients had received a message again. */
  firstMessageMs: RecoveryTimes;
  /** Reconnect attempts the affected clients made, all together. */
  reconnectAttempts: number;
  /** The most TCP connections the server processes accepted in one 100 ms bucket, as a rate per second. */
  peakAcceptPerSec: number;
  /**
   * The kernel's TcpExt ListenOverflows and ListenDrops over the run (/proc/net/netstat), machine-wide: a SYN or
   * a completed handshake dropped because a listen queue was full. Null where the machine does not expose them.
   */
  listenOverflows: number | null;
  listenDrops: number | null;
  /** Affected clients attached again, cumulative: [ms since the kill, clients], one point per 100 ms. */
  curve: [number, number][];
  /**
   * The server processes alive at the end (survivors and the replacement), per 100 ms from 1 s before the
   * kill: [ms since the kill, CPU ms spent in the bucket by all of them, connections they accepted].
   */
  serverTimeline: [number, number, number][];
}

/** What the Redis source cost, over the publishing window of a run with `source: redis`. */
export interface BrokerCost {
  published: number;
  /**
   * CPU of the redis-server process over the window, ms: Redis's own used_cpu_user + used_cpu_sys (INFO cpu, its
   * getrusage), or /proc/<pid>/stat where INFO cannot be read; null when neither can.
   */
  redisCpuMs: number | null;
  /**
   * TCP payload bytes between the server processes (the publisher included) and Redis, counted at their client
   * sockets: commands sent, and replies (each process's reader gets every entry once). Those of a process killed
   * during the window are missing.
   */
  bytesToRedis: number;
  bytesFromRedis: number;
}
