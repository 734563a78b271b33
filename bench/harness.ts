import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { findStrategy } from '../servers/registry.js';
import type { StrategyInfo } from '../servers/strategy.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleRun, failedRun, type RestartEvidence } from './assemble.js';
import { CAPACITY_ENDPOINT_NAMES, failedProbe, probeEndpoint, type CapacityEndpoint, type CapacityPlan } from './capacity.js';
import { churnPlan } from './churn.js';
import { EtaEstimator, type Step } from './eta.js';
import { describeStep } from '../results/scenario-label.js';
import { mergeFleetReports, type FleetReport } from './client-fleet.js';
import { delay, RpcChild, type Protocol } from './ipc.js';
import { collectMeta } from './meta.js';
import type { CannonProtocol, ClientProtocol, ProxyProtocol, ScheduleReport, ServerProtocol } from './protocol.js';
import { linkOf } from './proxy.js';
import { isValidRun, type CapacityResult, type Results, type RunResult, type Scenario } from '../results/results.js';
import { publishAcrossRestart } from './restart.js';
import { pollPhases, publishSchedule } from './schedule.js';

const SERVER_FILE = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const CLIENT_FILE = fileURLToPath(new URL('./client-process.ts', import.meta.url));
const PROXY_FILE = fileURLToPath(new URL('./proxy-process.ts', import.meta.url));
const CANNON_FILE = fileURLToPath(new URL('./capacity-process.ts', import.meta.url));

/**
 * Clients per client process when the plan does not say: 2,500 sockets (and as many through a proxy) stay far
 * below the open-file limit, and four processes for 10,000 clients share the load-generating CPU.
 */
export const CLIENTS_PER_PROCESS = 2_500;
/** Connecting takes longer with more clients: handshakes queue up behind each other on a 2-core machine. */
const CONNECT_MS_PER_CLIENT = 2;
/** Draining and closing take longer too: a long-poll burst or a close handshake per client. */
const SETTLE_MS_PER_CLIENT = 0.5;

/** Booting a child (node + tsx + the server or 2,000 clients) on a busy 2-core machine. */
const START_TIMEOUT_MS = 20_000;
/** A plain call that does no waiting of its own. */
const CALL_TIMEOUT_MS = 5_000;
const CONNECT_GRACE_MS = 10_000;
const SETTLE_TIMEOUT_MS = 2_000;
const STATUS_POLL_MS = 50;
const PROGRESS_INTERVAL_MS = 200;

export interface PlannedRun {
  strategy: string;
  scenario: Scenario;
}

export interface BenchPlan {
  preset: string;
  runs: PlannedRun[];
  /** The command line, for the report. */
  command: string;
  /** Client processes per run; their results are merged. Default: one per CLIENTS_PER_PROCESS clients. */
  clientProcesses?: number;
  /** After the runs, drive each HTTP endpoint to saturation with autocannon. */
  capacity?: CapacityPlan;
}

export type BenchPhase = 'starting' | 'connecting' | 'publishing' | 'draining' | 'collecting';

export interface ProgressEvent {
  /** 0-based index of the current run. */
  index: number;
  total: number;
  strategy: string;
  phase: BenchPhase;
  /** What sets this step apart from the others of the matrix, e.g. "10,000 clients · delay 50 ms". */
  detail: string;
  elapsedMs: number;
  etaMs: number;
}

export interface BenchEvents {
  'bench-start': [{ total: number; estimatedMs: number }];
  'run-start': [{ index: number; total: number; strategy: string; scenario: Scenario }];
  phase: [{ index: number; strategy: string; phase: BenchPhase }];
  progress: [ProgressEvent];
  'run-end': [{ index: number; total: number; run: RunResult; valid: boolean }];
  'capacity-end': [{ index: number; total: number; result: CapacityResult; wallTimeMs: number }];
  'bench-end': [{ results: Results; interrupted: boolean }];
}

/**
 * Runs each planned run in turn — fresh server process, fresh client process(es), the open-loop schedule,
 * drain, collect, teardown — and emits events as it goes; it never prints. `abort()` kills the children and
 * makes `run()` resolve with the runs that finished.
 */
export class Bench extends EventEmitter<BenchEvents> {
  /** Every child process ever started, so a caller can check that none outlived the bench. */
  readonly childPids: number[] = [];
  private readonly children = new Set<{ kill(): void }>();
  private aborted = false;
  private phase: BenchPhase = 'starting';
  private runIndex = 0;
  private readonly killAll = () => {
    for (const child of this.children) child.kill();
  };

  constructor(readonly plan: BenchPlan) {
    super();
  }

  get interrupted(): boolean {
    return this.aborted;
  }

