/**
 * The shape of results.json: the one source of truth for the harness that writes it, the report that draws
 * it and the tests that check both. Latency is in integer microseconds, bytes are TCP payload bytes counted
 * at the sockets, times are wall-clock.
 */

export type Arrivals = 'poisson' | 'fixed';

export interface Scenario {
  clients: number;
  ratePerSec: number;
  durationSec: number;
  payloadBytes: number;
  pollIntervalMs: number;
  longPollTimeoutMs: number;
  arrivals: Arrivals;
  /** Seed of the publish schedule and the poll phases: every strategy of a run sees the same schedule. */
  seed: number;
  /** Fault run: the server process is killed this many seconds into the schedule and a new one takes over. */
  restartAtSec?: number;
}

/** What a fault run lost when its server process was killed. */
export interface RestartOutcome {
  atSec: number;
  /** Messages the killed process had published. */
  publishedBeforeKill: number;
  /** Every message some client never received, with how many clients missed it: the cost of the restart. */
  lost: { seq: number; clients: number }[];
  /** Reconnect attempts the clients made (backoff) to reach the new server. */
  reconnects: number;
}

export interface StrategyLabel {
  name: string;
  title: string;
  direction: 'pull' | 'push';
  connection: 'request-per-poll' | 'held-request' | 'persistent';
  claim: string;
}

export interface MessageCounts {
  /** Messages the source published during the run. */
  published: number;
  /** published × clients that should receive each (every client, for broadcasts). */
  expected: number;
  /** Distinct expected messages that arrived. */
  delivered: number;
  missed: number;
  /** Arrivals of a message the client already had. */
  duplicated: number;
  /** Arrivals with a seq lower than one already received. */
  outOfOrder: number;
  /** Gap signals received (cursor older than the ring). */
  gaps: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Samples recorded (one per delivered message). */
  count: number;
}

export interface RequestCounts {
  /** HTTP requests sent by clients; a WebSocket handshake counts as one. */
  total: number;
  withMessages: number;
  empty: number;
  failed: number;
  /** Reconnect attempts after failures. */
  reconnects: number;
}

export interface ByteTotals {
  /** Counted at the client sockets. */
  clientToServer: number;
  serverToClient: number;
  /** Payload bytes of the delivered messages (the useful part). */
  payload: number;
  /** The same traffic counted at the server's sockets, as a cross-check. */
  serverSide: { clientToServer: number; serverToClient: number };
}

export interface ServerCost {
  /** CPU time (user + system) of the server process while the clients were attached. */
  cpuMs: number;
  peakRssBytes: number;
  /** Event-loop delay of the server process during the run (p99, microseconds). */
  eventLoopDelayP99Us: number;
}

export interface RunResult {
  strategy: StrategyLabel;
  scenario: Scenario;
  /** Wall time of this run: server start to last result. */
  wallTimeMs: number;
  messages: MessageCounts;
  latencyUs: LatencySummary;
  /** The HDR histogram of latencyUs, compressed and base64-encoded, so runs can be merged. */
  latencyHistogram: string;
  requests: RequestCounts;
  bytes: ByteTotals;
  connections: { opened: number; peak: number };
  server: ServerCost;
  clientProcesses: { count: number; cpuMs: number };
  /** Present on a fault run (scenario.restartAtSec). */
  restart?: RestartOutcome;
  /**
   * What makes the run invalid: a client that missed, repeated or reordered a message, a client that never
   * connected, byte counts at the two ends that disagree. Empty for a valid run.
   */
  problems: string[];
  /**
   * What makes the figures less trustworthy without any message lost, e.g. a publisher that fell behind its
   * schedule because the machine was busy. Shown beside the figures; the run stays valid.
   */
  warnings: string[];
}

export interface RunMeta {
  /** ISO 8601 time the bench started. */
  date: string;
  preset: string;
  nodeVersion: string;
  cpuModel: string;
  cpuCount: number;
  platform: string;
  totalMemoryBytes: number;
  pushbenchVersion: string;
  /** The command line that produced the results. */
  command: string;
  wallTimeMs: number;
}

export interface Results {
  meta: RunMeta;
  runs: RunResult[];
}

/** A run is valid when no client lost, repeated or reordered a message. */
export function isValidRun(run: RunResult): boolean {
  const { missed, duplicated, outOfOrder } = run.messages;
  return missed === 0 && duplicated === 0 && outOfOrder === 0 && run.problems.length === 0;
}
