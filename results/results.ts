/**
 * The shape of results.json: the one source of truth for the harness that writes it, the report that draws
 * it and the tests that check both. Latency is in integer microseconds, bytes are TCP payload bytes counted
 * at the sockets, times are wall-clock.
 */

import type { KernelNetworkOutcome } from './kernel-network.js';
import type { BrokerCost, RecoveryOutcome } from './scale-out.js';
import type { HttpVersion, UpgradeFallback } from './http2.js';
import type { HandshakeProbe, RunTls } from './tls.js';
import type { CapacityScenarioRecord, Scenario } from './scenario.js';
import type { BottleneckReason, CapacityProblem, Legacy, RunProblem, RunWarning } from './problems.js';
import type { StackRecord } from './stack.js';
import type { LatencySummary } from './latency.js';

export type { LatencySummary };

export type { BackoffKind, BrokerCost, RecoveryOutcome, RecoveryTimes, SourceKind } from './scale-out.js';
export type { ClientGroup, HttpVersion, PerClientTimes, UpgradeFallback } from './http2.js';
export type { ConnectionCost, HandshakeProbe, RunTls, TlsByteSplit, TlsSplit } from './tls.js';
export type { Arrivals, Scenario } from './scenario.js';
export type { KernelNetworkOutcome } from './kernel-network.js';
export type { PageProbeRecord, PoolRecord, StackKind, StackProcessCost, StackRecord } from './stack.js';
export type {
  BottleneckReason,
  CapacityProblem,
  CountExample,
  Legacy,
  LoadProcess,
  MissedExample,
  Notice,
  RunProblem,
  RunWarning,
} from './problems.js';

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
  /**
   * The strategy's colour in the report (`#rrggbb`, from servers/contract/palette.ts). Absent in files written
   * before it was recorded: the report then falls back to the palette by name.
   */
  colour?: string;
  /** A peer measured for comparison (Socket.IO, a bare ws loop), not one of pushbench's own strategies. */
  reference?: boolean;
  /** Served by another stack than our Node server: `php-fpm`, PHP on PHP-FPM behind nginx. */
  servedBy?: 'php-fpm';
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
  /**
   * Of serverToClient, the bytes of the poll answers' bodies (JSON), as the server wrote them; the rest of a
   * polling strategy's downstream bytes are its answers' status lines and headers. Absent for a strategy that does not
   * report them (push strategies, the references) and in files written before it was counted.
   */
  answerBody?: number;
}

export interface ServerCost {
  /** CPU time (user + system) of the server process while the clients were attached. */
  cpuMs: number;
  peakRssBytes: number;
  /** Event-loop delay of the server process during the run (p99, microseconds). */
  eventLoopDelayP99Us: number;
  /** Server RSS over the run: [ms since the clients started connecting, bytes], about one a second. */
  rssSamples?: [number, number][];
  /**
   * What the strategy held attached on the server over the run, sampled with the RSS: [ms since the clients
   * started connecting, count]. A held long poll is one (a request parked until there is news), an open
   * WebSocket or event stream is one; a short poll is answered at once and is never held.
   */
  attachedSamples?: [number, number][];
  /** The most held attached at once, counted by the server at every attach (not sampled). */
  attachedPeak?: number;
  /** When the publish schedule ran, [start, end] in ms since the clients started connecting (as the samples). */
  publishingSpanMs?: [number, number];
  /** The worst event-loop delay of the server process during the run, microseconds. */
  eventLoopDelayMaxUs?: number;
  /** Wall time the CPU time above was spent in (clients attached until the end of the run), ms. */
  windowMs?: number;
  /**
   * The idle baseline: CPU of the server process over a window before any client connected, with the same
   * monitors running (event-loop delay, RSS and attached sampling), ms, and that window's length. What the process
   * costs doing nothing; results/metrics.ts subtracts it from the CPU per delivered message. Absent in results
   * written before it was measured, and with several server processes (the Redis source's cluster).
   */
  idleCpuMs?: number;
  idleWindowMs?: number;
  /** RSS before any client connected, and once they all had. */
  rssBeforeClientsBytes?: number;
  rssConnectedBytes?: number;
  /** TCP connections of the strategy open when rssConnectedBytes was sampled. */
  connectionsAtRssSample?: number;
  /** (rssConnected - rssBeforeClients) / connectionsAtRssSample: what one more client costs in memory. */
  rssPerConnectionBytes?: number;
  /** V8 heap in use before any client connected and once they all had (after a full collection each). */
  heapBeforeClientsBytes?: number;
  heapConnectedBytes?: number;
  /** The same per connection: the JavaScript objects one connection keeps (results/connection-memory.ts). */
  heapPerConnectionBytes?: number;
  /** Kernel memory charged to the server's TCP sockets with every client connected (ss -tm skmem), when readable. */
  socketKernelBytes?: number;
  socketKernelPerConnectionBytes?: number;
  /**
   * The same while the schedule ran, without the clients connecting: what fanning out (or answering polls)
   * cost, CPU ms over a window of publishingWindowMs, and the event-loop delay then.
   */
  publishingCpuMs?: number;
  publishingWindowMs?: number;
  publishingEventLoopDelayP99Us?: number;
}

