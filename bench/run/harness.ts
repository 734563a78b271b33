import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  isValidRun,
  type CapacityResult,
  type Interruption,
  type Results,
  type RunResult,
  type Scenario,
  type ShootoutResult,
  type StepNotRun,
} from '../../results/results.js';
import { describeStep, scenarioValue } from '../../results/scenario.js';
import type { StrategyInfo } from '../../servers/contract/strategies.js';
import { assembleRun, failedRun, strategyLabel } from './assemble.js';
import { CALL_TIMEOUT_MS, CHILD_STOP_MS, runBudgets, SETTLE_TIMEOUT_MS, START_TIMEOUT_MS } from '../plan/budgets.js';
import { failedProbe, probeEndpoint, type CapacityPlan } from '../capacity/probes.js';
import { capacityProbeName } from '../../results/capacity.js';
import { capacityProbes, probeEndpointHttp2, type CapacityProbe } from '../capacity/h2load-probe.js';
import type { Killable } from '../capacity/h2load.js';
import { EtaEstimator, type Step } from './eta.js';
import { RpcChild, within, type Protocol } from '../ipc/rpc.js';
import { collectMeta } from './meta.js';
import type {
  CannonProtocol,
  ClientProtocol,
  FloorProtocol,
  FrontProtocol,
  ProxyProtocol,
  PublisherProtocol,
  ServerProtocol,
} from '../ipc/protocol.js';
import { linkOf } from '../network/proxy.js';
import { KernelLink, kernelLinkNames, kernelLinkOf } from '../network/kernel-link.js';
import { RunPhases, type BenchPhase, type Published, type RunProcesses } from './phases.js';
import type { BenchRedis } from './broker.js';
import { findStrategy } from '../plan/strategies.js';
import { failedHandshakeProbe, type HandshakeProbe } from '../../results/tls.js';
import { LOOPBACK_NAMES, ThrowawayCertificate } from '../../servers/wire/certificate.js';
import { probeHandshakes } from '../capacity/handshake-probe.js';
import { CLIENTS_PER_PROCESS } from '../plan/source-address.js';
import type { ShootoutSearch } from '../plan/preset.js';
import { runShootout } from './shootout.js';

const SERVER_FILE = fileURLToPath(new URL('../children/server-process.ts', import.meta.url));
/** The Redis source's server side: a node:cluster primary and its workers on one port. */
const CLUSTER_FILE = fileURLToPath(new URL('../children/cluster-process.ts', import.meta.url));
const CLIENT_FILE = fileURLToPath(new URL('../children/client-process.ts', import.meta.url));
/** A PHP strategy's server side: nginx and PHP-FPM, started and measured by a child of ours. */
const PHP_STACK_FILE = fileURLToPath(new URL('../children/php-stack-process.ts', import.meta.url));
/** nginx in front of our server (`--proxy nginx`). */
const FRONT_FILE = fileURLToPath(new URL('../children/nginx-front-process.ts', import.meta.url));
/** A real-browser run's clients: one headless Chromium, a browser context per client. */
const BROWSER_CLIENT_FILE = fileURLToPath(new URL('../children/browser-client-process.ts', import.meta.url));
const PROXY_FILE = fileURLToPath(new URL('../children/proxy-process.ts', import.meta.url));
const PUBLISHER_FILE = fileURLToPath(new URL('../children/publisher-process.ts', import.meta.url));
const CANNON_FILE = fileURLToPath(new URL('../capacity/cannon-process.ts', import.meta.url));
const FLOOR_FILE = fileURLToPath(new URL('../capacity/floor-process.ts', import.meta.url));
/**
 * Flags for node in every server process (and its cluster workers), from the environment: node refuses some in
 * NODE_OPTIONS, `--cpu-prof` among them, and only the server's profile is wanted (docs/bench.md, "Profiling").
 */