  abort(): void {
    this.aborted = true;
    this.killAll();
  }

  async run(): Promise<Results> {
    const startedAt = new Date();
    const t0 = performance.now();
    const probes: CapacityEndpoint[] = this.plan.capacity ? [...CAPACITY_ENDPOINT_NAMES] : [];
    // The matrix: every planned run, then every capacity probe; progress and ETA count over all of it.
    const steps: Step[] = [
      ...this.plan.runs.map((run) => ({ plannedMs: run.scenario.durationSec * 1000, clients: run.scenario.clients })),
      ...probes.map(() => ({ plannedMs: ((this.plan.capacity?.durationSec ?? 0) + (this.plan.capacity?.warmupSec ?? 0)) * 1000, clients: 0 })),
    ];
    const labels = [
      ...this.plan.runs.map((run) => ({ strategy: run.strategy, detail: describeStep(run.scenario, this.plan.runs.map((r) => r.scenario)) })),
      ...probes.map((endpoint) => ({ strategy: `capacity ${endpoint}`, detail: 'autocannon' })),
    ];
    const total = steps.length;
    const eta = new EtaEstimator(steps);
    const runs: RunResult[] = [];
    const capacity: CapacityResult[] = [];
    let stepStartedAt = t0;
    // Children must not outlive the harness, whatever way it ends.
    process.on('exit', this.killAll);
    const ticker = setInterval(() => {
      const { runIndex: index, phase } = this;
      const { strategy, detail } = labels[index] ?? { strategy: '', detail: '' };
      const etaMs = eta.remainingMs(index, performance.now() - stepStartedAt);
      this.emit('progress', { index, total, strategy, detail, phase, elapsedMs: performance.now() - t0, etaMs });
    }, PROGRESS_INTERVAL_MS);
    try {
      this.emit('bench-start', { total, estimatedMs: eta.remainingMs(0, 0) });
      for (let index = 0; index < total && !this.aborted; index++) {
        this.runIndex = index;
        stepStartedAt = performance.now();
        const planned = this.plan.runs[index];
        if (planned) {
          this.emit('run-start', { index, total, strategy: planned.strategy, scenario: planned.scenario });
          const run = await this.runOne(planned);
          if (this.aborted) break;
          eta.finished(index, run.wallTimeMs);
          runs.push(run);
          this.emit('run-end', { index, total, run, valid: isValidRun(run) });
        } else {
          const endpoint = probes[index - this.plan.runs.length]!;
          const result = await this.runProbe(endpoint, this.plan.capacity!);
          if (this.aborted) break;
          const wallTimeMs = performance.now() - stepStartedAt;
          eta.finished(index, wallTimeMs);
          capacity.push(result);
          this.emit('capacity-end', { index, total, result, wallTimeMs });
        }
      }
    } finally {
      clearInterval(ticker);
      this.killAll();
      process.off('exit', this.killAll);
    }
    const meta = collectMeta(this.plan.preset, this.plan.command, startedAt, performance.now() - t0);
    const results: Results = { meta, runs, ...(this.plan.capacity && { capacity }) };
    this.emit('bench-end', { results, interrupted: this.aborted });
    return results;
  }

  private async runOne({ strategy, scenario }: PlannedRun): Promise<RunResult> {
    const entry = findStrategy(strategy);
    if (!entry) throw new Error(`unknown strategy "${strategy}"`);
    const startedAt = performance.now();
    this.setPhase(strategy, 'starting');
    const processes = Math.max(1, Math.min(this.plan.clientProcesses ?? Math.ceil(scenario.clients / CLIENTS_PER_PROCESS), scenario.clients));
    // Both kinds of process boot at once: node + tsx start-up is most of the fixed cost of a run.
    const server = this.spawn<ServerProtocol>('server process', SERVER_FILE);
    // A fault run replaces the server mid-run; every server ever started is stopped at the end.
    const servers = [server];
    const fleets = Array.from({ length: processes }, (_, i) => this.spawn<ClientProtocol>(`client process ${i + 1}`, CLIENT_FILE));
    // One proxy per client process: its connections stay far below the open-file limit too.
    const proxies = linkOf(scenario)
      ? Array.from({ length: processes }, (_, i) => this.spawn<ProxyProtocol>(`proxy process ${i + 1}`, PROXY_FILE))
      : [];
    try {
      return await this.measure(entry.info, scenario, servers, fleets, proxies, startedAt);
    } catch (error) {
      return failedRun(entry.info, scenario, performance.now() - startedAt, error instanceof Error ? error.message : String(error));
    } finally {
      await Promise.all([
        ...servers.map((s) => s.stop('shutdown', SETTLE_TIMEOUT_MS)),
        ...fleets.map((fleet) => fleet.stop('shutdown', 1_000)),
        ...proxies.map((proxy) => proxy.stop('shutdown', 1_000)),
      ]);
      for (const child of [...servers, ...fleets, ...proxies]) this.children.delete(child);
    }
  }