/**
 * Traffic from the start of the schedule until the clients were stopped: the steady state, without the
 * connection phase, so that rates per second describe delivery and not connecting.
 */
export interface TrafficWindow {
  windowMs: number;
  bytesClientToServer: number;
  bytesServerToClient: number;
  /** HTTP requests sent in the window (a WebSocket client sends none once connected). */
  requests: number;
  /**
   * CPU (user + system) of all client processes over the same window, ms: with `requests`, what a request costs
   * the load generator. Absent in results written before it was recorded.
   */
  clientCpuMs?: number;
  /**
   * The same window counted at the server's sockets, from one moment for every client to one moment for every
   * client (the harness asks the server at the schedule's start and before stopping the clients). A client counts
   * a request's answer when it has read it, so one in flight when the window opens is in its bytes but not its
   * requests; the server's count has no such edge, and is the only count of a real browser. Absent when the
   * clients talk to the server through a proxy or across a restart (the server's sockets are then not theirs).
   */
  atServer?: Omit<TrafficWindow, 'clientCpuMs' | 'atServer'>;
}

/** CPU of the processes that generate the load (client processes, delaying proxies). */
export interface LoadGeneratorCost {
  count: number;
  /** User + system CPU, summed over the processes. */
  cpuMs: number;
  /** Share of one core the busiest process used over its window (1 = a core fully busy). */
  busiestCpuShare?: number;
  /** The worst p99 event-loop delay of these processes, microseconds: a late timer there is latency the server did not cause. */
  eventLoopDelayP99Us?: number;
  /**
   * Client processes only: HTTP requests sent per second of their CPU over the steady window (steady.requests ÷
   * steady.clientCpuMs, `clientRequestsPerCpuSecond` in metrics.ts). Absent when no request was sent then.
   */
  requestsPerCpuSecond?: number;
}

/**
 * Who limited the run. A load generator near a full core (or with a late event loop) measures itself: its
 * latency and request rate must not be read as the server's.
 */
export interface Bottleneck {
  verdict: 'load-generator' | 'server' | 'none';
  /** Why, with the figures (a sentence in files written before reasons were codes). */
  reason: BottleneckReason | Legacy;
}

/** What autocannon measured against one server process: the endpoint's own, or its node:http floor. */
export interface CapacityFigures {
  /** 2xx answers per second over the whole run: the rate the server sustained at saturation. */
  requestsPerSec: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Answers received, errors (connection failures, timeouts) and non-2xx answers. */
  requests: number;
  errors: number;
  non2xx: number;
  /** Response bytes per request, as autocannon counted them. */
  bytesPerResponse: number;
  /** Server process CPU during the run, ms, and as a share of one core (1 = one core fully busy). */
  serverCpuMs: number;
  serverCpuShare: number;
  /** Share of one core the autocannon process used: near 1, autocannon and not the server set the pace. */
  loadGeneratorCpuShare: number;
  /** Why the probe could not be measured; its figures are then all 0. */
  problem?: CapacityProblem | Legacy;
}

/** One endpoint driven to saturation by autocannon (the `capacity` mode); its scenario's cookie is recorded with it. */
export interface CapacityResult extends CapacityFigures, CapacityScenarioRecord {
  /** short-poll (an empty "anything new?"), long-poll (a message is ready, answered at once), publish. */
  endpoint: 'short-poll' | 'long-poll' | 'publish';
  method: 'GET' | 'POST';
  path: string;
  /** Closed loop: each connection sends its next request as soon as the previous one is answered. */
  connections: number;
  durationSec: number;
  /**
   * The floor: node:http alone, in a process of its own, answering every request on the same path with the bytes
   * the endpoint answered (status, headers, body; a fresh Date), driven the same way right after the endpoint.
   * The endpoint's requests/s over the floor's is what the server's own work costs. Absent in results written
   * before floors were probed.
   */
  floor?: CapacityFigures;
  /** '2': driven by h2load over HTTP/2 (h2c, one stream at a time per connection); absent: autocannon, HTTP/1.1. */
  httpVersion?: HttpVersion;
  /**
   * true: over TLS with the bench's throwaway certificate (https; under h2load, h2 chosen by ALPN), the floor too
   * (node:https, node:http2 secure). Absent: cleartext.
   */
  tls?: boolean;
}

