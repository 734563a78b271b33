import { availableParallelism } from 'node:os';
import type { StrategyInfo } from '../../servers/contract/strategies.js';
import { judgeBottleneck, summarizeLoads } from '../measure/bottleneck.js';
import type { FleetReport } from '../fleet/client-fleet.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, summarizeLatency } from '../measure/histogram.js';
import { clientRequestsPerCpuSecond } from '../../results/metrics.js';
import { connectionMemory } from '../../results/connection-memory.js';
import type {
  BrokerCost,
  PublisherFigures,
  KernelNetworkOutcome,
  ClientHeaders,
  RecoveryOutcome,
  RunProblem,
  RunResult,
  RunTls,
  RunWarning,
  Scenario,
  StrategyLabel,
} from '../../results/results.js';
import { scenarioValue } from '../../results/scenario.js';
import type { ProcessLoad } from '../measure/process-load.js';
import { LATE_PUBLISH_MS, type FrontReport, type ScheduleReport, type ServerReport } from '../ipc/protocol.js';
import { servedBytes, servedStrategies, upgradeFallback } from '../fleet/upgrade-fallback.js';
import { scenarioHeaderProfile } from '../fleet/identity.js';

/** What the harness learned about one run, from both sides of the wire. */
export interface RunEvidence {
  info: StrategyInfo;
  scenario: Scenario;
  wallTimeMs: number;
  clientProcesses: number;
  /** null when the clients never all connected, so the schedule was not run. */
  schedule: ScheduleReport | null;
  connectTimeoutMs: number;
  connectedClients: number;
  drainTimeoutMs: number;
  clientsNotDrained: number;
  fleet: FleetReport;
  server: ServerReport;
  /** Present when the server was killed and restarted mid-run. */
  restart?: RestartEvidence;
  /** The delaying proxies' loads, when the scenario emulates a network. */
  proxies?: ProcessLoad[];
  /** The kernel network's delay lines' loads. */
  delayLines?: ProcessLoad[];
  /** Cores of the machine (default: this one's). */
  cores?: number;
  /** A fault run: how the clients came back. */
  recovery?: RecoveryOutcome;
  /** The Redis source: what the broker cost while publishing. */
  broker?: BrokerCost;
  /** nginx in front of our server (`--proxy nginx`). */
  front?: FrontReport;
  /** A publisher process's own figures (scenario.publisher http or redis); absent: the server published in-process. */
  publishing?: PublisherFigures;
  /** The kernel network: TCP's RTT and retransmissions. */
  kernelNetwork?: KernelNetworkOutcome;
}

export interface RestartEvidence {
  expectedSeqs: number[];
  publishedBeforeKill: number[];
}

export function strategyLabel(info: StrategyInfo): StrategyLabel {
  const label: StrategyLabel = {
    name: info.name,
    title: info.title,
    direction: info.direction,
    connection: info.connection,
    claim: info.claim,
    colour: info.colour,
  };
  if (info.reference) label.reference = true;
  if (info.servedBy) label.servedBy = info.servedBy;
  return label;
}