  private async measure(
    info: StrategyInfo,
    scenario: Scenario,
    servers: RpcChild<ServerProtocol>[],
    fleets: RpcChild<ClientProtocol>[],
    proxies: RpcChild<ProxyProtocol>[],
    startedAt: number,
  ): Promise<RunResult> {
    const strategy = info.name;
    let server = servers[0]!;
    const restartAtSec = scenario.restartAtSec;
    const publishLog = restartAtSec === undefined ? undefined : join(tmpdir(), `pushbench-publish-${process.pid}-${Date.now()}.log`);
    const { url } = await server.call('start', { strategy, longPollTimeoutMs: scenario.longPollTimeoutMs, publishLog }, START_TIMEOUT_MS);

    const link = linkOf(scenario);
    const proxyUrls = await Promise.all(
      proxies.map(async (proxy, i) => {
        const started = await proxy.call('start', { targetUrl: url, link: { ...link!, seed: link!.seed + i } }, START_TIMEOUT_MS);
        return started.url;
      }),
    );
    // Every wait below allows for the emulated network: a round trip costs two one-way delays (and jitter).
    const oneWayMs = (scenario.delayMs ?? 0) + (scenario.jitterMs ?? 0);
    const settleTimeoutMs = SETTLE_TIMEOUT_MS + scenario.clients * SETTLE_MS_PER_CLIENT + 4 * oneWayMs;

    this.setPhase(strategy, 'connecting');
    await server.call('openWindow', undefined, CALL_TIMEOUT_MS);
    const phases = pollPhases(scenario.seed, scenario.clients, scenario.pollIntervalMs);
    const share = Math.ceil(scenario.clients / fleets.length);
    await Promise.all(
      fleets.map((fleet, i) =>
        fleet.call(
          'start',
          {
            strategy,
            // Through this process's proxy when the scenario emulates a network.
            baseUrl: proxyUrls[i] ?? url,
            pollIntervalMs: scenario.pollIntervalMs,
            longPollTimeoutMs: scenario.longPollTimeoutMs,
            phasesMs: phases.slice(i * share, (i + 1) * share),
            firstClientIndex: i * share,
            cookieBytes: scenario.cookieBytes ?? 0,
            seed: scenario.seed,
          },
          START_TIMEOUT_MS,
        ),
      ),
    );
    // Every client is in when it has had an answer, or when the server holds its request or socket (a
    // WebSocket client gets nothing before the first message, and neither does a long poll).
    const connectTimeoutMs = scenario.pollIntervalMs + CONNECT_GRACE_MS + scenario.clients * CONNECT_MS_PER_CLIENT + 4 * oneWayMs;
    const connected = await this.waitFor(connectTimeoutMs, async () => {
      const answered = await Promise.all(fleets.map((fleet) => fleet.call('answered', undefined, CALL_TIMEOUT_MS)));
      const attached = await server.call('attached', { strategy }, CALL_TIMEOUT_MS);
      return Math.max(sum(answered), attached);
    }, scenario.clients);

    let schedule: ScheduleReport | null = null;
    let restart: RestartEvidence | undefined;
    let clientsNotDrained = 0;
    const drainTimeoutMs = Math.max(2 * scenario.pollIntervalMs, 2_000) + scenario.clients * SETTLE_MS_PER_CLIENT + 4 * oneWayMs;
    if (connected >= scenario.clients) {
      await server.call('markConnected', { strategy }, CALL_TIMEOUT_MS);
      this.setPhase(strategy, 'publishing');
      const durationMs = scenario.durationSec * 1000;
      const offsetsMs = publishSchedule(scenario);
      const dropAtMs = (scenario.churn ?? 0) > 0 ? churnPlan(scenario.seed, scenario.clients, scenario.churn!, durationMs) : [];
      await Promise.all(
        fleets.map((fleet, i) => fleet.call('scheduleStart', { dropAtMs: dropAtMs.slice(i * share, (i + 1) * share) }, CALL_TIMEOUT_MS)),
      );
      if (restartAtSec === undefined) {
        schedule = await server.call('runSchedule', { offsetsMs, durationMs, payloadBytes: scenario.payloadBytes }, durationMs + 30_000);
      } else {
        const killed = server;
        const outcome = await publishAcrossRestart({
          strategy,
          longPollTimeoutMs: scenario.longPollTimeoutMs,
          port: Number(new URL(url).port),
          offsetsMs,
          durationMs,
          payloadBytes: scenario.payloadBytes,
          restartAtMs: restartAtSec * 1000,
          callTimeoutMs: CALL_TIMEOUT_MS,
          startTimeoutMs: START_TIMEOUT_MS,
          spawnServer: () => {
            const next = this.spawn<ServerProtocol>('restarted server process', SERVER_FILE);
            servers.push(next);
            return next;
          },
          startFirst: async () => killed,
          publishLog: publishLog!,
        });
        server = outcome.server;
        schedule = outcome.schedule;
        restart = { expectedSeqs: outcome.expectedSeqs, publishedBeforeKill: outcome.publishedBeforeKill };
      }
      this.setPhase(strategy, 'draining');
      const lastSeq = schedule.lastSeq;
      const notDrained = await Promise.all(
        fleets.map((fleet) => fleet.call('drain', { lastSeq, timeoutMs: drainTimeoutMs }, drainTimeoutMs + CALL_TIMEOUT_MS)),
      );
      clientsNotDrained = sum(notDrained);
    }

    this.setPhase(strategy, 'collecting');
    // Byte counts on both sides agree only if no request is cut in flight: held requests and sockets must
    // have reached the server before the clients hang up, and short polls are stopped between requests.
    const betweenRequests = info.connection === 'request-per-poll';
    if (!betweenRequests) {
      await this.waitFor(settleTimeoutMs, () => server.call('attached', { strategy }, CALL_TIMEOUT_MS), scenario.clients);
    }
    const lastSeq = schedule?.lastSeq ?? 0;
    const idleTimeoutMs = settleTimeoutMs;
    const reports: FleetReport[] = await Promise.all(
      fleets.map((fleet) =>
        fleet.call('stop', { lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs: restart?.expectedSeqs }, idleTimeoutMs + CALL_TIMEOUT_MS),
      ),
    );
    // The server waits for its side of every connection to close, so both counts are final.
    const serverReport = await server.call('collect', { strategy, closeTimeoutMs: settleTimeoutMs }, settleTimeoutMs + CALL_TIMEOUT_MS);
    const proxyLoads = await Promise.all(proxies.map((proxy) => proxy.call('load', undefined, CALL_TIMEOUT_MS)));
    return assembleRun({
      info,
      scenario,
      wallTimeMs: performance.now() - startedAt,
      clientProcesses: fleets.length,
      schedule,
      connectTimeoutMs,
      connectedClients: connected,
      drainTimeoutMs,
      clientsNotDrained,
      fleet: mergeFleetReports(reports),
      server: serverReport,
      restart,
      proxies: proxyLoads,
    });
  }

