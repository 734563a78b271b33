/**
 * The article's stack as one run measured it (RunResult.stack): nginx and PHP-FPM serving a PHP strategy, or
 * nginx alone as a reverse proxy in front of our server (`--proxy nginx`). Times of samples are ms since the
 * clients started connecting, as the server's other samples; CPU and memory are the stack's own processes'.
 */

import type { LatencySummary } from './latency.js';

export type StackKind = 'php-fpm' | 'nginx-proxy';

/** What one program of the stack cost: all its processes (master and workers) together. */
export interface StackProcessCost {
  /** User + system CPU over the window (clients connecting until the end of the run), workers that exited included. */
  cpuMs: number;
  /** The most memory at once, summed over the processes: RSS counts a page shared by workers in each. */
  peakRssBytes: number;
  /** The same as PSS (each shared page split between its processes): what the processes hold together; null where unread. */
  peakPssBytes: number | null;
  /** The most processes at once (master included). */
  processesPeak: number;
}

/** PHP-FPM's pool over time: its status page (busy, idle workers) and the kernel's queue on its socket. */
export interface PoolRecord {
  /** pm.max_children and the process manager, as run. */
  workers: number;
  pm: string;
  /**
   * [ms, busy workers, idle workers, requests queued for a worker], a few times a second. Busy and idle are FPM's
   * "active" and "idle processes"; the queue is the accept queue of its unix socket as the kernel counts it (ss),
   * -1 where it could not be read.
   */
  samples: [number, number, number, number][];
  busyPeak: number;
  queuePeak: number;
  /** Times FPM found every worker busy and could start no other (its "max children reached"). */
  maxChildrenReached: number;
}

/** An ordinary page of the same site, asked for a few times a second while the polls hold the workers. */
export interface PageProbeRecord {
  path: string;
  /** One request every this many ms, open loop: a probe does not wait for the previous one. */
  intervalMs: number;
  sent: number;
  /** 200 answers; the others failed (an error answer, or none before the end of the run). */
  answered: number;
  failed: number;
  /** From the time each probe was due until its answer. */
  latencyUs: LatencySummary;
  latencyHistogram: string;
  /** [ms when due, ms until answered (null: failed)], every probe. */
  samples: [number, number | null][];
}

export interface StackRecord {
  kind: StackKind;
  nginx: StackProcessCost;
  phpFpm?: StackProcessCost;
  /** [ms, nginx RSS, PHP-FPM RSS (0 without a pool)] about once a second. */
  memorySamples: [number, number, number][];
  pool?: PoolRecord;
  /**
   * Answers as nginx logged them over the window, by path and status: {"/api/long-poll": {"200": 951, "504": 3}}.
   * 499 is nginx's own code for a client that went away before its answer.
   */
  answers: Record<string, Record<string, number>>;
  /** Requests nginx logged over the window on the strategy's path. */
  requests: number;
  /** Every 502 and 504 answer: [ms, status, path], in the order nginx logged them (at most MAX_GATEWAY_ERRORS). */
  gatewayErrors: [number, number, string][];
  /**
   * How long requests waited for a PHP worker, by path: from nginx's arrival to the moment a worker took the request
   * (PHP's REQUEST_TIME_FLOAT, logged through a header nginx keeps from the client). Requests that never got a
   * worker before nginx gave up are not in it: they are the 504s.
   */
  workerWaitUs?: Record<string, LatencySummary>;
  page?: PageProbeRecord;
  /** How long the publishes through PHP took as nginx saw them (arrival to answer), and their statuses. */
  publishes?: { byStatus: Record<string, number>; latencyUs: LatencySummary };
  /** nginx's timeout on its upstream (fastcgi_read_timeout or proxy_read_timeout), seconds, as run. */
  readTimeoutSec: number;
}

/** Gateway errors kept one by one; a run with more keeps the first ones and counts the rest in `answers`. */
export const MAX_GATEWAY_ERRORS = 2_000;
