import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { findStrategy } from '../servers/registry.js';
import type { StrategyInfo } from '../servers/strategy.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleRun, failedRun, type RestartEvidence } from './assemble.js';
import { mergeFleetReports, type FleetReport } from './client-fleet.js';
import { delay, RpcChild, type Protocol } from './ipc.js';
import { collectMeta } from './meta.js';
import type { ClientProtocol, ScheduleReport, ServerProtocol } from './protocol.js';
import { isValidRun, type Results, type RunResult, type Scenario } from './results.js';
import { publishAcrossRestart } from './restart.js';
import { pollPhases, publishSchedule } from './schedule.js';

const SERVER_FILE = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const CLIENT_FILE = fileURLToPath(new URL('./client-process.ts', import.meta.url));

/** Booting a child (node + tsx + the server or 2,000 clients) on a busy 2-core machine. */
const START_TIMEOUT_MS = 20_000;
/** A plain call that does no waiting of its own. */
const CALL_TIMEOUT_MS = 5_000;
const CONNECT_GRACE_MS = 10_000;
const SETTLE_TIMEOUT_MS = 2_000;
const STATUS_POLL_MS = 50;
const PROGRESS_INTERVAL_MS = 200;
/** Before the first run has been timed: process start, connection, drain and teardown. */
const ASSUMED_OVERHEAD_MS = 4_000;

export interface PlannedRun {
  strategy: string;
  scenario: Scenario;
}

export interface BenchPlan {
  preset: string;
  runs: PlannedRun[];
  /** The command line, for the report. */
  command: string;
  /** Client processes per run; their results are merged. */
  clientProcesses?: number;
}

export type BenchPhase = 'starting' | 'connecting' | 'publishing' | 'draining' | 'collecting';

export interface ProgressEvent {
  /** 0-based index of the current run. */
  index: number;
  total: number;
  strategy: string;
  phase: BenchPhase;
  elapsedMs: number;
  etaMs: number;
}

