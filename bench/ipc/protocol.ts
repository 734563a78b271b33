import { LATE_PUBLISH_MS, type ScheduleReport } from '../plan/schedule.js';
import type { ServerStats, StrategyCounters } from '../../servers/observe/stats.js';
import type { FleetReport } from '../fleet/client-fleet.js';
import type { ProcessLoad } from '../measure/process-load.js';
import type { LinkOptions } from '../network/proxy.js';
import type { Scenario, ServerCost, StackRecord } from '../../results/results.js';
import type { PhpPm } from '../../servers/stack/fpm-config.js';
import type { RedisTraffic } from '../../servers/log/redis/redis-traffic.js';
import type { TimelineBucket } from '../measure/server-timeline.js';
import type { CertificatePem } from '../../servers/wire/certificate.js';
import type { TlsCounters } from '../../servers/wire/tls-acceptor.js';
import type { PublishTarget } from '../publisher/http-channel.js';
import type { PublisherReport, PublisherSchedule } from '../publisher/open-loop.js';
import type { RedisTarget } from '../publisher/redis-channel.js';
import type { ByteCounts } from '../../servers/contract/byte-counts.js';
import type { HttpVersion } from '../../servers/contract/wire.js';

export { LATE_PUBLISH_MS, type ScheduleReport };
export type { PublisherReport, PublisherSchedule, PublishTarget, RedisTarget };

/**
 * The calls the harness makes to its child processes (see bench/ipc/rpc.ts). Kept apart from the child entry points,
 * which start serving as soon as they are imported.
 */

/**
 * What a server process reports at collect: its statistics, and the figures of it results.json keeps, as
 * ServerCost defines them (openWindow, when the clients are about to connect, is the origin of every sample).
 */
export interface ServerReport extends Pick<
  ServerCost,
  | 'cpuMs'
  | 'eventLoopDelayP99Us'
  | 'peakRssBytes'
  | 'attachedSamples'
  | 'publishingSpanMs'
  | 'eventLoopDelayMaxUs'
  | 'windowMs'
  | 'idleCpuMs'
  | 'idleWindowMs'
  | 'rssBeforeClientsBytes'
  | 'rssConnectedBytes'
  | 'connectionsAtRssSample'
  | 'heapBeforeClientsBytes'
  | 'heapConnectedBytes'
  | 'socketKernelBytes'
