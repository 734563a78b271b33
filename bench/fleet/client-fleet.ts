import { sourceAddressOf } from '../plan/source-address.js';
import type { SimulatedClient, SimulatedClientClass } from '../../clients/client.js';
import { WebSocketFallbackClient } from '../../clients/websocket-fallback.js';
import { mergeGroupEvidence, UpgradeGroups, type GroupEvidence } from './upgrade-fallback.js';
import { nowMs } from '../../servers/contract/message.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';
import type { RecoveryEpisode } from '../measure/recovery.js';
import { createLatencyHistogram, encodeHistogram, latencyUs, mergeEncodedHistograms, type Histogram } from '../measure/histogram.js';
import { scenarioHeaderProfile, scenarioIdentity } from './identity.js';
import { clientDeadlineMs } from '../plan/budgets.js';
import { LoadMonitor, type ProcessLoad } from '../measure/process-load.js';
import { SeqReceipts } from '../measure/seq-receipts.js';
import type { ByteCounts } from '../../servers/contract/byte-counts.js';
import type { CountExample, MissedExample, RequestCounts, TrafficWindow } from '../../results/results.js';
import { FAULT_EXAMPLES, MISSED_SEQS_SHOWN } from '../../results/problems.js';
import { fleetTls, mergeFleetTls, transportOptions, type FleetTls } from './tls-evidence.js';

/** What one client process saw; reports from several processes are merged with `mergeFleetReports`. */
export interface FleetReport {
  clients: number;
  /** Compressed HDR histogram of latencyUs, one sample per delivered message. */
  latencyHistogram: string;
  delivered: number;
  missed: number;
  duplicated: number;
  outOfOrder: number;
  gaps: number;
  /** seq → how many clients of this process never received it. */
  missedBySeq: Record<string, number>;
  requests: RequestCounts;
  bytesClientToServer: number;
  bytesServerToClient: number;
  connectionsOpened: number;
  cpuMs: number;
  /** Which clients missed, repeated or reordered messages, or were told of gaps: a few examples of each. */
  faults: ClientFaults;
  /** CPU and event-loop delay of each client process from the start of the schedule (one entry per process once merged). */
  load?: ProcessLoad[];
  /** Clients that dropped their connection on purpose (churn). */
  churned?: number;
  /** Traffic from scheduleStart until stop (absent when the schedule never started). */
  steady?: TrafficWindow;
  /** A fault run: each client's first way back that began at or after the fault (clients that never failed: none). */
  recovery?: RecoveryEpisode[];
  /** A blocked-upgrade run: the clients by the transport they ended up on (see bench/fleet/upgrade-fallback.ts). */
  groups?: GroupEvidence[];
  /** A run over TLS: the clients' bytes split by what they carried, and their handshakes. */
  tls?: FleetTls;
  /**
   * Where the bytes and connections are counted. Absent: at the clients' own sockets, cross-checked against the
   * server's. 'server': the clients' sockets are a browser's, which the bench cannot read, so the run's bytes are
   * the server's sockets' (the fields above are 0) and there is nothing to cross-check.
   */
  countedAt?: 'server';
  /** A real-browser fleet's browser and version, "Chromium 156.0.8078.129". */
  browser?: string;
}

export interface FleetOptions {
  clientClass: SimulatedClientClass;
  baseUrl: string;
  /** One first-request delay per client. */
  phasesMs: readonly number[];
  /** Index of this fleet's first client in the whole run, so problems name clients the same way across processes. */
  firstClientIndex: number;
  /** The run's scenario: each client's poll interval, identity headers, backoff and HTTP version. */
  scenario: Scenario;
  /** A blocked-upgrade run: whether each client is refused at the upgrade (clientClass is then the fallback client). */
  blocked?: readonly boolean[];
  /** A run over TLS: the server's certificate, the one the clients trust. */
  ca?: string;
  /** The source addresses the run's clients bind, round-robin by client index (bench/plan/source-address.ts); none: the kernel's. */
  sourceAddresses?: readonly string[];
  /** The strategy is served behind nginx whatever the scenario says (a PHP strategy): nginx's timeout decides. */
  behindNginx?: boolean;
}

