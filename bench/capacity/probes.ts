import type { CapacityProbeKind } from '../../servers/contract/strategies.js';
import { ROUTES } from '../../servers/contract/wire.js';
import { SERVER_STRATEGIES } from '../../servers/registry.js';
import { scenarioIdentity } from '../fleet/identity.js';
import type { RpcChild } from '../ipc/rpc.js';
import { cpuShare } from '../measure/process-load.js';
import { captureAnswer } from './floor.js';
import type { CannonProtocol, CannonReport, FloorProtocol, ServerProtocol } from '../ipc/protocol.js';
import type { CapacityFigures, CapacityProblem, CapacityResult } from '../../results/results.js';
import { capacityScenarioRecord } from '../../results/scenario.js';
import type { CapacityPlan } from '../plan/capacity-plan.js';
import type { CertificatePem } from '../../servers/wire/certificate.js';

export type { CapacityPlan };

export type CapacityEndpoint = CapacityResult['endpoint'];

interface EndpointSpec {
  /** The strategy the server mounts for it. */
  strategy: string;
  method: 'GET' | 'POST';
  path: string;
  /** Messages published before the load starts. */
  ready: number;
}

/** The one strategy of pushbench's own whose facts say this probe measures it. */
function measuredBy(probe: CapacityProbeKind): { strategy: string; path: string } {
  const found = SERVER_STRATEGIES.filter(({ info }) => !info.reference && info.capacity?.probe === probe);
  if (found.length !== 1)
    throw new Error(`the ${probe} capacity probe needs exactly one strategy of pushbench's own stating it, found ${found.length}`);
  const { name, capacity } = found[0].info;
  return { strategy: name, path: capacity!.path };
}

/** A GET of the probe's strategy, from the start of the log. */
function pollEndpoint(probe: CapacityProbeKind, ready: number): EndpointSpec {
  const { strategy, path } = measuredBy(probe);
  return { strategy, method: 'GET', path: `${path}?since=0`, ready };
}

/**
 * - short-poll: `since=0` on an empty log, the "anything new? — no" that most short polls get (claim C2).
 * - long-poll: a message is already there, so every long poll is answered at once: the cost of one full HTTP
 *   round of long polling, without any waiting.
 * - publish: what the application back end pays per message, with nobody subscribed.
 * The strategies come from their facts (`StrategyInfo.capacity`).
 */
export const CAPACITY_ENDPOINTS: Readonly<Record<CapacityEndpoint, EndpointSpec>> = {
  'short-poll': pollEndpoint('short-poll', 0),
  'long-poll': pollEndpoint('long-poll', 1),
  // Served beside the short-poll strategy, which holds nobody, so that a publish costs only the message source.
  publish: { strategy: measuredBy('short-poll').strategy, method: 'POST', path: ROUTES.publish, ready: 0 },
};

export const CAPACITY_ENDPOINT_NAMES = Object.keys(CAPACITY_ENDPOINTS) as CapacityEndpoint[];

/** What the probe needs from the harness: children it registers (so they die with it) and its time limits. */
export interface CapacityHost {
  server: RpcChild<ServerProtocol>;
  /** node:http alone, answering the endpoint's bytes: the floor (bench/capacity/floor-process.ts). */
  floor: RpcChild<FloorProtocol>;
  cannon: RpcChild<CannonProtocol>;
  startTimeoutMs: number;
  callTimeoutMs: number;
}

/** The request autocannon repeats: the same for the endpoint and for its floor. */
export interface ProbeRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** How to measure the CPU of the process under load over the measured run. */
interface CpuWindow {
  open(): Promise<void>;
  collect(): Promise<{ cpuMs: number; windowMs: number | undefined }>;
}

/**
 * Drives one endpoint of a fresh server process with autocannon (closed loop: each connection sends its next
 * request as soon as the previous one is answered), so the rate it reaches is the highest the server sustains,
 * and the latency is the latency there. The server's CPU over the same window says how much of a core that took.
 * Then its floor, side by side: node:http alone in a fresh process of its own, answering the same path with the
 * bytes the endpoint answered, driven the same way. A floor that cannot be measured leaves the endpoint's figures
 * standing, with the reason in `floor.problem`.
 */
export async function probeEndpoint(
  host: CapacityHost,
  endpoint: CapacityEndpoint,
  plan: CapacityPlan,
  tls?: CertificatePem,
): Promise<CapacityResult> {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  const { server, floor } = host;
  const { url, request } = await startEndpoint(host, endpoint, plan, tls);
  const { headers, body } = request;
  const ca = tls?.cert;
  if (ca !== undefined) await captureAnswer({ url: url + spec.path, method: spec.method, headers, body, ca }, host.callTimeoutMs);
  const figures = await drive(host, url, request, plan, {
    open: () => server.call('openWindow', undefined, host.callTimeoutMs),
    collect: async () => {
      const report = await server.call('collect', { strategy: spec.strategy, closeTimeoutMs: 2_000 }, host.callTimeoutMs + 2_000);
      return { cpuMs: report.cpuMs, windowMs: report.windowMs };
    },
  });
  let floorFigures: CapacityFigures;
  try {
    // Asked after the measured run, so the endpoint is warm and the answer is the one autocannon was getting.
    const answer = await captureAnswer({ url: url + spec.path, method: spec.method, headers, body, ca }, host.callTimeoutMs);
    // The endpoint's server is done: the floor gets the machine to itself, as the endpoint had.
    await server.stop('shutdown', host.callTimeoutMs);
    const { url: floorUrl } = await floor.call('start', { method: spec.method, path: spec.path, answer, ...(tls && { tls }) }, host.startTimeoutMs);
    if (ca !== undefined) await captureAnswer({ url: floorUrl + spec.path, method: spec.method, headers, body, ca }, host.callTimeoutMs);
    floorFigures = await drive(host, floorUrl, request, plan, {
      open: () => floor.call('openWindow', undefined, host.callTimeoutMs),
      collect: () => floor.call('collect', undefined, host.callTimeoutMs),
    });
  } catch (error) {
    floorFigures = failedFigures({ code: 'floor-not-measured', reason: error instanceof Error ? error.message : String(error) });
  }
  return { ...probeOf(endpoint, plan, tls !== undefined), ...figures, floor: floorFigures };
}