> {
  /** The strategies' counters (our server's statistics; a PHP stack's, counted from nginx's access log). */
  stats: Pick<ServerStats, 'strategies' | 'tls'>;
  /** One a second and one at each end; always present here (a cluster's is empty: no single curve of several processes). */
  rssSamples: [number, number][];
  /** A PHP strategy's stack (bench/children/php-stack-process.ts): what nginx and PHP-FPM did and cost. */
  stack?: StackRecord;
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
      /** The Redis source: `processes` server processes on one port (bench/children/cluster-process.ts) share this log. */
      redis?: RedisRunOptions;
      /** A blocked-upgrade run: long polling is mounted too, and upgrades carrying the client's cue are refused. */
      blockedUpgrade?: number;
      /** A run over TLS: the port speaks https and wss with this certificate (the bench's throwaway one). */
      tls?: CertificatePem;
      /** A PHP strategy: its pool and nginx's timeout (bench/children/php-stack-process.ts serves it, on `redis`). */
      php?: PhpRunOptions;
      /** Publishing through the API needs this token (a run with a publisher process); absent: no token, as on loopback. */
      publishToken?: string;
      /** A real-browser run: the server also serves the browser fleet's page (bench/fleet/fleet-page.ts). */
      fleetPage?: boolean;
      /** Accept WebSocket's permessage-deflate offer (the compression measurement); absent: the server's default. */
      wsPerMessageDeflate?: boolean;
      /** The address to listen on: the server's end of the kernel network's veth; absent: 127.0.0.1. */
      host?: string;
      /**
       * How long the harness gives a plain call (it grows with the clients): a cluster's primary gives its workers'
       * calls a second less, so that the worker that was late is the one named.
       */
      callMs?: number;
    },
    /** Where the clients connect, and where the server takes publishes over HTTP (its API, with the token). */
    { url: string; publish: PublishTarget },
  ];
  /**
   * The process's CPU (user + system) since it started, µs, its TLS counters and its control traffic's bytes (what
   * no strategy's route claimed: a connection that only handshakes): read before and after the handshake probe.
   */
  usage: [void, { cpuUs: number; tls?: TlsCounters; controlBytes: { clientToServer: number; serverToClient: number } }];
  /**
   * Before any client: the server's CPU over `windowMs` with the window's monitors running, the idle baseline
   * (reported at collect). A process that cannot measure it (the cluster's primary) returns at once.
   */
  measureIdle: [{ windowMs: number }, void];
  /** Clients are about to connect: from here on, CPU and event-loop delay count. */
  openWindow: [void, void];
  /** Offsets count from `startAtMs` (wall-clock ms, nowMs()); a restarted server carries on an older schedule. */
  runSchedule: [PublisherSchedule, ScheduleReport];
  /**
   * A publisher process is about to play the schedule: the server measures its own load from here (its CPU and
   * event-loop delay while publishing, as runSchedule does when it publishes itself) until publishingEnds.
   */
  publishingStarts: [void, void];
  publishingEnds: [void, ProcessLoad];
  attached: [{ strategy: string }, number];
  /** The strategy's requests and bytes at the server's sockets so far (a real-browser run's traffic while publishing). */
  strategyTraffic: [{ strategy: string }, StrategyTraffic];
  /** Every client is connected: samples RSS and open connections, for the memory one connection costs. */
  markConnected: [{ strategy: string }, void];
  /** Waits (bounded) until every connection of the strategy is closed, so the byte counts are final. */
  collect: [{ strategy: string; closeTimeoutMs: number }, ServerReport];
  /** CPU and accepted connections per 100 ms of every server process alive (see bench/measure/server-timeline.ts). */
  timeline: [void, TimelineBucket[]];
  /** Bytes between the server processes and Redis so far (null: the memory source, no broker). */
  brokerTraffic: [void, RedisTraffic | null];
  /** SIGKILLs one server process and starts a new one on the port (the Redis source's cluster only). */
  killOne: [void, KillReport];
  shutdown: [void, void];
}

export interface PhpRunOptions {
  workers: number;
  pm: PhpPm;
  /** nginx's fastcgi_read_timeout, seconds. */
  readTimeoutSec: number;
  /** FPM's request_terminate_timeout, seconds (0: never). */
  requestTerminateTimeoutSec: number;
}

/** A strategy's requests and bytes as the server counted them, at one moment. */
export interface StrategyTraffic {
  requests: number;
  bytes: ByteCounts;
}

export interface RedisRunOptions {
  url: string;
  /** A fresh log per run, so runs on one Redis never see each other's messages. */
  keyPrefix: string;
  processes: number;
}

export interface KillReport {
  /** When the process was killed, wall clock (nowMs()). */
  killedAtMs: number;
  /** Messages published before the kill. */
  publishedBeforeKill: number;
}

export interface FleetStart {
  strategy: string;
  baseUrl: string;
  phasesMs: number[];
  firstClientIndex: number;
  /** The run's scenario: the clients' poll interval, identity, backoff and HTTP version are read from it. */
  scenario: Scenario;
  /**
   * A blocked-upgrade run: entry i says whether this process's client i is refused at the upgrade. Present, every
   * client is a fallback client (see bench/fleet/upgrade-fallback.ts), and the report has its groups.
   */
  blocked?: boolean[];
  /** A run over TLS: the server's certificate (PEM), the one the clients trust. */
  ca?: string;
  /** The source addresses the run's clients bind, round-robin by client index; absent: the kernel chooses. */
  sourceAddresses?: string[];
}

export interface ClientProtocol {
  start: [FleetStart, void];
  /** Clients that got at least one answer or message so far. */
  answered: [void, number];
  /**
   * The schedule starts now: load is measured from here, and client i of this process drops its connection
   * dropAtMs[i] ms later (null or absent: never).
   */
  scheduleStart: [{ dropAtMs: (number | null)[] }, void];
  /** How many clients still lack `lastSeq` when all have it or the time is up. */
  drain: [{ lastSeq: number; timeoutMs: number }, number];
  /**
   * Expected messages are seq 1..lastSeq, or exactly `expectedSeqs` when given (a run across a restart, a shared
   * log). With `faultAtMs` (when a server process was killed) the report holds each client's way back after it.
   */
  stop: [{ lastSeq: number; expectedSeqs?: number[]; betweenRequests: boolean; idleTimeoutMs: number; faultAtMs?: number }, FleetReport];
  shutdown: [void, void];
}

