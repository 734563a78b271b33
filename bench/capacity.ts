import type { StrategyInfo } from '../servers/contract/strategies.js';
import { ROUTES } from '../servers/contract/wire.js';
import { SERVER_STRATEGIES } from '../servers/registry.js';
import { identityHeaders } from './identity.js';
import type { RpcChild } from './ipc.js';
import { cpuShare } from './process-load.js';
import type { CannonProtocol, ServerProtocol } from './protocol.js';
import type { CapacityResult } from '../results/results.js';

/** How the capacity probes drive each endpoint. */
export interface CapacityPlan {
  /** Seconds of measured load per endpoint, after a warm-up. */
  durationSec: number;
  warmupSec: number;
  /** autocannon connections: enough requests in flight to keep the server busy all the time. */
  connections: number;
  /** A Cookie header of this size on every request, as in the scenarios (0: none). */
  cookieBytes: number;
  /** Payload of the published message (publish) and of the message a long poll finds ready. */
  payloadBytes: number;
}

export const DEFAULT_CAPACITY: CapacityPlan = { durationSec: 5, warmupSec: 1, connections: 50, cookieBytes: 0, payloadBytes: 100 };

export type CapacityEndpoint = CapacityResult['endpoint'];

interface EndpointSpec {
  /** The strategy the server mounts for it. */
  strategy: string;
  method: 'GET' | 'POST';
  path: string;
  /** Messages published before the load starts. */
  ready: number;
}

/** pushbench's own strategy whose clients hold this kind of connection: the first in the registry (short polling, long polling). */
function ownStrategyHolding(connection: StrategyInfo['connection']): string {
  const found = SERVER_STRATEGIES.find(({ info }) => !info.reference && info.connection === connection);
  if (!found) throw new Error(`no strategy of pushbench's own holds a ${connection} connection`);
  return found.info.name;
}

/**
 * - short-poll: `since=0` on an empty log, the "anything new? — no" that most short polls get (claim C2).
 * - long-poll: a message is already there, so every long poll is answered at once: the cost of one full HTTP
 *   round of long polling, without any waiting.
 * - publish: what the application back end pays per message, with nobody subscribed.
 */
export const CAPACITY_ENDPOINTS: Readonly<Record<CapacityEndpoint, EndpointSpec>> = {
  'short-poll': { strategy: ownStrategyHolding('request-per-poll'), method: 'GET', path: `${ROUTES.poll}?since=0`, ready: 0 },
  'long-poll': { strategy: ownStrategyHolding('held-request'), method: 'GET', path: `${ROUTES.longPoll}?since=0`, ready: 1 },
  // A strategy that holds nobody, so that a publish costs only the message source.
  publish: { strategy: ownStrategyHolding('request-per-poll'), method: 'POST', path: ROUTES.publish, ready: 0 },
};

export const CAPACITY_ENDPOINT_NAMES = Object.keys(CAPACITY_ENDPOINTS) as CapacityEndpoint[];

/** What the probe needs from the harness: children it registers (so they die with it) and its time limits. */
export interface CapacityHost {
  server: RpcChild<ServerProtocol>;
  cannon: RpcChild<CannonProtocol>;
  startTimeoutMs: number;
  callTimeoutMs: number;
}

/**
 * Drives one endpoint of a fresh server process with autocannon (closed loop: each connection sends its next
 * request as soon as the previous one is answered), so the rate it reaches is the highest the server sustains,
 * and the latency is the latency there. The server's CPU over the same window says how much of a core that took.
 */
export async function probeEndpoint(host: CapacityHost, endpoint: CapacityEndpoint, plan: CapacityPlan): Promise<CapacityResult> {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  const { server, cannon } = host;
  const { url } = await server.call('start', { strategy: spec.strategy, longPollTimeoutMs: 20_000 }, host.startTimeoutMs);
  if (spec.ready > 0) {
    const offsetsMs = Array.from({ length: spec.ready }, () => 0);
    await server.call('runSchedule', { offsetsMs, durationMs: 0, payloadBytes: plan.payloadBytes }, host.callTimeoutMs);
  }
  const headers: Record<string, string> = { ...identityHeaders(plan.cookieBytes, 0, 1) };
  let body: string | undefined;
  if (spec.method === 'POST') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ payload: 'x'.repeat(plan.payloadBytes) });
  }
  const run = { url: url + spec.path, method: spec.method, body, headers, connections: plan.connections };
  const runTimeoutMs = (seconds: number) => seconds * 1000 + 30_000;
  // The warm-up lets V8 optimise the hot paths; it is not measured.
  if (plan.warmupSec > 0) await cannon.call('run', { ...run, durationSec: plan.warmupSec }, runTimeoutMs(plan.warmupSec));
  await server.call('openWindow', undefined, host.callTimeoutMs);
  const report = await cannon.call('run', { ...run, durationSec: plan.durationSec }, runTimeoutMs(plan.durationSec));
  const serverReport = await server.call('collect', { strategy: spec.strategy, closeTimeoutMs: 2_000 }, host.callTimeoutMs + 2_000);
  const serverWindowMs = serverReport.windowMs ?? report.durationSec * 1000;
  return {
    endpoint,
    method: spec.method,
    path: spec.path,
    connections: plan.connections,
    durationSec: plan.durationSec,
    cookieBytes: plan.cookieBytes,
    requestsPerSec: round1(report.ok / report.durationSec),
    latencyUs: report.latencyUs,
    requests: report.ok + report.non2xx,
    errors: report.errors,
    non2xx: report.non2xx,
    bytesPerResponse: report.ok + report.non2xx > 0 ? Math.round(report.responseBytes / (report.ok + report.non2xx)) : 0,
    serverCpuMs: round1(serverReport.cpuMs),
    serverCpuShare: round3(cpuShare({ cpuMs: serverReport.cpuMs, windowMs: serverWindowMs })),
    loadGeneratorCpuShare: round3(cpuShare(report.load)),
  };
}

/** A probe that could not be measured (a process died, a call timed out): zeros and the reason. */
export function failedProbe(endpoint: CapacityEndpoint, plan: CapacityPlan, reason: string): CapacityResult {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  return {
    endpoint,
    method: spec.method,
    path: spec.path,
    connections: plan.connections,
    durationSec: plan.durationSec,
    cookieBytes: plan.cookieBytes,
    requestsPerSec: 0,
    latencyUs: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
    requests: 0,
    errors: 0,
    non2xx: 0,
    bytesPerResponse: 0,
    serverCpuMs: 0,
    serverCpuShare: 0,
    loadGeneratorCpuShare: 0,
    problem: `the probe could not be measured: ${reason}`,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
