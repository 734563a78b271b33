import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StrategyInfo } from '../../servers/contract/strategies.js';
import type { BrokerCost, PublisherFigures, RecoveryOutcome, Scenario } from '../../results/results.js';
import { newToken } from '../../servers/trust/request-guard.js';
import { scenarioValue } from '../../results/scenario.js';
import type { RestartEvidence } from './assemble.js';
import { runBudgets, type RunBudgets } from '../plan/budgets.js';
import { churnPlan } from '../fleet/churn.js';
import { mergeFleetReports, type FleetReport } from '../fleet/client-fleet.js';
import { delay, type RpcChild } from '../ipc/rpc.js';
import { IDLE_WINDOW_MS, type ProcessLoad } from '../measure/process-load.js';
import type {
  ClientProtocol,
  FrontProtocol,
  FrontReport,
  ProxyProtocol,
  PublisherProtocol,
  PublisherSchedule,
  PublisherStart,
  ScheduleReport,
  ServerProtocol,
  ServerReport,
  StrategyTraffic,
} from '../ipc/protocol.js';
import { linkOf } from '../network/proxy.js';
import type { ConnectionRtt, KernelLink } from '../network/kernel-link.js';
import { rttSummary, type KernelNetworkOutcome } from '../../results/kernel-network.js';
import { readListenCounters, type ListenCounters } from '../measure/kernel-listen.js';
import { recoveryOutcome } from '../measure/recovery.js';
import { publishAcrossRestart } from './restart.js';
import { brokerCost, brokerSnapshot, publishAcrossKill, type BenchRedis, type BrokerSnapshot } from './broker.js';
import { pollPhases, publishSchedule } from '../plan/schedule.js';
import type { RedisTraffic } from '../../servers/log/redis/redis-traffic.js';
import { blockedPlan, fallsBack } from '../fleet/upgrade-fallback.js';
import { sourceAddresses } from '../plan/source-address.js';
import { readLoopbackPortUse } from '../plan/machine-limits.js';
import type { CertificatePem } from '../../servers/wire/certificate.js';

const STATUS_POLL_MS = 50;

export type BenchPhase = 'starting' | 'connecting' | 'publishing' | 'draining' | 'collecting';

/** What the phases need from the harness. */
export interface RunHost {
  /** A new server process, registered with the harness so that it dies with it. */
  spawnServer(): RpcChild<ServerProtocol>;
  /** True once the bench is aborted: a wait stops early, and the calls to the killed children fail the run. */
  aborted(): boolean;
  /** The Redis of the runs with the Redis source (the bench's own redis-server, or --redis-url). */
  redis?: BenchRedis;
  /** The bench's throwaway certificate, made when a run speaks TLS. */
  certificate?: CertificatePem;
}

/** The child processes of one run, already spawned; a fault run adds its replacement server to `servers`. */
export interface RunProcesses {
  servers: RpcChild<ServerProtocol>[];
  /** One per share of the clients. */
  fleets: RpcChild<ClientProtocol>[];
  /** One per client process when the scenario emulates a network through the proxy, else none. */
  proxies: RpcChild<ProxyProtocol>[];
  /** nginx in front of our server (`--proxy nginx`), between it and the clients (or their delaying proxies). */
  front?: RpcChild<FrontProtocol>;
  /** The publisher process, when the scenario's publisher is not the server process itself (scenario.publisher). */
  publisher?: RpcChild<PublisherProtocol>;
  /** The kernel network the server and the clients run in (scenario.network 'kernel'), already open. */
  link?: KernelLink;
}

/** What the publish phase did: the schedule as carried out and, on a fault run, what the killed server published. */
export interface Published {
  schedule: ScheduleReport;
  restart?: RestartEvidence;
  /** When the server process was killed (wall clock), on a fault run. */
  killedAtMs?: number;
  /** What the broker cost while publishing (the Redis source, no fault). */
  broker?: BrokerCost;
  /** A publisher process's own figures (scenario.publisher http or redis). */
  publishing?: PublisherFigures;
}