const SERVER_NODE_FLAGS = (process.env.PUSHBENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter((flag) => flag !== '');
const SERVER_FILES = new Set([SERVER_FILE, CLUSTER_FILE]);

const PROGRESS_INTERVAL_MS = 200;
/** How long the harness waits, at its end, for killed children to be reaped. */
const CHILD_EXIT_GRACE_MS = 5_000;

export interface PlannedRun {
  strategy: string;
  scenario: Scenario;
}

export interface BenchPlan {
  preset: string;
  /** The settings command-line flags changed from the preset's scenarios, in words (results' meta.changed). */
  changed?: string[];
  runs: PlannedRun[];
  /** The command line, for the report. */
  command: string;
  /** Client processes per run; their results are merged. Default: one per CLIENTS_PER_PROCESS clients. */
  clientProcesses?: number;
  /** After the runs, drive each HTTP endpoint to saturation with autocannon. */
  capacity?: CapacityPlan;
  /** The Redis of the runs with the Redis source (started by bench/cli.ts, or --redis-url). */
  redis?: BenchRedis;
  /** After the runs and probes, a shootout capacity search for each of these strategies (bench/run/shootout.ts). */
  search?: { spec: ShootoutSearch; strategies: string[] };
}

/** Whether any run or capacity probe of the plan speaks TLS: the bench then makes a certificate and probes its handshakes. */
/**
 * The names the bench's certificate is made for: loopback's, and the server's address of every run in a kernel
 * network (each run's namespaces get the next address), so that a TLS run there is verified as one on loopback is.
 */
export function certificateNames(plan: Pick<BenchPlan, 'runs'>, pid: number): string[] {
  const kernelRuns = plan.runs.filter((run) => scenarioValue(run.scenario, 'network') === 'kernel').length;
  return [...LOOPBACK_NAMES, ...Array.from({ length: kernelRuns }, (_, index) => kernelLinkNames(pid, index).addresses.server)];
}

export function planSpeaksTls(plan: Pick<BenchPlan, 'runs' | 'capacity'>): boolean {
  return plan.runs.some((run) => scenarioValue(run.scenario, 'tls') !== 'off') || (plan.capacity?.tls ?? []).some((tls) => tls);
}

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
  private readonly children = new Set<{ kill(): void; readonly exited: Promise<void> }>();
  private aborted = false;
  private stoppedBy: string | undefined;
  private phase: BenchPhase = 'starting';
  private runIndex = 0;
  /** Where the bench's throwaway certificate was while it ran (removed at the end); undefined in cleartext. */
  certificateDir: string | undefined;
  private certificate: ThrowawayCertificate | undefined;
  private readonly removeCertificate = () => this.certificate?.remove();
  /** Kernel networks made so far: each run's namespaces get a number of their own. */
  private linksMade = 0;
  private readonly killAll = () => {
    for (const child of this.children) child.kill();
  };

  constructor(readonly plan: BenchPlan) {
    super();
  }

  get interrupted(): boolean {
    return this.aborted;
  }

  /** Stops the bench: `signal` (e.g. "SIGINT") is what stopped it, recorded in the results' `interrupted`. */
  abort(signal?: string): void {
    if (!this.aborted) this.stoppedBy = signal;
    this.aborted = true;
    this.killAll();
  }

  async run(): Promise<Results> {
    const startedAt = new Date();
    const t0 = performance.now();
    const probes: CapacityProbe[] = this.plan.capacity ? capacityProbes(this.plan.capacity) : [];
    const tls = planSpeaksTls(this.plan);
    if (tls) {
      // Made once for the whole bench and trusted by its clients alone; removed at the end, however it ends.
      this.certificate = ThrowawayCertificate.make(certificateNames(this.plan, process.pid));
      this.certificateDir = this.certificate.dir;
      process.on('exit', this.removeCertificate);
    }
    let tlsHandshakes: HandshakeProbe | undefined;
    const search = this.plan.search;
    // A search takes at most maxSteps runs per strategy; progress and ETA count them all, and skip what a search left.
    const searchSteps = search ? search.strategies.length * search.spec.sizes.maxSteps : 0;
    const searchStep = search && {
      plannedMs: search.spec.base.durationSec * 1000,
      clients: Math.round((search.spec.sizes.startClients + search.spec.sizes.maxClients) / 2),
    };
    // The matrix: every planned run, then every capacity probe; progress and ETA count over all of it.
    const steps: Step[] = [
      ...this.plan.runs.map((run) => ({ plannedMs: run.scenario.durationSec * 1000, clients: run.scenario.clients })),
      // Each probe drives its endpoint, then the endpoint's node:http floor, for as long again.
      // An HTTP/2 probe (h2load) has no floor: one drive.
      ...probes.map((probe) => ({
        plannedMs: (probe.httpVersion === '2' ? 1 : 2) * ((this.plan.capacity?.durationSec ?? 0) + (this.plan.capacity?.warmupSec ?? 0)) * 1000,
        clients: 0,
      })),
      ...Array.from({ length: searchSteps }, () => searchStep!),
    ];
    const labels = [
      ...this.plan.runs.map((run) => ({
        strategy: run.strategy,
        detail: describeStep(
          run.scenario,
          this.plan.runs.map((r) => r.scenario),
          findStrategy(run.strategy)?.info,
        ),
      })),
      ...probes.map((probe) => ({ strategy: probeLabel(probe), detail: probe.httpVersion === '2' ? 'h2load' : 'autocannon' })),
      ...(search?.strategies ?? []).flatMap((strategy) =>
        Array.from({ length: search!.spec.sizes.maxSteps }, (_, i) => ({ strategy, detail: `shootout search, step ${i + 1}` })),
      ),
    ];
    const total = steps.length;
    const eta = new EtaEstimator(steps);
    const runs: RunResult[] = [];
    const capacity: CapacityResult[] = [];
    const shootout: ShootoutResult[] = [];
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
      // A few seconds, before the runs: what one handshake costs, for every TLS run's figures to be read with.
      if (this.certificate) tlsHandshakes = await this.runHandshakeProbe(this.certificate);
      for (let index = 0; index < total - searchSteps && !this.aborted; index++) {
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
          const probe = probes[index - this.plan.runs.length];
          const result =
            probe.httpVersion === '2' ? await this.runHttp2Probe(probe, this.plan.capacity!) : await this.runProbe(probe, this.plan.capacity!);
          if (this.aborted) break;
          const wallTimeMs = performance.now() - stepStartedAt;
          eta.finished(index, wallTimeMs);
          capacity.push(result);
          this.emit('capacity-end', { index, total, result, wallTimeMs });
        }
      }
      for (const [k, strategy] of (search?.strategies ?? []).entries()) {
        if (this.aborted) break;
        let index = total - searchSteps + k * search!.spec.sizes.maxSteps;
        const result = await runShootout(strategy, search!.spec, async (scenario) => {
          this.runIndex = index;
          stepStartedAt = performance.now();
          this.emit('run-start', { index, total, strategy, scenario });
          const run = await this.runOne({ strategy, scenario });
          if (this.aborted) return null;
          eta.finished(index, run.wallTimeMs);
          runs.push(run);
          this.emit('run-end', { index, total, run, valid: isValidRun(run) });
          index++;
          return run;
        });
        if (result === null) break;
        shootout.push(result);
      }
    } finally {
      clearInterval(ticker);
      this.killAll();
      // A killed child stays in the process table until it is reaped: wait (bounded) until every one has gone.
      await within(
        Promise.all([...this.children].map((child) => child.exited)).then(() => {}),
        CHILD_EXIT_GRACE_MS,
      );
      process.off('exit', this.killAll);
      this.removeCertificate();
      process.off('exit', this.removeCertificate);
    }
    const meta = collectMeta(this.plan, startedAt, performance.now() - t0);
    const interrupted = this.aborted ? this.interruption(probes, runs.length, capacity.length) : undefined;
    const results: Results = {
      meta,
      runs,
      ...(this.plan.capacity && { capacity }),
      ...(tlsHandshakes && { tlsHandshakes }),
      ...(search && { shootout }),
      ...(interrupted && { interrupted }),
    };
    this.emit('bench-end', { results, interrupted: this.aborted });
    return results;
  }

  /**
   * What an abort left undone: steps run in plan order and only finished ones are kept, so the steps not run are
   * everything after the finished runs and probes. Undefined when the abort came after the last step.
   */
  private interruption(probes: readonly CapacityProbe[], runsFinished: number, probesFinished: number): Interruption | undefined {
    const notRun: StepNotRun[] = [
      ...this.plan.runs
        .slice(runsFinished)
        .map(({ strategy, scenario }): StepNotRun => ({ kind: 'run', strategy: strategyLabel(findStrategy(strategy)!.info), scenario })),
      ...probes
        .slice(probesFinished)
        .map(({ endpoint, httpVersion, tls }): StepNotRun => ({ kind: 'probe', endpoint, httpVersion, ...(tls && { tls }) })),
    ];
    if (notRun.length === 0) return undefined;
    return {
      ...(this.stoppedBy !== undefined && { signal: this.stoppedBy }),
      runsPlanned: this.plan.runs.length,
      runsFinished,
      probesPlanned: probes.length,
      probesFinished,
      notRun,
    };
  }

  /** Spawns the run's processes, runs its phases and stops every process it started, whatever happened. */
  private async runOne({ strategy, scenario }: PlannedRun): Promise<RunResult> {
    const entry = findStrategy(strategy);
    if (!entry) throw new Error(`unknown strategy "${strategy}"`);
    const startedAt = performance.now();
    this.setPhase(strategy, 'starting');
    // One browser holds every real-browser client: several would only compete for the same two cores.
    const browser = scenarioValue(scenario, 'fleet') === 'chromium';
    const count = browser
      ? 1
      : Math.max(1, Math.min(this.plan.clientProcesses ?? Math.ceil(scenario.clients / CLIENTS_PER_PROCESS), scenario.clients));
    const kernel = kernelLinkOf(scenario);
    let link: KernelLink | undefined;
    if (kernel) {
      try {
        link = await KernelLink.open(kernelLinkNames(process.pid, this.linksMade++), kernel);
      } catch (error) {
        return failedRun(entry.info, scenario, performance.now() - startedAt, error instanceof Error ? error.message : String(error));
      }
    }
    // Both kinds of process boot at once: node + tsx start-up is most of the fixed cost of a run.
    const processes: RunProcesses = {
      servers: [
        entry.info.servedBy === 'php-fpm'
          ? this.spawn<ServerProtocol>('PHP stack process', PHP_STACK_FILE)
          : scenario.source === 'redis'
            ? this.spawn<ServerProtocol>('cluster primary', CLUSTER_FILE)
            : this.spawn<ServerProtocol>('server process', SERVER_FILE, link?.prefix('server')),
      ],
      fleets: Array.from({ length: count }, (_, i) =>
        this.spawn<ClientProtocol>(
          browser ? 'browser client process' : `client process ${i + 1}`,
          browser ? BROWSER_CLIENT_FILE : CLIENT_FILE,
          link?.prefix('client'),
        ),
      ),
      // One proxy per client process: its connections stay far below the open-file limit too.
      proxies: linkOf(scenario) ? Array.from({ length: count }, (_, i) => this.spawn<ProxyProtocol>(`proxy process ${i + 1}`, PROXY_FILE)) : [],
      ...(scenarioValue(scenario, 'proxy') === 'nginx' && { front: this.spawn<FrontProtocol>('nginx process', FRONT_FILE) }),
      ...(scenarioValue(scenario, 'publisher') !== 'in-process' && {
        publisher: this.spawn<PublisherProtocol>('publisher process', PUBLISHER_FILE),
      }),
      ...(link && { link }),
    };
    try {
      return await this.measure(entry.info, scenario, processes, startedAt);
    } catch (error) {
      return failedRun(entry.info, scenario, performance.now() - startedAt, error instanceof Error ? error.message : String(error));
    } finally {
      const { servers, fleets, proxies, front, publisher } = processes;
      const { serverStopMs, childStopMs } = runBudgets(scenario);
      const others = [...fleets, ...proxies, ...(publisher ? [publisher] : [])];
      await Promise.all([
        ...servers.map((server) => server.stop('shutdown', serverStopMs)),
        ...others.map((child) => child.stop('shutdown', childStopMs)),
        ...(front ? [front.stop('shutdown', serverStopMs)] : []),
      ]);
      for (const child of [...servers, ...others, ...(front ? [front] : [])]) this.children.delete(child);
      // After its processes: a namespace with a process inside lives on until that process ends.
      await link?.close();
    }
  }

  /** One run, phase by phase; the clients must all be in before anything is published. */
  private async measure(info: StrategyInfo, scenario: Scenario, processes: RunProcesses, startedAt: number): Promise<RunResult> {
    const phases = new RunPhases(
      {
        spawnServer: () => this.spawn<ServerProtocol>('restarted server process', SERVER_FILE),
        aborted: () => this.aborted,
        ...(this.plan.redis && { redis: this.plan.redis }),
        ...(this.certificate && { certificate: this.certificate.pem() }),
      },
      info,
      scenario,
      processes,
    );
    await phases.start();
    this.setPhase(info.name, 'connecting');
    const connected = await phases.connect();
    let published: Published | null = null;
    let clientsNotDrained = 0;
    if (connected >= scenario.clients) {
      this.setPhase(info.name, 'publishing');
      published = scenario.restartAtSec === undefined ? await phases.publish() : await phases.publishAcrossRestart(scenario.restartAtSec);
      this.setPhase(info.name, 'draining');
      clientsNotDrained = await phases.drain(published.schedule.lastSeq);
    }
    this.setPhase(info.name, 'collecting');
    const collected = await phases.collect(published);
    return assembleRun({
      info,
      scenario,
      wallTimeMs: performance.now() - startedAt,
      clientProcesses: processes.fleets.length,
      schedule: published?.schedule ?? null,
      connectTimeoutMs: phases.budgets.connectMs,
      connectedClients: connected,
      drainTimeoutMs: phases.budgets.drainMs,
      clientsNotDrained,
      fleet: collected.fleet,
      server: collected.server,
      restart: published?.restart,
      proxies: collected.proxies,
      delayLines: collected.delayLines,
      recovery: collected.recovery,
      broker: published?.broker,
      front: collected.front,
      publishing: published?.publishing,
      kernelNetwork: collected.kernelNetwork,
    });
  }

  /**
   * One capacity probe: a fresh server process, a node:http floor process and an autocannon process, all
   * registered to die with the bench.
   */
  private async runProbe(probe: CapacityProbe, plan: CapacityPlan): Promise<CapacityResult> {
    const { endpoint } = probe;
    const label = probeLabel(probe);
    const tls = this.probeCertificate(probe);
    this.setPhase(label, 'starting');
    const server = this.spawn<ServerProtocol>('server process', SERVER_FILE);
    const floor = this.spawn<FloorProtocol>('floor process', FLOOR_FILE);
    const cannon = this.spawn<CannonProtocol>('autocannon process', CANNON_FILE);
    try {
      this.setPhase(label, 'publishing');
      return await probeEndpoint({ server, floor, cannon, startTimeoutMs: START_TIMEOUT_MS, callTimeoutMs: CALL_TIMEOUT_MS }, endpoint, plan, tls);
    } catch (error) {
      return failedProbe(endpoint, plan, probe.tls, error instanceof Error ? error.message : String(error));
    } finally {
      await Promise.all([server.stop('shutdown', SETTLE_TIMEOUT_MS), floor.stop('shutdown', CHILD_STOP_MS), cannon.stop('shutdown', CHILD_STOP_MS)]);
      for (const child of [server, floor, cannon]) this.children.delete(child);
    }
  }

  /** One HTTP/2 capacity probe: a fresh server process, its floor's process and h2load, all killed with the bench. */
  private async runHttp2Probe(probe: CapacityProbe, plan: CapacityPlan): Promise<CapacityResult> {
    const { endpoint } = probe;
    const label = probeLabel(probe);
    const tls = this.probeCertificate(probe);
    this.setPhase(label, 'starting');
    const server = this.spawn<ServerProtocol>('server process', SERVER_FILE);
    const floor = this.spawn<FloorProtocol>('floor process', FLOOR_FILE);
    const track = (child: Killable) => {
      this.children.add(child);
      if (this.aborted) child.kill();
      return () => void this.children.delete(child);
    };
    try {
      this.setPhase(label, 'publishing');
      return await probeEndpointHttp2(
        { server, floor, track, startTimeoutMs: START_TIMEOUT_MS, callTimeoutMs: CALL_TIMEOUT_MS },
        endpoint,
        plan,
        tls,
      );
    } catch (error) {
      return { ...failedProbe(endpoint, plan, probe.tls, error instanceof Error ? error.message : String(error)), httpVersion: '2' };
    } finally {
      await Promise.all([server.stop('shutdown', SETTLE_TIMEOUT_MS), floor.stop('shutdown', CHILD_STOP_MS)]);
      for (const child of [server, floor]) this.children.delete(child);
    }
  }

  /** The bench's certificate for a probe over TLS: made at the start whenever the plan has one. */
  private probeCertificate(probe: CapacityProbe): ThrowawayCertificate | undefined {
    if (!probe.tls) return undefined;
    if (!this.certificate) throw new Error('a capacity probe over TLS needs the bench’s certificate');
    return this.certificate;
  }

  /**
   * The handshake probe (bench/capacity/handshake-probe.ts) on a fresh server process; its problem when it could not
   * be measured (the runs do not depend on it: their own counts stand).
   */
  private async runHandshakeProbe(certificate: ThrowawayCertificate): Promise<HandshakeProbe> {
    this.setPhase('tls handshakes', 'publishing');
    const server = this.spawn<ServerProtocol>('server process', SERVER_FILE);
    try {
      return await probeHandshakes({ server, startTimeoutMs: START_TIMEOUT_MS, callTimeoutMs: CALL_TIMEOUT_MS }, certificate.pem());
    } catch (error) {
      return failedHandshakeProbe(error instanceof Error ? error.message : String(error));
    } finally {
      await server.stop('shutdown', SETTLE_TIMEOUT_MS);
      this.children.delete(server);
    }
  }

  private setPhase(strategy: string, phase: BenchPhase): void {
    this.phase = phase;
    this.emit('phase', { index: this.runIndex, strategy, phase });
  }

  /** `prefix`: the command that starts it in a network namespace of the kernel network. */
  private spawn<P extends Protocol<P>>(label: string, file: string, prefix?: readonly string[]): RpcChild<P> {
    const child = new RpcChild<P>(label, file, [], SERVER_FILES.has(file) ? SERVER_NODE_FLAGS : [], prefix);
    this.children.add(child);
    // Aborted between runs: the new children die at once and the run fails fast.
    if (this.aborted) child.kill();
    if (child.process.pid !== undefined) this.childPids.push(child.process.pid);
    return child;
  }
}

/** "capacity short-poll", "capacity short-poll (HTTP/2, TLS)". */
function probeLabel(probe: CapacityProbe): string {
  return `capacity ${capacityProbeName(probe)}`;
}