  /** One capacity probe: a fresh server process and an autocannon process, both registered to die with the bench. */
  private async runProbe(endpoint: CapacityEndpoint, plan: CapacityPlan): Promise<CapacityResult> {
    this.setPhase(`capacity ${endpoint}`, 'starting');
    const server = this.spawn<ServerProtocol>('server process', SERVER_FILE);
    const cannon = this.spawn<CannonProtocol>('autocannon process', CANNON_FILE);
    try {
      this.setPhase(`capacity ${endpoint}`, 'publishing');
      return await probeEndpoint({ server, cannon, startTimeoutMs: START_TIMEOUT_MS, callTimeoutMs: CALL_TIMEOUT_MS }, endpoint, plan);
    } catch (error) {
      return failedProbe(endpoint, plan, error instanceof Error ? error.message : String(error));
    } finally {
      await Promise.all([server.stop('shutdown', SETTLE_TIMEOUT_MS), cannon.stop('shutdown', 1_000)]);
      this.children.delete(server);
      this.children.delete(cannon);
    }
  }

  private setPhase(strategy: string, phase: BenchPhase): void {
    this.phase = phase;
    this.emit('phase', { index: this.runIndex, strategy, phase });
  }

  /** Polls `count` until it reaches `target` or the time is up; returns the last count. */
  private async waitFor(timeoutMs: number, count: () => Promise<number>, target: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let current = await count();
    while (current < target && performance.now() < deadline && !this.aborted) {
      await delay(STATUS_POLL_MS);
      current = await count();
    }
    return current;
  }

  private spawn<P extends Protocol<P>>(label: string, file: string): RpcChild<P> {
    const child = new RpcChild<P>(label, file);
    this.children.add(child);
    // Aborted between runs: the new children die at once and the run fails fast.
    if (this.aborted) child.kill();
    if (child.process.pid !== undefined) this.childPids.push(child.process.pid);
    return child;
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