/** Both ends' final counts. */
export interface Collected {
  fleet: FleetReport;
  server: ServerReport;
  proxies: ProcessLoad[];
  /** The kernel network's delay lines, from the window's opening (connect) to collect; none without a delay. */
  delayLines: ProcessLoad[];
  /** A fault run: how the clients came back. */
  recovery?: RecoveryOutcome;
  /** The kernel network: TCP's RTT and retransmissions. */
  kernelNetwork?: KernelNetworkOutcome;
  /** nginx in front of our server: what it did and cost. */
  front?: FrontReport;
}

/**
 * The steps of one run, in the order the harness calls them: start, connect, publish (or publish across a
 * restart), drain, collect. Each talks to the run's child processes within the run's budgets.
 */
export class RunPhases {
  readonly budgets: RunBudgets;
  /** The server the clients talk to: the first one, or its replacement after a fault. */
  private server: RpcChild<ServerProtocol>;
  private url = '';
  /** Where each client process connects: its proxy, or the server itself. */
  private baseUrls: string[] = [];
  /** A fault run's first server appends each seq here before publishing it. */
  private publishLog: string | undefined;
  /** Clients per client process; the last may have fewer. */
  private readonly share: number;
  /** The kernel's listen-queue counters when the schedule started. */
  private listenBefore: ListenCounters | null = null;
  /** The delay lines' CPU when the window opened, and when. */
  private delayLinesAtOpen: { atMs: number; cpuMs: number[] } | undefined;
  /** TCP's RTT of each server connection once the last message drained (the kernel network). */
  private tcpRtts: ConnectionRtt[] = [];
  /** The strategy's requests and bytes at the server when the schedule started, and when (TrafficWindow.atServer). */
  private serverAtStart: { traffic: StrategyTraffic; atMs: number } | undefined;

  constructor(
    private readonly host: RunHost,
    private readonly info: StrategyInfo,
    private readonly scenario: Scenario,
    private readonly processes: RunProcesses,
  ) {
    this.budgets = runBudgets(scenario, info.servedBy === 'php-fpm');
    this.server = processes.servers[0]!;
    this.share = Math.ceil(scenario.clients / processes.fleets.length);
  }

  /** The server on an ephemeral port, then one delaying proxy per client process in front of it. */
  async start(): Promise<void> {
    const { scenario, budgets } = this;
    const shared = scenario.source === 'redis';
    if (shared && !this.host.redis) throw new Error('the Redis source needs a Redis: none was started or given');
    if (scenario.restartAtSec !== undefined && !shared) this.publishLog = join(tmpdir(), `pushbench-publish-${process.pid}-${Date.now()}.log`);
    // Each run has a log of its own (a fresh key prefix), so runs on one Redis never see each other's messages.
    const redis = shared
      ? { url: this.host.redis!.url, keyPrefix: `pushbench-run-${process.pid}-${Date.now()}`, processes: scenarioValue(scenario, 'serverProcesses') }
      : undefined;
    const php =
      this.info.servedBy === 'php-fpm'
        ? {
            workers: scenarioValue(scenario, 'phpWorkers'),
            pm: scenarioValue(scenario, 'phpPm'),
            readTimeoutSec: scenarioValue(scenario, 'nginxReadTimeoutSec'),
            requestTerminateTimeoutSec: scenarioValue(scenario, 'phpRequestTimeoutSec'),
          }
        : undefined;
    const publisherKind = scenarioValue(scenario, 'publisher');
    // Publishing through the API takes the publish token, as it does on a server beyond loopback.
    const publishToken = publisherKind === 'http' ? newToken() : undefined;
    const { url: serverUrl, publish } = await this.server.call(
      'start',
      {
        strategy: this.info.name,
        longPollTimeoutMs: scenario.longPollTimeoutMs,
        callMs: budgets.callMs,
        publishLog: this.publishLog,
        ...(redis && { redis }),
        ...(scenario.blockedUpgrade !== undefined && { blockedUpgrade: scenario.blockedUpgrade }),
        ...this.tls(),
        ...(php && { php }),
        ...(publishToken !== undefined && { publishToken }),
        ...(this.processes.link && { host: this.processes.link.serverAddress }),
        ...(scenarioValue(scenario, 'fleet') === 'chromium' && { fleetPage: true }),
      },
      budgets.startMs,
    );
    // nginx in front: the clients (and their delaying proxies) talk to it, it to our server.
    const front = this.processes.front;
    const url = front
      ? (await front.call('start', { targetUrl: serverUrl, readTimeoutSec: scenarioValue(scenario, 'nginxReadTimeoutSec') }, budgets.startMs)).url
      : serverUrl;
    this.url = serverUrl;
    const { publisher } = this.processes;
    if (publisher) {
      if (publisherKind === 'redis' && !redis) throw new Error('--publisher redis writes into the Redis source: the run has none');
      // Where to publish is the server's to say (its API, or its log's stream), never the publisher's to guess.
      const target: PublisherStart = publisherKind === 'redis' ? { redis: { url: redis!.url, keyPrefix: redis!.keyPrefix } } : { http: publish };
      await publisher.call('start', target, budgets.startMs);
    }
    const link = linkOf(scenario);
    const proxyUrls = await Promise.all(
      this.processes.proxies.map(async (proxy, i) => {
        const started = await proxy.call('start', { targetUrl: url, link: { ...link!, seed: link!.seed + i } }, budgets.startMs);
        return started.url;
      }),
    );
    this.baseUrls = this.processes.fleets.map((_, i) => proxyUrls[i] ?? url);
  }