export function assembleRun(evidence: RunEvidence): RunResult {
  const { info, scenario, schedule, fleet, server } = evidence;
  const counters = server.stats.strategies[info.name];
  // A blocked-upgrade run's clients also long-poll: both strategies' bytes are theirs. Behind nginx, the clients'
  // bytes are nginx's to count: what reaches our server is nginx's own requests.
  const serverSide = evidence.front ? evidence.front.counters.bytes : servedBytes(server.stats.strategies, servedStrategies(info.name, scenario));
  const published = schedule?.published ?? 0;
  const problems: RunProblem[] = [];
  const warnings: RunWarning[] = [];
  const fallback =
    fleet.groups && scenario.blockedUpgrade
      ? upgradeFallback(scenario.blockedUpgrade, Math.round(scenario.blockedUpgrade * scenario.clients), fleet.groups)
      : undefined;
  const fellBack = fallback?.groups.find((group) => group.transport === 'long-polling')?.clients ?? 0;
  if (fallback && fellBack !== fallback.blockedClients) problems.push({ code: 'fallback-mismatch', blocked: fallback.blockedClients, fellBack });

  if (schedule === null) {
    problems.push({ code: 'never-connected', connected: evidence.connectedClients, clients: scenario.clients, timeoutMs: evidence.connectTimeoutMs });
  }
  if (schedule && published === 0) {
    problems.push({ code: 'nothing-published', ratePerSec: scenario.ratePerSec, durationSec: scenario.durationSec, seed: scenario.seed });
  }
  problems.push(...clientProblems(fleet));
  const { gaps } = fleet.faults;
  if (gaps.clients > 0) warnings.push({ code: 'gaps-signalled', clients: gaps.clients, gaps: fleet.gaps, examples: gaps.examples });
  if (evidence.clientsNotDrained > 0) {
    problems.push({ code: 'not-drained', clients: evidence.clientsNotDrained, lastSeq: schedule?.lastSeq ?? 0, timeoutMs: evidence.drainTimeoutMs });
  }
  const { publishing } = evidence;
  if (schedule && schedule.latePublishes > 0) {
    warnings.push({
      code: 'late-publishes',
      late: schedule.latePublishes,
      // A publisher process counts every publish it sent on time or late, answered or not.
      of: publishing?.planned ?? published,
      lateMs: LATE_PUBLISH_MS,
      worstMs: Math.round(schedule.maxLagMs),
      ...(publishing && { publisher: publishing.publisher }),
    });
  }
  if (publishing && publishing.failed > 0) {
    warnings.push({ code: 'publishes-failed', failed: publishing.failed, of: publishing.planned, byCause: publishing.failuresByCause });
  }
  const lost = Object.entries(fleet.missedBySeq)
    .map(([seq, clients]) => ({ seq: Number(seq), clients }))
    .sort((a, b) => a.seq - b.seq);
  // A browser's sockets are not ours: its run's bytes are the server's count, with nothing to cross-check.
  const atServer = fleet.countedAt === 'server';
  const clientSide = atServer ? serverSide : { clientToServer: fleet.bytesClientToServer, serverToClient: fleet.bytesServerToClient };
  const tls = runTls(scenario, fleet, server, servedStrategies(info.name, scenario));
  if (tls?.split && !evidence.restart && !((fleet.churned ?? 0) > 0)) {
    const application = { clientToServer: tls.split.clientToServer.application, serverToClient: tls.split.serverToClient.application };
    const { serverSideApplication } = tls;
    if (application.clientToServer !== serverSideApplication.clientToServer || application.serverToClient !== serverSideApplication.serverToClient)
      problems.push({ code: 'tls-application-disagree', clientSide: application, serverSide: serverSideApplication });
  }
  if (evidence.restart) {
    // The killed process took its counters with it: the two ends cannot be compared, and its CPU is unknown.
    warnings.push({
      code: 'server-replaced',
      atSec: scenarioValue(scenario, 'restartAtSec') ?? 0,
      serverProcesses: scenarioValue(scenario, 'serverProcesses'),
    });
  } else if (
    (clientSide.clientToServer !== serverSide.clientToServer && !(evidence.front && info.connection === 'persistent')) ||
    clientSide.serverToClient !== serverSide.serverToClient
  ) {
    // nginx counts what it reads of a request, not what a client sends through it once the connection is upgraded
    // (a WebSocket's frames): behind nginx, a persistent connection is checked in the direction nginx counts whole.
    const server = { clientToServer: serverSide.clientToServer, serverToClient: serverSide.serverToClient };
    // A connection cut on purpose loses what was in flight on it: expected, and no message is lost to a client.
    if ((fleet.churned ?? 0) > 0) warnings.push({ code: 'bytes-cut-by-churn', clientSide, serverSide: server, churned: fleet.churned! });
    else problems.push({ code: 'bytes-disagree', clientSide, serverSide: server });
  }
  const clientLoads = fleet.load ?? [];
  const proxyLoads = evidence.proxies ?? [];
  const perConnection = connectionMemory(server);
  // Judged while publishing: connecting 10,000 clients is a different (and one-off) load.
  const serverLoad =
    schedule?.load ??
    (server.windowMs === undefined ? undefined : { cpuMs: server.cpuMs, windowMs: server.windowMs, eventLoopDelayP99Us: server.eventLoopDelayP99Us });
  const bottleneck =
    schedule && clientLoads.length > 0 && serverLoad
      ? judgeBottleneck({
          server: serverLoad,
          clients: clientLoads,
          proxies: proxyLoads,
          delayLines: evidence.delayLines ?? [],
          cores: evidence.cores ?? availableParallelism(),
        })
      : undefined;
  const requestsPerClientCpuSecond = clientRequestsPerCpuSecond(fleet.steady);
  // judgeBottleneck gives coded reasons; a sentence is only ever read back from an old file.
  if (bottleneck?.verdict === 'load-generator' && typeof bottleneck.reason !== 'string')
    warnings.push({ code: 'load-generator-bound', reason: bottleneck.reason });

  return {
    strategy: strategyLabel(info),
    scenario,
    wallTimeMs: Math.round(evidence.wallTimeMs),
    messages: {
      published,
      expected: published * scenario.clients,
      delivered: fleet.delivered,
      missed: fleet.missed,
      duplicated: fleet.duplicated,
      outOfOrder: fleet.outOfOrder,
      gaps: fleet.gaps,
    },
    latencyUs: summarizeLatency(decodeHistogram(fleet.latencyHistogram)),
    latencyHistogram: fleet.latencyHistogram,
    requests: fleet.requests,
    bytes: {
      clientToServer: clientSide.clientToServer,
      serverToClient: clientSide.serverToClient,
      payload: scenario.payloadBytes * fleet.delivered,
      serverSide: { clientToServer: serverSide.clientToServer, serverToClient: serverSide.serverToClient },
      ...(counters && counters.answerBodyBytes > 0 && { answerBody: counters.answerBodyBytes }),
    },
    connections: {
      opened: atServer ? ((evidence.front?.counters ?? counters)?.connections.opened ?? 0) : fleet.connectionsOpened,
      peak: (evidence.front?.counters ?? counters)?.connections.peak ?? 0,
    },
    server: {
      cpuMs: round1(server.cpuMs),
      peakRssBytes: server.peakRssBytes,
      eventLoopDelayP99Us: server.eventLoopDelayP99Us,
      rssSamples: server.rssSamples,
      ...(server.attachedSamples && { attachedSamples: server.attachedSamples }),
      ...(counters && { attachedPeak: counters.attachedPeak }),
      ...(server.publishingSpanMs && { publishingSpanMs: server.publishingSpanMs }),
      eventLoopDelayMaxUs: server.eventLoopDelayMaxUs,
      windowMs: server.windowMs,
      ...(server.idleCpuMs !== undefined && { idleCpuMs: server.idleCpuMs, idleWindowMs: server.idleWindowMs }),
      rssBeforeClientsBytes: server.rssBeforeClientsBytes,
      rssConnectedBytes: server.rssConnectedBytes,
      connectionsAtRssSample: server.connectionsAtRssSample,
      rssPerConnectionBytes: perConnection.rssBytes,
      ...(server.heapConnectedBytes !== undefined && {
        heapBeforeClientsBytes: server.heapBeforeClientsBytes,
        heapConnectedBytes: server.heapConnectedBytes,
        heapPerConnectionBytes: perConnection.heapBytes,
      }),
      ...(server.socketKernelBytes !== undefined && {
        socketKernelBytes: server.socketKernelBytes,
        socketKernelPerConnectionBytes: perConnection.kernelBytes,
      }),
      ...(schedule?.load && {
        publishingCpuMs: round1(schedule.load.cpuMs),
        publishingWindowMs: Math.round(schedule.load.windowMs),
        publishingEventLoopDelayP99Us: schedule.load.eventLoopDelayP99Us,
      }),
    },
    clientProcesses: {
      ...summarizeLoads(clientLoads),
      count: evidence.clientProcesses,
      cpuMs: round1(fleet.cpuMs),
      ...(requestsPerClientCpuSecond !== null && { requestsPerCpuSecond: Math.round(requestsPerClientCpuSecond) }),
    },
    ...(proxyLoads.length > 0 && { proxy: summarizeLoads(proxyLoads) }),
    ...((evidence.delayLines ?? []).length > 0 && { delayLine: summarizeLoads(evidence.delayLines!) }),
    ...(evidence.kernelNetwork && { kernelNetwork: evidence.kernelNetwork }),
    ...(scenarioValue(scenario, 'churn') > 0 && { churnedClients: fleet.churned ?? 0 }),
    ...(fleet.steady && { steady: fleet.steady }),
    ...(bottleneck && { bottleneck }),
    problems,
    warnings,
    ...(evidence.restart && {
      restart: {
        atSec: scenarioValue(scenario, 'restartAtSec')!,
        publishedBeforeKill: evidence.restart.publishedBeforeKill.length,
        lost,
        reconnects: fleet.requests.reconnects,
      },
    }),
    ...(fallback && { fallback }),
    ...(tls && { tls }),
    clientHeaders: clientHeaders(scenario, fleet),
    ...(evidence.recovery && { recovery: evidence.recovery }),
    ...(evidence.broker && { broker: evidence.broker }),
    ...((server.stack ?? evidence.front?.stack) && { stack: server.stack ?? evidence.front!.stack }),
    publishing: publishing ?? { publisher: 'in-process' },
  };
}