/** Where a publisher process publishes: a server's HTTP API, or straight into the run's Redis stream. */
export type PublisherStart = { http: PublishTarget } | { redis: RedisTarget };

/** A publisher process (bench/children/publisher-process.ts): the application back end of a run, in a process of its own. */
export interface PublisherProtocol {
  /** Opens the channel; answers where it publishes, in words. */
  start: [PublisherStart, { target: string }];
  /**
   * Plays the schedule open loop; its CPU over the schedule comes with the report, and, publishing into Redis, its
   * own bytes to and from Redis over the schedule (part of what the broker carries; null over HTTP).
   */
  runSchedule: [PublisherSchedule, PublisherReport & { load: ProcessLoad; brokerTraffic: RedisTraffic | null }];
  shutdown: [void, void];
}

/** The delaying TCP proxy between one client process and the server (see bench/network/proxy.ts). */
export interface ProxyProtocol {
  start: [{ targetUrl: string; link: LinkOptions }, { url: string }];
  /** CPU and event-loop delay since start, and the connections it forwarded. */
  load: [void, ProcessLoad & { connectionsOpened: number }];
  shutdown: [void, void];
}

/** nginx as a reverse proxy in front of our server (`--proxy nginx`, bench/children/nginx-front-process.ts). */
export interface FrontProtocol {
  start: [{ targetUrl: string; readTimeoutSec: number }, { url: string }];
  /** The clients are about to connect: from here on, nginx's CPU counts and samples are timed. */
  openWindow: [void, void];
  /** Waits (bounded) until nginx holds no client's connection, then reports on `path` (null: every path but publish's). */
  collect: [{ path: string | null; closeTimeoutMs: number }, FrontReport];
  shutdown: [void, void];
}

/** What nginx in front did: its cost and answers, and the strategy's traffic as nginx counted it at the clients' side. */
export interface FrontReport {
  stack: StackRecord;
  counters: StrategyCounters;
}

/** One autocannon run against one endpoint (see bench/capacity/cannon-process.ts). */
export interface CannonRun {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  headers: Record<string, string>;
  connections: number;
  durationSec: number;
}

export interface CannonReport {
  /** 2xx answers, connection errors (timeouts included), timeouts, other answers. */
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  durationSec: number;
  /** Response bytes received in all. */
  responseBytes: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  load: ProcessLoad;
}

export interface CannonProtocol {
  run: [CannonRun, CannonReport];
  shutdown: [void, void];
}

/**
 * node:http (or node:http2) alone answering an endpoint's captured answer: the floor of a capacity probe (see
 * bench/capacity/floor.ts and bench/capacity/http2-floor.ts).
 */
export interface FloorProtocol {
  start: [FloorOptions, { url: string }];
  /** The load starts: CPU counts from here. */
  openWindow: [void, void];
  /** CPU of this process since openWindow, ms, and the wall time it was spent in. */
  collect: [void, { cpuMs: number; windowMs: number }];
  shutdown: [void, void];
}

/** An answer as the endpoint sent it, replayed by its floor (bench/capacity/floor.ts). */
export interface CapturedAnswer {
  statusCode: number;
  statusMessage: string;
  /** Name, value, name, value…: in the order and case they were sent (node's rawHeaders). */
  rawHeaders: string[];
  bodyBase64: string;
}

export interface FloorOptions {
  /** '2': node:http2 answers (bench/capacity/http2-floor.ts); absent: node:http. */
  httpVersion?: HttpVersion;
  method: 'GET' | 'POST';
  /** The request target answered, exactly (path and query), e.g. `/api/poll?since=0`. */
  path: string;
  answer: CapturedAnswer;
  /** Present: the floor speaks TLS with the certificate the endpoint's server had (node:https, node:http2 secure). */
  tls?: CertificatePem;
}