  /**
   * Starts every client at its poll phase and waits until each is in: it has had an answer, or the server holds
   * its request or socket (a WebSocket client gets nothing before the first message, and neither does a long
   * poll). Returns how many are in.
   */
  async connect(): Promise<number> {
    const { scenario, budgets, info } = this;
    await this.server.call('measureIdle', { windowMs: IDLE_WINDOW_MS }, IDLE_WINDOW_MS + budgets.callMs);
    await this.server.call('openWindow', undefined, budgets.callMs);
    await this.processes.front?.call('openWindow', undefined, budgets.callMs);
    this.delayLinesAtOpen = this.processes.link && { atMs: performance.now(), cpuMs: this.processes.link.delayLineCpuMs() };
    const phases = pollPhases(scenario.seed, scenario.clients, scenario.pollIntervalMs, scenarioValue(scenario, 'connectRatePerSec'));
    // On the kernel network the clients reach the server's veth address from their own namespace: no loopback there.
    const addresses = this.processes.link ? [] : sourceAddresses(scenario.clients, readLoopbackPortUse);
    const blocked = fallsBack(info.name, scenario)
      ? blockedPlan(scenario.seed, scenario.clients, scenarioValue(scenario, 'blockedUpgrade'))
      : undefined;
    await Promise.all(
      this.processes.fleets.map((fleet, i) =>
        fleet.call(
          'start',
          {
            strategy: info.name,
            baseUrl: this.baseUrls[i],
            phasesMs: this.shareOf(phases, i),
            firstClientIndex: i * this.share,
            scenario,
            ...(blocked && { blocked: this.shareOf(blocked, i) }),
            ...(this.tls().tls && { ca: this.tls().tls!.cert }),
            ...(addresses.length > 0 && { sourceAddresses: addresses }),
          },
          budgets.clientStartMs,
        ),
      ),
    );
    return this.waitFor(budgets.connectMs, scenario.clients, async () => {
      const answered = await Promise.all(this.processes.fleets.map((fleet) => fleet.call('answered', undefined, budgets.callMs)));
      const attached = await this.server.call('attached', { strategy: info.name }, budgets.callMs);
      return Math.max(sum(answered), attached);
    });
  }

  /** The certificate the run's server is started with: the bench's, when the scenario speaks TLS. */
  private tls(): { tls?: CertificatePem } {
    if (scenarioValue(this.scenario, 'tls') === 'off') return {};
    if (!this.host.certificate) throw new Error('a run over TLS needs the bench’s certificate: none was made');
    return { tls: this.host.certificate };
  }