/** The clients that had one kind of fault: how many, and the first FAULT_EXAMPLES of them by index. */
export interface FaultSample<Example> {
  clients: number;
  examples: Example[];
}

/**
 * What went wrong at the clients, as data: the harness turns it into the run's problems (missed, duplicated, out of
 * order) and warnings (gap signals, which tell a client it may have lost messages; what it did lose is in missed).
 */
export interface ClientFaults {
  missed: FaultSample<MissedExample>;
  duplicated: FaultSample<CountExample>;
  outOfOrder: FaultSample<CountExample>;
  gaps: FaultSample<CountExample>;
}

/** Everything one simulated client did, recorded from its events only. */
class ClientRecord extends SeqReceipts {
  gaps = 0;
  answered = false;
  outstanding = false;
  readonly requests: RequestCounts = { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 };
  /** Every way back from a failure: a failure opens one, the first message after it closes it. */
  readonly episodes: RecoveryEpisode[] = [];
  private episode: RecoveryEpisode | undefined;

  constructor(
    readonly index: number,
    readonly client: SimulatedClient,
    latencies: Histogram,
  ) {
    super();
    client.on('error', () => {
      if (this.episode) return;
      this.episode = [nowMs(), null, null, 0];
      this.episodes.push(this.episode);
    });
    client.on('reconnect', () => {
      if (this.episode) this.episode[3]++;
    });
    client.on('open', () => {
      if (this.episode && this.episode[1] === null) this.episode[1] = nowMs();
    });
    client.on('message', (_message, receivedAtMs) => {
      if (!this.episode) return;
      // A message means attached, whether or not the transport said so first.
      this.episode[1] ??= receivedAtMs;
      this.episode[2] = receivedAtMs;
      this.episode = undefined;
    });
    client.on('request', () => {
      this.requests.total++;
      this.outstanding = true;
    });
    client.on('response', () => this.answer('withMessages'));
    client.on('empty', () => this.answer('empty'));
    client.on('error', () => {
      this.requests.failed++;
      this.outstanding = false;
    });
    client.on('reconnect', () => this.requests.reconnects++);
    client.on('gap', () => this.gaps++);
    client.on('message', (message, receivedAtMs) => {
      this.answered = true;
      if (this.receive(message.seq)) latencies.recordValue(latencyUs(message.t, receivedAtMs));
    });
  }

  private answer(kind: 'withMessages' | 'empty'): void {
    this.requests[kind]++;
    this.outstanding = false;
    this.answered = true;
  }

  /**
   * Stops the client once no request is in flight, so that stopping cuts no answer in half on the wire. The
   * stop happens inside the answer's own event, before the client can send its next request.
   */
  stopBetweenRequests(timeoutMs: number): Promise<void> {
    if (!this.outstanding) return this.client.stop();
    return new Promise<void>((resolve) => {
      const events = ['response', 'empty', 'error'] as const;
      const stopNow = () => {
        clearTimeout(timer);
        for (const event of events) this.client.off(event, stopNow);
        this.client.stop().then(resolve, resolve);
      };
      const timer = setTimeout(stopNow, timeoutMs);
      for (const event of events) this.client.on(event, stopNow);
    });
  }
}

/** The simulated clients of one process and their shared latency histogram. */
export class ClientFleet {
  private readonly records: ClientRecord[];
  private readonly latencies = createLatencyHistogram();
  private readonly cpuAtStart = process.cpuUsage();
  private readonly monitor = new LoadMonitor();
  private readonly churnTimers: NodeJS.Timeout[] = [];
  private churned = 0;
  private atScheduleStart: TrafficWindow | undefined;
  private steady: TrafficWindow | undefined;
  private groups: UpgradeGroups | undefined;