/**
 * A run over TLS: the clients' split of their bytes, the server's plaintext count and its handshakes. A browser's
 * records are read by no meter of ours: its run has the server's side only.
 */
function runTls(scenario: Scenario, fleet: FleetReport, server: ServerReport, served: readonly string[]): RunTls | undefined {
  if (scenarioValue(scenario, 'tls') === 'off' || (!fleet.tls && fleet.countedAt !== 'server')) return undefined;
  const counters = server.stats.tls ?? { handshakes: 0, resumed: 0, failed: 0 };
  return {
    ...(fleet.tls && { split: fleet.tls.split }),
    serverSideApplication: servedBytes(server.stats.strategies, served, 'applicationBytes'),
    handshakes: counters.handshakes,
    resumed: counters.resumed,
    failedHandshakes: counters.failed,
  };
}

/** Whose headers the run's requests carried: the real browser's, or the profile the simulated clients sent. */
function clientHeaders(scenario: Scenario, fleet: FleetReport): ClientHeaders {
  if (fleet.browser !== undefined) return { profile: 'browser', source: fleet.browser };
  const profile = scenarioHeaderProfile(scenario);
  return profile ? { profile: 'chromium', source: `${profile.browser} ${profile.version}` } : { profile: 'minimal', source: 'pushbench' };
}

