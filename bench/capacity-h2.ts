import type { HttpVersion } from '../servers/contract/wire.js';
import type { CapacityResult } from '../results/results.js';
import { CAPACITY_ENDPOINT_NAMES, CAPACITY_ENDPOINTS, type CapacityEndpoint, type CapacityPlan } from './capacity.js';
import { runH2load, type Killable } from './h2load.js';
import { identityHeaders } from './identity.js';
import type { RpcChild } from './ipc.js';
import { cpuShare } from './process-load.js';
import type { CannonRun, ServerProtocol } from './protocol.js';

/** One capacity probe of the matrix: an endpoint, driven over one HTTP version. */
export interface CapacityProbe {
  endpoint: CapacityEndpoint;
  httpVersion: HttpVersion;
}

/** Every endpoint over HTTP/1.1 (autocannon), then every endpoint over HTTP/2 (h2load) when the plan asks for it. */
export function capacityProbes(plan: CapacityPlan): CapacityProbe[] {
  const versions = plan.httpVersions ?? ['1.1'];
  return versions.flatMap((httpVersion) => CAPACITY_ENDPOINT_NAMES.map((endpoint) => ({ endpoint, httpVersion })));
}

/** What the HTTP/2 probe needs from the harness: a fresh server process, and a way to register h2load. */
export interface Http2CapacityHost {
  server: RpcChild<ServerProtocol>;
  /** Registers a child to be killed with the bench; returns its unregistration. */
  track(child: Killable): () => void;
  startTimeoutMs: number;
  callTimeoutMs: number;
}

/**
 * The HTTP/2 counterpart of `probeEndpoint`: the same endpoint of a fresh server process, the same request (path,
 * cookie, body), a warm-up then a measured run of the same length, driven by h2load over HTTP/2 cleartext with one
 * stream at a time per connection, as autocannon sends one request at a time. The server's CPU over the measured
 * run says what a request costs it over HTTP/2. There is no node:http floor for it (the floor is HTTP/1.1's).
 */
export async function probeEndpointHttp2(host: Http2CapacityHost, endpoint: CapacityEndpoint, plan: CapacityPlan): Promise<CapacityResult> {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  const { server } = host;
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
  const run: Omit<CannonRun, 'durationSec'> = { url: url + spec.path, method: spec.method, body, headers, connections: plan.connections };
  if (plan.warmupSec > 0) await runH2load({ ...run, durationSec: plan.warmupSec }, host.track);
  await server.call('openWindow', undefined, host.callTimeoutMs);
  const report = await runH2load({ ...run, durationSec: plan.durationSec }, host.track);
  const spent = await server.call('collect', { strategy: spec.strategy, closeTimeoutMs: 2_000 }, host.callTimeoutMs + 2_000);
  const windowMs = spent.windowMs ?? report.durationSec * 1000;
  const answers = report.ok + report.non2xx;
  return {
    endpoint,
    method: spec.method,
    path: spec.path,
    connections: plan.connections,
    durationSec: plan.durationSec,
    cookieBytes: plan.cookieBytes,
    httpVersion: '2',
    requestsPerSec: round1(report.ok / report.durationSec),
    latencyUs: report.latencyUs,
    requests: answers,
    errors: report.errors,
    non2xx: report.non2xx,
    // h2load counts every byte it received: frame headers, HPACK-coded headers, DATA, SETTINGS and the rest.
    bytesPerResponse: answers > 0 ? Math.round(report.responseBytes / answers) : 0,
    serverCpuMs: round1(spent.cpuMs),
    serverCpuShare: round3(cpuShare({ cpuMs: spent.cpuMs, windowMs })),
    loadGeneratorCpuShare: round3(cpuShare(report.load)),
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