  constructor(private readonly options: FleetOptions) {
    this.monitor.start();
    const { scenario } = options;
    const headerProfile = scenarioHeaderProfile(scenario);
    this.records = options.phasesMs.map((firstPollDelayMs, i) => {
      const client = new options.clientClass({
        baseUrl: options.baseUrl,
        since: 0,
        pollIntervalMs: scenario.pollIntervalMs,
        longPollTimeoutMs: scenario.longPollTimeoutMs,
        firstPollDelayMs,
        headers: scenarioIdentity(scenario, options.firstClientIndex + i),
        ...(headerProfile && { headerProfile }),
        backoff: scenarioValue(scenario, 'backoff'),
        httpVersion: scenarioValue(scenario, 'httpVersion'),
        ...transportOptions(scenario, options.ca),
        connectTimeoutMs: clientDeadlineMs(scenario, options.behindNginx === true),
        ...(options.blocked?.[i] && { blockUpgrade: true }),
        localAddress: sourceAddressOf(options.firstClientIndex + i, options.sourceAddresses ?? []),
      });
      return new ClientRecord(options.firstClientIndex + i, client, this.latencies);
    });
    if (options.blocked) {
      this.groups = new UpgradeGroups(
        this.records.map((record) => record.client).filter((c): c is WebSocketFallbackClient => c instanceof WebSocketFallbackClient),
      );
    }
    for (const record of this.records) record.client.start();
  }

  /**
   * The schedule starts: from here the load is what publishing costs the clients, without connecting. Client i
   * loses its connection dropAtMs[i] ms from now, as a network failure would cut it; it reconnects by itself
   * (with its backoff) and resumes from its cursor, which is what churn tests.
   */
  scheduleStart(dropAtMs: readonly (number | null)[]): void {
    this.monitor.start();
    this.atScheduleStart = this.traffic();
    dropAtMs.forEach((at, i) => {
      const record = this.records[i];
      if (at === null || !record) return;
      this.churnTimers.push(
        setTimeout(() => {
          this.churned++;
          record.client.dropConnection();
        }, at),
      );
    });
  }

  get answeredCount(): number {
    return this.records.filter((r) => r.answered).length;
  }