/** The clients' faults as problems: one per kind of fault, with its total and the first few clients. */
function clientProblems(fleet: FleetReport): RunProblem[] {
  const { missed, duplicated, outOfOrder } = fleet.faults;
  const problems: RunProblem[] = [];
  if (missed.clients > 0) problems.push({ code: 'messages-missed', clients: missed.clients, missed: fleet.missed, examples: missed.examples });
  if (duplicated.clients > 0)
    problems.push({ code: 'messages-duplicated', clients: duplicated.clients, duplicated: fleet.duplicated, examples: duplicated.examples });
  if (outOfOrder.clients > 0)
    problems.push({ code: 'messages-out-of-order', clients: outOfOrder.clients, outOfOrder: fleet.outOfOrder, examples: outOfOrder.examples });
  return problems;
}

/** A run that could not be measured at all (a child process died, a step timed out): invalid, with the reason. */
export function failedRun(info: StrategyInfo, scenario: Scenario, wallTimeMs: number, reason: string): RunResult {
  return {
    strategy: strategyLabel(info),
    scenario,
    wallTimeMs: Math.round(wallTimeMs),
    messages: { published: 0, expected: 0, delivered: 0, missed: 0, duplicated: 0, outOfOrder: 0, gaps: 0 },
    latencyUs: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 },
    latencyHistogram: encodeHistogram(createLatencyHistogram()),
    requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
    bytes: { clientToServer: 0, serverToClient: 0, payload: 0, serverSide: { clientToServer: 0, serverToClient: 0 } },
    connections: { opened: 0, peak: 0 },
    server: { cpuMs: 0, peakRssBytes: 0, eventLoopDelayP99Us: 0 },
    clientProcesses: { count: 0, cpuMs: 0 },
    problems: [{ code: 'not-measured', reason }],
    warnings: [],
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