/**
 * How a run's messages got into the log (scenario.publisher). In-process, the server process published on the
 * schedule itself: there is no publish of its own to time, and latency counts from when it stored each message.
 * A publisher process of its own (http, redis) sends every message with its scheduled time, which the clients'
 * latency counts from, and its publishes are measured here.
 */
export type Publishing = { publisher: 'in-process' } | PublisherFigures;

export interface PublisherFigures {
  publisher: 'http' | 'redis';
  /** Where it published: the method and URL of the publish endpoint ("POST http://…/api/publish"), or the Redis stream ("redis {…}:log"). */
  target: string;
  /** Most publishes in flight at once; one that falls due while that many are in flight waits for a place (`waited`). */
  concurrencyLimit: number;
  /** Publishes the schedule planned. */
  planned: number;
  /** Publishes the log took: answered with their seq. */
  answered: number;
  /** Publishes given up: an answer not worth another try, no answer in time, or the retries used up. */
  failed: number;
  /** Attempts beyond each publish's first: after a 503 or a 504, with a backoff. */
  retries: number;
  /** Publishes that waited for a place under the concurrency limit before they were sent. */
  waited: number;
  /** Failed attempts, retried or not, by what came back: an HTTP status ("503"), "timeout" (no answer in time) or "network". */
  failuresByCause: Record<string, number>;
  /** From each answered publish's first request to its answer, retries and their backoff included (µs). */
  latencyUs: LatencySummary;
  /** The HDR histogram of latencyUs, compressed and base64-encoded. */
  latencyHistogram: string;
  /** CPU (user + system) of the publisher process while it played the schedule, ms, and the wall time it was spent in. */
  cpuMs: number;
  windowMs: number;
}

/**
 * Whose headers a run's requests carried, and where they come from: a profile the simulated clients sent
 * (scenario.headers; `source` names the browser it was captured from), or a real browser's own (scenario.fleet).
 */
export interface ClientHeaders {
  /** 'chromium': the simulated clients sent the profile; 'minimal': only what the transport needs; 'browser': a real browser sent its own. */
  profile: 'chromium' | 'minimal' | 'browser';
  /** "Chromium 156.0.8078.129", or "pushbench" for the minimal profile. */
  source: string;
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
  clientProcesses: LoadGeneratorCost;
  /** The delaying proxies, when the scenario emulates a network. */
  proxy?: LoadGeneratorCost;
  /** The kernel network's delay lines (python, a packet queue each), from the clients' connecting to the end. */
  delayLine?: LoadGeneratorCost;
  /** Clients that lost their connection on purpose (scenario.churn) and resumed from their cursor. */
  churnedClients?: number;
  steady?: TrafficWindow;
  bottleneck?: Bottleneck;
  /** Present on a fault run (scenario.restartAtSec). */
  restart?: RestartOutcome;
  /** Present on a fault run: how fast the clients of the killed process came back. */
  recovery?: RecoveryOutcome;
  /** Present with the Redis source: what the broker cost. */
  broker?: BrokerCost;
  /** Present when some WebSocket clients were refused at the upgrade (scenario.blockedUpgrade): both groups. */
  fallback?: UpgradeFallback;
  /** Present on a run over TLS: its bytes split by what they carried, its handshakes. */
  tls?: RunTls;
  /** Present under the kernel network (scenario.network 'kernel'): TCP's RTT and retransmissions. */
  kernelNetwork?: KernelNetworkOutcome;
  /** Present for a PHP strategy (PHP-FPM behind nginx) and behind `--proxy nginx`: what the stack did and cost. */
  stack?: StackRecord;
  /** Whose headers the clients' requests carried. Absent in files written before header profiles: minimal headers. */
  clientHeaders?: ClientHeaders;
  /** Who published, and a publisher process's own figures. Absent in files written before it was recorded: in-process. */
  publishing?: Publishing;
  /**
   * What makes the run invalid: a client that missed, repeated or reordered a message, a client that never
   * connected, byte counts at the two ends that disagree. Empty for a valid run. Codes (results/problems.ts);
   * files written before codes hold sentences.
   */
  problems: (RunProblem | Legacy)[];
  /**
   * What makes the figures less trustworthy without any message lost, e.g. a publisher that fell behind its
   * schedule because the machine was busy. Shown beside the figures; the run stays valid.
   */
  warnings: (RunWarning | Legacy)[];
}