  /** Resolves with how many clients still lack `lastSeq` when they all have it or the time is up. */
  async drain(lastSeq: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const waiting = () => this.records.filter((r) => r.highestSeq < lastSeq).length;
    while (waiting() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return waiting();
  }

  /**
   * Stops every client and reports. With `betweenRequests`, each client is stopped the moment its request in
   * flight is answered (a short poll lasts milliseconds), so every byte one side wrote was read by the other.
   */
  async stop(
    lastSeq: number,
    betweenRequests: boolean,
    idleTimeoutMs: number,
    expectedSeqs?: readonly number[],
    faultAtMs?: number,
  ): Promise<FleetReport> {
    for (const timer of this.churnTimers) clearTimeout(timer);
    const start = this.atScheduleStart;
    const end = this.traffic();
    this.steady = start && {
      windowMs: Math.round(end.windowMs - start.windowMs),
      bytesClientToServer: end.bytesClientToServer - start.bytesClientToServer,
      bytesServerToClient: end.bytesServerToClient - start.bytesServerToClient,
      requests: end.requests - start.requests,
      // The monitor started with the window: this is the clients' CPU over exactly the traffic above.
      clientCpuMs: Math.round(this.monitor.read().cpuMs * 10) / 10,
    };
    await Promise.all(
      this.records.map(async (record) => {
        if (betweenRequests) await record.stopBetweenRequests(idleTimeoutMs);
        else await record.client.stop();
      }),
    );
    const expected = expectedSeqs ?? Array.from({ length: lastSeq }, (_, i) => i + 1);
    const report = this.report(expected);
    if (this.groups) report.groups = this.groups.report(expected);
    if (faultAtMs !== undefined) {
      report.recovery = this.records.flatMap((record) => {
        const first = record.episodes.find(([failedAtMs]) => failedAtMs >= faultAtMs);
        return first ? [first] : [];
      });
    }
    return report;
  }

  /** Every client's bytes and requests so far, stamped with the time (windowMs is performance.now()). */
  private traffic(): TrafficWindow {
    const now: TrafficWindow = { windowMs: performance.now(), bytesClientToServer: 0, bytesServerToClient: 0, requests: 0 };
    for (const record of this.records) {
      const bytes = record.client.bytes;
      now.bytesClientToServer += bytes.clientToServer;
      now.bytesServerToClient += bytes.serverToClient;
      now.requests += record.requests.total;
    }
    return now;
  }

  private report(expectedSeqs: readonly number[]): FleetReport {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const requests: RequestCounts = { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 };
    const report: FleetReport = {
      clients: this.records.length,
      latencyHistogram: encodeHistogram(this.latencies),
      delivered: 0,
      missed: 0,
      duplicated: 0,
      outOfOrder: 0,
      gaps: 0,
      missedBySeq: {},
      requests,
      bytesClientToServer: 0,
      bytesServerToClient: 0,
      connectionsOpened: 0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      faults: noFaults(),
      load: [this.monitor.stop()],
      churned: this.churned,
      ...(this.steady && { steady: this.steady }),
    };
    const tls = fleetTls(this.records.map((record) => record.client));
    if (tls) report.tls = tls;
    tallyClients(
      report,
      this.records.map((record) => ({
        index: record.index,
        receipts: record,
        gaps: record.gaps,
        requests: record.requests,
        bytes: record.client.bytes,
        connectionsOpened: record.client.connectionsOpened,
      })),
      expectedSeqs,
    );
    return report;
  }
}

/** What one client did, as a fleet report counts it. */
export interface ClientTally {
  /** The client's index in the whole run. */
  index: number;
  receipts: SeqReceipts;
  gaps: number;
  requests: RequestCounts;
  bytes: ByteCounts;
  connectionsOpened: number;
}

/**
 * Adds each client's deliveries, faults, requests and bytes to `report`: what delivered, missed, duplicated and out
 * of order mean for a fleet, once, for the simulated fleet and the browser fleet alike.
 */
export function tallyClients(report: FleetReport, clients: readonly ClientTally[], expectedSeqs: readonly number[]): void {
  const { faults, requests } = report;
  for (const tally of clients) {
    const { received } = tally.receipts;
    const delivered = expectedSeqs.filter((seq) => received.has(seq)).length;
    const missed = expectedSeqs.length - delivered;
    if (missed > 0) {
      for (const seq of expectedSeqs) if (!received.has(seq)) report.missedBySeq[seq] = (report.missedBySeq[seq] ?? 0) + 1;
    }
    report.delivered += delivered;
    report.missed += missed;
    report.duplicated += tally.receipts.duplicated;
    report.outOfOrder += tally.receipts.outOfOrder;
    report.gaps += tally.gaps;
    for (const key of Object.keys(requests) as (keyof RequestCounts)[]) requests[key] += tally.requests[key];
    report.bytesClientToServer += tally.bytes.clientToServer;
    report.bytesServerToClient += tally.bytes.serverToClient;
    report.connectionsOpened += tally.connectionsOpened;
    const client = tally.index;
    if (missed > 0) {
      const firstSeqs = expectedSeqs.filter((seq) => !received.has(seq)).slice(0, MISSED_SEQS_SHOWN);
      addFault(faults.missed, { client, missed, firstSeqs });
    }
    if (tally.receipts.duplicated > 0) addFault(faults.duplicated, { client, count: tally.receipts.duplicated });
    if (tally.receipts.outOfOrder > 0) addFault(faults.outOfOrder, { client, count: tally.receipts.outOfOrder });
    if (tally.gaps > 0) addFault(faults.gaps, { client, count: tally.gaps });
  }
}

/** One report for a run split over several client processes: counts add up, histograms merge exactly. */
export function mergeFleetReports(reports: readonly FleetReport[]): FleetReport {
  const sum = (pick: (report: FleetReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  return {
    clients: sum((r) => r.clients),
    latencyHistogram: encodeHistogram(mergeEncodedHistograms(reports.map((r) => r.latencyHistogram))),
    delivered: sum((r) => r.delivered),
    missed: sum((r) => r.missed),
    duplicated: sum((r) => r.duplicated),
    outOfOrder: sum((r) => r.outOfOrder),
    gaps: sum((r) => r.gaps),
    missedBySeq: mergeCounts(reports.map((r) => r.missedBySeq)),
    requests: {
      total: sum((r) => r.requests.total),
      withMessages: sum((r) => r.requests.withMessages),
      empty: sum((r) => r.requests.empty),
      failed: sum((r) => r.requests.failed),
      reconnects: sum((r) => r.requests.reconnects),
    },
    bytesClientToServer: sum((r) => r.bytesClientToServer),
    bytesServerToClient: sum((r) => r.bytesServerToClient),
    connectionsOpened: sum((r) => r.connectionsOpened),
    cpuMs: sum((r) => r.cpuMs),
    faults: {
      missed: mergeFaults(reports.map((r) => r.faults.missed)),
      duplicated: mergeFaults(reports.map((r) => r.faults.duplicated)),
      outOfOrder: mergeFaults(reports.map((r) => r.faults.outOfOrder)),
      gaps: mergeFaults(reports.map((r) => r.faults.gaps)),
    },
    load: reports.flatMap((r) => r.load ?? []),
    ...(reports.some((r) => r.recovery) && { recovery: reports.flatMap((r) => r.recovery ?? []) }),
    ...(reports.some((r) => r.groups) && { groups: mergeGroupEvidence(reports.map((r) => r.groups ?? [])) }),
    churned: sum((r) => r.churned ?? 0),
    ...(reports.some((r) => r.tls) && { tls: mergeFleetTls(reports.map((r) => r.tls)) }),
    ...(reports.some((r) => r.countedAt === 'server') && { countedAt: 'server' as const }),
    ...(reports[0]?.browser !== undefined && { browser: reports[0].browser }),
    ...(reports.every((r) => r.steady) &&
      reports.length > 0 && {
        steady: {
          // The processes ran side by side: one window, traffic added up.
          windowMs: Math.max(...reports.map((r) => r.steady!.windowMs)),
          bytesClientToServer: sum((r) => r.steady!.bytesClientToServer),
          bytesServerToClient: sum((r) => r.steady!.bytesServerToClient),
          requests: sum((r) => r.steady!.requests),
          ...(reports.every((r) => r.steady!.clientCpuMs !== undefined) && { clientCpuMs: sum((r) => r.steady!.clientCpuMs!) }),
        },
      }),
  };
}

function mergeCounts(counts: readonly Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const count of counts) for (const [key, value] of Object.entries(count)) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}

export function noFaults(): ClientFaults {
  return { missed: noFault(), duplicated: noFault(), outOfOrder: noFault(), gaps: noFault() };
}

function noFault<Example>(): FaultSample<Example> {
  return { clients: 0, examples: [] };
}

/** Records are visited in client order, so the first examples kept are the lowest-numbered clients. */
function addFault<Example>(sample: FaultSample<Example>, example: Example): void {
  sample.clients++;
  if (sample.examples.length < FAULT_EXAMPLES) sample.examples.push(example);
}

/** The processes' samples as one: every client counted, the lowest-numbered examples kept. */
function mergeFaults<Example extends { client: number }>(samples: readonly FaultSample<Example>[]): FaultSample<Example> {
  return {
    clients: samples.reduce((total, sample) => total + sample.clients, 0),
    examples: samples
      .flatMap((sample) => sample.examples)
      .sort((a, b) => a.client - b.client)
      .slice(0, FAULT_EXAMPLES),
  };
}