export interface BenchEvents {
  'bench-start': [{ total: number; estimatedMs: number }];
  'run-start': [{ index: number; total: number; strategy: string; scenario: Scenario }];
  phase: [{ index: number; strategy: string; phase: BenchPhase }];
  progress: [ProgressEvent];
  'run-end': [{ index: number; total: number; run: RunResult; valid: boolean }];
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
    const total = this.plan.runs.length;
    const runs: RunResult[] = [];
    let runStartedAt = t0;
    // Fixed costs (boot, connect, drain) measured on the runs so far make the ETA honest after the first run.
    const overheads: number[] = [];
    const estimateMs = (run: PlannedRun) =>
      run.scenario.durationSec * 1000 + (overheads.length ? Math.max(...overheads) : ASSUMED_OVERHEAD_MS);
    const remainingMs = () => {
      const current = this.plan.runs[this.runIndex];
      const inCurrent = current ? Math.max(0, estimateMs(current) - (performance.now() - runStartedAt)) : 0;
      return inCurrent + this.plan.runs.slice(this.runIndex + 1).reduce((sum, run) => sum + estimateMs(run), 0);
    };
    // Children must not outlive the harness, whatever way it ends.
    process.on('exit', this.killAll);
    const ticker = setInterval(() => {
      const { runIndex: index, phase } = this;
      const strategy = this.plan.runs[index]?.strategy ?? '';
      this.emit('progress', { index, total, strategy, phase, elapsedMs: performance.now() - t0, etaMs: remainingMs() });
    }, PROGRESS_INTERVAL_MS);
    try {
      this.emit('bench-start', { total, estimatedMs: remainingMs() });
      for (let index = 0; index < total && !this.aborted; index++) {
        const planned = this.plan.runs[index]!;
        this.runIndex = index;
        runStartedAt = performance.now();
        this.emit('run-start', { index, total, strategy: planned.strategy, scenario: planned.scenario });
        const run = await this.runOne(planned);
        if (this.aborted) break;
        overheads.push(run.wallTimeMs - planned.scenario.durationSec * 1000);
        runs.push(run);
        this.emit('run-end', { index, total, run, valid: isValidRun(run) });
      }
    } finally {
      clearInterval(ticker);
      this.killAll();
      process.off('exit', this.killAll);
    }
    const meta = collectMeta(this.plan.preset, this.plan.command, startedAt, performance.now() - t0);
    const results: Results = { meta, runs };
    this.emit('bench-end', { results, interrupted: this.aborted });
    return results;
  }

  private async runOne({ strategy, scenario }: PlannedRun): Promise<RunResult> {
    const entry = findStrategy(strategy);
    if (!entry) throw new Error(`unknown strategy "${strategy}"`);
    const startedAt = performance.now();
    this.setPhase(strategy, 'starting');
    const processes = Math.max(1, Math.min(this.plan.clientProcesses ?? 1, scenario.clients));
    // Both kinds of process boot at once: node + tsx start-up is most of the fixed cost of a run.
    const server = this.spawn<ServerProtocol>('server process', SERVER_FILE);
    // A fault run replaces the server mid-run; every server ever started is stopped at the end.
    const servers = [server];
    const fleets = Array.from({ length: processes }, (_, i) => this.spawn<ClientProtocol>(`client process ${i + 1}`, CLIENT_FILE));
    try {
      return await this.measure(entry.info, scenario, servers, fleets, startedAt);
    } catch (error) {
      return failedRun(entry.info, scenario, performance.now() - startedAt, error instanceof Error ? error.message : String(error));
    } finally {
      await Promise.all([
        ...servers.map((s) => s.stop('shutdown', SETTLE_TIMEOUT_MS)),
        ...fleets.map((fleet) => fleet.stop('shutdown', 1_000)),
      ]);
      for (const child of [...servers, ...fleets]) this.children.delete(child);
    }
  }

  private async measure(
    info: StrategyInfo,
    scenario: Scenario,
    servers: RpcChild<ServerProtocol>[],
    fleets: RpcChild<ClientProtocol>[],
    startedAt: number,
  ): Promise<RunResult> {
    const strategy = info.name;
    let server = servers[0]!;
    const restartAtSec = scenario.restartAtSec;
    const publishLog = restartAtSec === undefined ? undefined : join(tmpdir(), `pushbench-publish-${process.pid}-${Date.now()}.log`);
    const { url } = await server.call('start', { strategy, longPollTimeoutMs: scenario.longPollTimeoutMs, publishLog }, START_TIMEOUT_MS);

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
            baseUrl: url,
            pollIntervalMs: scenario.pollIntervalMs,
            longPollTimeoutMs: scenario.longPollTimeoutMs,
            phasesMs: phases.slice(i * share, (i + 1) * share),
            firstClientIndex: i * share,
          },
          START_TIMEOUT_MS,
        ),
      ),
    );
    // Every client is in when it has had an answer, or when the server holds its request or socket (a
    // WebSocket client gets nothing before the first message, and neither does a long poll).
    const connectTimeoutMs = scenario.pollIntervalMs + CONNECT_GRACE_MS;
    const connected = await this.waitFor(connectTimeoutMs, async () => {
      const answered = await Promise.all(fleets.map((fleet) => fleet.call('answered', undefined, CALL_TIMEOUT_MS)));
      const attached = await server.call('attached', { strategy }, CALL_TIMEOUT_MS);
      return Math.max(sum(answered), attached);
    }, scenario.clients);

    let schedule: ScheduleReport | null = null;
    let restart: RestartEvidence | undefined;
    let clientsNotDrained = 0;
    const drainTimeoutMs = Math.max(2 * scenario.pollIntervalMs, 2_000);
    if (connected >= scenario.clients) {
      this.setPhase(strategy, 'publishing');
      const durationMs = scenario.durationSec * 1000;
      const offsetsMs = publishSchedule(scenario);
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
      await this.waitFor(SETTLE_TIMEOUT_MS, () => server.call('attached', { strategy }, CALL_TIMEOUT_MS), scenario.clients);
    }
    const lastSeq = schedule?.lastSeq ?? 0;
    const idleTimeoutMs = SETTLE_TIMEOUT_MS;
    const reports: FleetReport[] = await Promise.all(
      fleets.map((fleet) =>
        fleet.call('stop', { lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs: restart?.expectedSeqs }, idleTimeoutMs + CALL_TIMEOUT_MS),
      ),
    );
    // The server waits for its side of every connection to close, so both counts are final.
    const serverReport = await server.call('collect', { strategy, closeTimeoutMs: SETTLE_TIMEOUT_MS }, SETTLE_TIMEOUT_MS + CALL_TIMEOUT_MS);
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
    });
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