/**
 * A fresh server process serving the endpoint, with the messages it needs ready (a long poll finds one), and the
 * request the load repeats: the same for autocannon, h2load and the floor. Over TLS (`tls`, the bench's throwaway
 * certificate) the load generators verify nothing (autocannon 9 sets `rejectUnauthorized: false` itself, h2load checks
 * no certificate), so each probe first asks its server and its floor with a client that trusts that certificate
 * alone: the load goes to the server the bench started, and nobody turns verification off for anything else.
 */
export async function startEndpoint(
  host: Pick<CapacityHost, 'server' | 'startTimeoutMs' | 'callTimeoutMs'>,
  endpoint: CapacityEndpoint,
  plan: CapacityPlan,
  tls?: CertificatePem,
): Promise<{ url: string; request: ProbeRequest }> {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  const { url } = await host.server.call('start', { strategy: spec.strategy, longPollTimeoutMs: 20_000, ...(tls && { tls }) }, host.startTimeoutMs);
  if (spec.ready > 0) {
    const offsetsMs = Array.from({ length: spec.ready }, () => 0);
    await host.server.call('runSchedule', { offsetsMs, durationMs: 0, payloadBytes: plan.scenario.payloadBytes }, host.callTimeoutMs);
  }
  const headers: Record<string, string> = { ...scenarioIdentity({ ...plan.scenario, seed: 1 }, 0) };
  let body: string | undefined;
  if (spec.method === 'POST') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ payload: 'x'.repeat(plan.scenario.payloadBytes) });
  }
  return { url, request: { method: spec.method, path: spec.path, headers, body } };
}

/** A warm-up, then the measured run, with the CPU of the process under load over it. */
async function drive(host: CapacityHost, url: string, request: ProbeRequest, plan: CapacityPlan, cpu: CpuWindow): Promise<CapacityFigures> {
  const run = { url: url + request.path, method: request.method, body: request.body, headers: request.headers, connections: plan.connections };
  const runTimeoutMs = (seconds: number) => seconds * 1000 + 30_000;
  // The warm-up lets V8 optimise the hot paths; it is not measured.
  if (plan.warmupSec > 0) await host.cannon.call('run', { ...run, durationSec: plan.warmupSec }, runTimeoutMs(plan.warmupSec));
  await cpu.open();
  const report = await host.cannon.call('run', { ...run, durationSec: plan.durationSec }, runTimeoutMs(plan.durationSec));
  const spent = await cpu.collect();
  return measuredFigures(report, spent);
}

/** A measured run's figures: what the load generator got, and the CPU the process under load spent meanwhile. */
export function measuredFigures(report: CannonReport, spent: { cpuMs: number; windowMs?: number }): CapacityFigures {
  const windowMs = spent.windowMs ?? report.durationSec * 1000;
  const answers = report.ok + report.non2xx;
  return {
    requestsPerSec: round1(report.ok / report.durationSec),
    latencyUs: report.latencyUs,
    requests: answers,
    errors: report.errors,
    non2xx: report.non2xx,
    bytesPerResponse: answers > 0 ? Math.round(report.responseBytes / answers) : 0,
    serverCpuMs: round1(spent.cpuMs),
    serverCpuShare: round3(cpuShare({ cpuMs: spent.cpuMs, windowMs })),
    loadGeneratorCpuShare: round3(cpuShare(report.load)),
  };
}

export function probeOf(endpoint: CapacityEndpoint, plan: CapacityPlan, tls: boolean): Omit<CapacityResult, keyof CapacityFigures | 'floor'> {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  return {
    endpoint,
    method: spec.method,
    path: spec.path,
    connections: plan.connections,
    durationSec: plan.durationSec,
    ...capacityScenarioRecord(plan.scenario),
    ...(tls && { tls: true }),
  };
}

export function failedFigures(problem: CapacityProblem): CapacityFigures {
  return {
    requestsPerSec: 0,
    latencyUs: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
    requests: 0,
    errors: 0,
    non2xx: 0,
    bytesPerResponse: 0,
    serverCpuMs: 0,
    serverCpuShare: 0,
    loadGeneratorCpuShare: 0,
    problem,
  };
}

/** A probe that could not be measured (a process died, a call timed out): zeros and the reason. */
export function failedProbe(endpoint: CapacityEndpoint, plan: CapacityPlan, tls: boolean, reason: string): CapacityResult {
  return { ...probeOf(endpoint, plan, tls), ...failedFigures({ code: 'probe-not-measured', reason }) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
