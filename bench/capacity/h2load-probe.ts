import type { HttpVersion } from '../../servers/contract/wire.js';
import type { CapacityResult } from '../../results/results.js';
import {
  CAPACITY_ENDPOINT_NAMES,
  CAPACITY_ENDPOINTS,
  measuredFigures,
  probeOf,
  startEndpoint,
  type CapacityEndpoint,
  type CapacityPlan,
} from './probes.js';
import { runH2load, type Killable } from './h2load.js';
import type { RpcChild } from '../ipc/rpc.js';
import type { CannonRun, ServerProtocol } from '../ipc/protocol.js';

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
  track: (child: Killable) => () => void;
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
  const { url, request } = await startEndpoint(host, endpoint, plan);
  const run: Omit<CannonRun, 'durationSec'> = {
    url: url + request.path,
    method: request.method,
    body: request.body,
    headers: request.headers,
    connections: plan.connections,
  };
  if (plan.warmupSec > 0) await runH2load({ ...run, durationSec: plan.warmupSec }, host.track);
  await server.call('openWindow', undefined, host.callTimeoutMs);
  const report = await runH2load({ ...run, durationSec: plan.durationSec }, host.track);
  const spent = await server.call('collect', { strategy: spec.strategy, closeTimeoutMs: 2_000 }, host.callTimeoutMs + 2_000);
  // h2load counts every byte it received in bytesPerResponse: frame headers, HPACK-coded headers, DATA, SETTINGS and the rest.
  return { ...probeOf(endpoint, plan), httpVersion: '2', ...measuredFigures(report, spent) };
}