export interface RunMeta {
  /** ISO 8601 time the bench started. */
  date: string;
  /** The preset the bench started from (the flags may have changed its scenarios: `changed`). */
  preset: string;
  /**
   * The scenario settings that command-line flags changed from the preset's, in words ("500 clients", "Redis
   * source"): a custom run, named so in its folder and its report. Absent when the preset ran as it is.
   */
  changed?: string[];
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

/** A step of the bench's plan that did not run, because the bench was stopped first: a run, or a capacity probe. */
export type StepNotRun =
  | { kind: 'run'; strategy: StrategyLabel; scenario: Scenario }
  | { kind: 'probe'; endpoint: CapacityResult['endpoint']; httpVersion: HttpVersion; tls?: boolean };

/**
 * The bench was stopped (Ctrl-C, SIGTERM) before its plan was done: the results hold the steps that finished,
 * and a step cut in the middle is among those that did not run.
 */
export interface Interruption {
  /** The signal that stopped it, e.g. "SIGINT"; absent when stopped from code (Bench.abort without one). */
  signal?: string;
  /** Planned runs and how many of them finished (are in `runs`). */
  runsPlanned: number;
  runsFinished: number;
  /** Planned capacity probes and how many finished (are in `capacity`). */
  probesPlanned: number;
  probesFinished: number;
  /** Every planned step that did not run, in plan order. */
  notRun: StepNotRun[];
}

/** One step of a shootout capacity search (results/shootout.ts): a run at that many clients, passed or not. */
export interface ShootoutStep {
  clients: number;
  /** p95 of the delivery latency over every delivery of the step's run, µs; null when nothing was delivered. */
  p95Us: number | null;
  /** Messages a client never got, over all clients. */
  missed: number;
  /** No lost, repeated or reordered message and no problem in the run. */
  valid: boolean;
  passed: boolean;
}

export interface ShootoutResult {
  strategy: StrategyLabel;
  limitP95Us: number;
  /** The most clients of a passing step below every failing one; 0 when none passed. */
  capacity: number;
  /** The smallest size that failed, when one did: the capacity lies between the two. */
  failedAt?: number;
  /** Why the search stopped: it found the boundary within its resolution, passed its largest size, or ran out of steps. */
  stoppedBy: 'boundary' | 'max-clients' | 'max-steps' | 'below-resolution';
  steps: ShootoutStep[];
}

export interface Results {
  meta: RunMeta;
  runs: RunResult[];
  /** The capacity probes (autocannon against each HTTP endpoint), when the preset ran them. */
  capacity?: CapacityResult[];
  /** What one TLS handshake costs the server, measured once when any run or probe was over TLS. */
  tlsHandshakes?: HandshakeProbe;
  /** The shootout capacity of each strategy, with its search's steps (results/shootout.ts), when the preset searched it. */
  shootout?: ShootoutResult[];
  /** Present only when the bench was stopped before its plan was done. */
  interrupted?: Interruption;
}

/** The figures of a run's publisher process; undefined when the server published in-process (or in files from before). */
export function publisherFiguresOf(run: Pick<RunResult, 'publishing'>): PublisherFigures | undefined {
  const { publishing } = run;
  return publishing === undefined || publishing.publisher === 'in-process' ? undefined : publishing;
}

/** What a bench ran, in words: "quick preset", or "custom run: quick preset with Redis source". */
export function describeBench(meta: Pick<RunMeta, 'preset' | 'changed'>): string {
  const changed = meta.changed ?? [];
  return changed.length === 0 ? `${meta.preset} preset` : `custom run: ${meta.preset} preset with ${changed.join(', ')}`;
}

/** A run is valid when no client lost, repeated or reordered a message. */
export function isValidRun(run: RunResult): boolean {
  const { missed, duplicated, outOfOrder } = run.messages;
  return missed === 0 && duplicated === 0 && outOfOrder === 0 && run.problems.length === 0;
}