  /** The open-loop schedule, played by the server process itself or by the publisher process. */
  async publish(): Promise<Published> {
    const { offsetsMs, durationMs } = await this.beginSchedule();
    const before = await this.brokerSnapshot();
    const run: PublisherSchedule = { offsetsMs, durationMs, payloadBytes: this.scenario.payloadBytes };
    const { publisher } = this.processes;
    const { schedule, publishing, publisherTraffic } = publisher
      ? await this.publishFrom(publisher, run)
      : { schedule: await this.server.call('runSchedule', run, this.budgets.scheduleMs), publishing: undefined, publisherTraffic: null };
    const after = before && (await this.brokerSnapshot())!;
    const broker = before && brokerCost(before, withTraffic(after!, publisherTraffic), schedule.published);
    return { schedule, ...(publishing && { publishing }), ...(broker && { broker }) };
  }

  /**
   * The schedule played by the publisher process, the server measuring its own load meanwhile: the schedule's
   * load is the server's, as when it publishes itself, and the publisher's own CPU goes with its figures.
   */
  private async publishFrom(
    publisher: RpcChild<PublisherProtocol>,
    run: PublisherSchedule,
  ): Promise<{ schedule: ScheduleReport; publishing: PublisherFigures; publisherTraffic: RedisTraffic | null }> {
    const { callMs, scheduleMs, publish } = this.budgets;
    await this.server.call('publishingStarts', undefined, callMs);
    const report = await publisher.call('runSchedule', { ...run, ...publish }, scheduleMs);
    const serverLoad = await this.server.call('publishingEnds', undefined, callMs);
    const { cpuMs, windowMs } = report.load;
    return {
      schedule: { ...report.schedule, load: serverLoad },
      publishing: { ...report.publishing, cpuMs: Math.round(cpuMs * 10) / 10, windowMs: Math.round(windowMs) },
      publisherTraffic: report.brokerTraffic,
    };
  }

  /** The fault run: the schedule, with the server killed `restartAtSec` into it and a new one on its port. */
  async publishAcrossRestart(restartAtSec: number): Promise<Published> {
    const { scenario } = this;
    // The flags refuse it (bench/plan/scenarios.ts): a fault run's record of what was published comes from its server.
    if (this.processes.publisher) throw new Error('a server kill runs with the in-process publisher only');
    const { offsetsMs, durationMs } = await this.beginSchedule();
    if (scenario.source === 'redis') {
      const { schedule, kill } = await publishAcrossKill(
        this.server,
        { offsetsMs, durationMs, payloadBytes: scenario.payloadBytes },
        restartAtSec * 1000,
        this.budgets,
      );
      const seqs = schedule.seqs ?? [];
      return {
        schedule,
        restart: { expectedSeqs: seqs, publishedBeforeKill: seqs.slice(0, kill.publishedBeforeKill) },
        killedAtMs: kill.killedAtMs,
      };
    }
    const outcome = await publishAcrossRestart({
      strategy: this.info.name,
      longPollTimeoutMs: scenario.longPollTimeoutMs,
      port: Number(new URL(this.url).port),
      offsetsMs,
      durationMs,
      payloadBytes: scenario.payloadBytes,
      restartAtMs: restartAtSec * 1000,
      budgets: this.budgets,
      spawnServer: () => {
        const next = this.host.spawnServer();
        this.processes.servers.push(next);
        return next;
      },
      first: this.server,
      publishLog: this.publishLog!,
      ...this.tls(),
    });
    this.server = outcome.server;
    return {
      schedule: outcome.schedule,
      restart: { expectedSeqs: outcome.expectedSeqs, publishedBeforeKill: outcome.publishedBeforeKill },
      killedAtMs: outcome.killedAtMs,
    };
  }

  /** Waits (bounded) for every client to have the last message; returns how many still lack it. */
  async drain(lastSeq: number): Promise<number> {
    const timeoutMs = this.budgets.drainMs;
    const notDrained = await Promise.all(
      this.processes.fleets.map((fleet) => fleet.call('drain', { lastSeq, timeoutMs }, timeoutMs + this.budgets.callMs)),
    );
    // Every connection has carried the whole schedule by now: its smoothed RTT is what TCP saw of the link.
    const link = this.processes.link;
    if (link) this.tcpRtts = await link.tcpRtts(Number(new URL(this.url).port));
    return sum(notDrained);
  }

  /**
   * Stops the clients and takes both ends' counts. They agree only if no request is cut in flight: held
   * requests and sockets must have reached the server before the clients hang up, and short polls are stopped
   * between requests.
   */
  async collect(published: Published | null): Promise<Collected> {
    const { scenario, budgets, info } = this;
    const betweenRequests = info.connection === 'request-per-poll';
    if (!betweenRequests) {
      await this.waitFor(budgets.settleMs, scenario.clients, () => this.server.call('attached', { strategy: info.name }, budgets.callMs));
    }
    // Under loss, what the server wrote last may still be waiting for a retransmission: the clients hang up only
    // once every byte written has been read at the other end, or both ends' counts would differ by what was in flight.
    const link = this.processes.link;
    if (link) {
      const port = Number(new URL(this.url).port);
      const deadline = performance.now() + budgets.settleMs;
      while ((await link.bytesInFlight(port)) > 0 && performance.now() < deadline && !this.host.aborted()) await delay(STATUS_POLL_MS);
    }
    const lastSeq = published?.schedule.lastSeq ?? 0;
    const idleTimeoutMs = budgets.settleMs;
    // A shared log's seqs start at its epoch: the clients check exactly the seqs published.
    const expectedSeqs = published?.restart?.expectedSeqs ?? published?.schedule.seqs;
    const faultAtMs = published?.killedAtMs;
    // Across a restart the server at the window's end is another one: its counts do not continue the first's.
    const start = faultAtMs === undefined ? this.serverAtStart : undefined;
    const atStop = start && (await this.serverTraffic());
    const reports = await Promise.all(
      this.processes.fleets.map((fleet) =>
        fleet.call('stop', { lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs, faultAtMs }, idleTimeoutMs + budgets.callMs),
      ),
    );
    // The server waits for its side of every connection to close, so both counts are final.
    const server = await this.server.call('collect', { strategy: info.name, closeTimeoutMs: budgets.settleMs }, budgets.settleMs + budgets.callMs);
    const proxies = await Promise.all(this.processes.proxies.map((proxy) => proxy.call('load', undefined, budgets.callMs)));
    const front = await this.processes.front?.call('collect', { path: null, closeTimeoutMs: budgets.settleMs }, budgets.settleMs + budgets.callMs);
    const fleet = mergeFleetReports(reports);
    if (start && atStop && fleet.steady) {
      const atServer = {
        windowMs: Math.round(atStop.atMs - start.atMs),
        requests: atStop.traffic.requests - start.traffic.requests,
        bytesClientToServer: atStop.traffic.bytes.clientToServer - start.traffic.bytes.clientToServer,
        bytesServerToClient: atStop.traffic.bytes.serverToClient - start.traffic.bytes.serverToClient,
      };
      // A real browser's traffic while publishing is the server's count of it (the browser's sockets are not ours):
      // requests, bytes and the window all from there, so the three are of the same moments.
      const browser = scenarioValue(scenario, 'fleet') === 'chromium';
      fleet.steady = { ...fleet.steady, ...(browser && atServer), atServer };
    }
    const kernelNetwork = await this.kernelNetwork();
    const delayLines = this.delayLineLoads();
    if (faultAtMs === undefined) return { fleet, server, proxies, delayLines, ...(front && { front }), ...(kernelNetwork && { kernelNetwork }) };
    const recovery = recoveryOutcome({
      processes: scenarioValue(this.scenario, 'serverProcesses'),
      killedAtMs: faultAtMs,
      episodes: fleet.recovery ?? [],
      timeline: await this.server.call('timeline', undefined, budgets.callMs),
      listenBefore: this.listenBefore,
      listenAfter: readListenCounters(),
    });
    return { fleet, server, proxies, delayLines, recovery, ...(front && { front }) };
  }

  /** What each delay line spent since the window opened: no event loop, so no loop delay. */
  private delayLineLoads(): ProcessLoad[] {
    const link = this.processes.link;
    const open = this.delayLinesAtOpen;
    if (!link || !open) return [];
    const windowMs = performance.now() - open.atMs;
    return link.delayLineCpuMs().map((cpuMs, i) => ({
      cpuMs: cpuMs - (open.cpuMs[i] ?? 0),
      windowMs,
      eventLoopDelayP99Us: 0,
      eventLoopDelayMaxUs: 0,
    }));
  }

  /** What the kernel network measured: its namespaces were made for this run, so their counters are the run's. */
  private async kernelNetwork(): Promise<KernelNetworkOutcome | undefined> {
    const link = this.processes.link;
    if (!link) return undefined;
    const [server, client] = await Promise.all([link.tcpCounters('server'), link.tcpCounters('client')]);
    return {
      modelRttMs: link.modelRttMs,
      tcpRttMs: rttSummary(this.tcpRtts.map((rtt) => rtt.smoothedMs)),
      tcpMinRttMs: rttSummary(this.tcpRtts.map((rtt) => rtt.minMs)),
      retransmittedSegments: { serverToClient: server.retransmittedSegments, clientToServer: client.retransmittedSegments },
      segmentsSent: { serverToClient: server.segmentsSent, clientToServer: client.segmentsSent },
    };
  }

  /** Tells the server the clients are in, and each client process when the schedule starts and whom to drop (churn). */
  private async beginSchedule(): Promise<{ offsetsMs: number[]; durationMs: number }> {
    const { scenario, budgets } = this;
    await this.server.call('markConnected', { strategy: this.info.name }, budgets.callMs);
    const durationMs = scenario.durationSec * 1000;
    const offsetsMs = publishSchedule(scenario);
    const churn = scenarioValue(scenario, 'churn');
    const dropAtMs = churn > 0 ? churnPlan(scenario.seed, scenario.clients, churn, durationMs) : [];
    await Promise.all(this.processes.fleets.map((fleet, i) => fleet.call('scheduleStart', { dropAtMs: this.shareOf(dropAtMs, i) }, budgets.callMs)));
    // Counted at the server too when its sockets are the clients' (no proxy between them).
    if (this.processes.proxies.length === 0) this.serverAtStart = await this.serverTraffic();
    this.listenBefore = readListenCounters();
    return { offsetsMs, durationMs };
  }

  /** The strategy's requests and bytes at the server now, and when (performance.now() of the harness, mid-call). */
  private async serverTraffic(): Promise<{ traffic: StrategyTraffic; atMs: number }> {
    const before = performance.now();
    const traffic = await this.server.call('strategyTraffic', { strategy: this.info.name }, this.budgets.callMs);
    return { traffic, atMs: (before + performance.now()) / 2 };
  }

  /** The broker's counters now, with the Redis source; null with the memory source. */
  private async brokerSnapshot(): Promise<BrokerSnapshot | null> {
    if (this.scenario.source !== 'redis') return null;
    return brokerSnapshot(this.server, this.host.redis, this.budgets.callMs);
  }

  /** Client process i's part of a per-client list. */
  private shareOf<T>(perClient: readonly T[], i: number): T[] {
    return perClient.slice(i * this.share, (i + 1) * this.share);
  }

  /** Polls `count` until it reaches `target`, the time is up or the bench is aborted; returns the last count. */
  private async waitFor(timeoutMs: number, target: number, count: () => Promise<number>): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let current = await count();
    while (current < target && performance.now() < deadline && !this.host.aborted()) {
      await delay(STATUS_POLL_MS);
      current = await count();
    }
    return current;
  }
}

/** The broker's counters with a publisher process's own bytes to and from Redis added: it writes straight into the log. */
function withTraffic(snapshot: BrokerSnapshot, extra: RedisTraffic | null): BrokerSnapshot {
  if (!extra || !snapshot.traffic) return snapshot;
  const { bytesToRedis, bytesFromRedis } = snapshot.traffic;
  return { ...snapshot, traffic: { bytesToRedis: bytesToRedis + extra.bytesToRedis, bytesFromRedis: bytesFromRedis + extra.bytesFromRedis } };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
