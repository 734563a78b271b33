import type { HttpVersion } from '../../servers/contract/wire.js';
import type { CapacityFigures, CapacityResult } from '../../results/results.js';
import {
  CAPACITY_ENDPOINT_NAMES,
  CAPACITY_ENDPOINTS,
  failedFigures,
  measuredFigures,
  probeOf,
  startEndpoint,
  type CapacityEndpoint,
  type CapacityPlan,
  type ProbeRequest,
} from './probes.js';
import { runH2load, type Killable } from './h2load.js';
import { captureHttp2Answer } from './http2-floor.js';
import type { RpcChild } from '../ipc/rpc.js';
import type { CannonRun, FloorProtocol, ServerProtocol } from '../ipc/protocol.js';
import type { CertificatePem } from '../../servers/wire/certificate.js';

/** One capacity probe of the matrix: an endpoint, driven over one HTTP version, in cleartext or over TLS. */
export interface CapacityProbe {
  endpoint: CapacityEndpoint;
  httpVersion: HttpVersion;
  tls: boolean;
}

/**
 * Every endpoint over HTTP/1.1 (autocannon), then every endpoint over HTTP/2 (h2load) when the plan asks for it;
 * in cleartext, then over TLS when the plan asks for both.
 */
export function capacityProbes(plan: CapacityPlan): CapacityProbe[] {
  const versions = plan.httpVersions ?? ['1.1'];
  return (plan.tls ?? [false]).flatMap((tls) =>
    versions.flatMap((httpVersion) => CAPACITY_ENDPOINT_NAMES.map((endpoint) => ({ endpoint, httpVersion, tls }))),
  );
}

/** What the HTTP/2 probe needs from the harness: a fresh server process, its floor's process, and a way to register h2load. */
export interface Http2CapacityHost {
  server: RpcChild<ServerProtocol>;
  /** node:http2 alone, answering the endpoint's bytes: the floor (bench/capacity/http2-floor.ts). */
  floor: RpcChild<FloorProtocol>;
  /** Registers a child to be killed with the bench; returns its unregistration. */
  track: (child: Killable) => () => void;
  startTimeoutMs: number;
  callTimeoutMs: number;
}

/** How to measure the CPU of the process under load over the measured run. */
interface CpuWindow {
  open(): Promise<void>;
  collect(): Promise<{ cpuMs: number; windowMs?: number }>;
}

/**
 * The HTTP/2 counterpart of `probeEndpoint`: the same endpoint of a fresh server process, the same request (path,
 * cookie, body), a warm-up then a measured run of the same length, driven by h2load over HTTP/2 cleartext with one
 * stream at a time per connection, as autocannon sends one request at a time. The server's CPU over the measured
 * run says what a request costs it over HTTP/2. Then its floor, driven the same way: node:http2 alone in a fresh
 * process of its own, answering the same path with what the endpoint answered over HTTP/2.
 */
export async function probeEndpointHttp2(
  host: Http2CapacityHost,
  endpoint: CapacityEndpoint,
  plan: CapacityPlan,
  tls?: CertificatePem,
): Promise<CapacityResult> {
  const spec = CAPACITY_ENDPOINTS[endpoint];
  const { server, floor } = host;
  const { url, request } = await startEndpoint(host, endpoint, plan, tls);
  const ca = tls?.cert;
  // h2load verifies no certificate: a client that trusts ours alone asks first (see startEndpoint).
  if (ca !== undefined)
    await captureHttp2Answer({ url: url + spec.path, method: spec.method, headers: request.headers, body: request.body, ca }, host.callTimeoutMs);
  const figures = await drive(host, url, request, plan, {
    open: () => server.call('openWindow', undefined, host.callTimeoutMs),
    collect: () => server.call('collect', { strategy: spec.strategy, closeTimeoutMs: 2_000 }, host.callTimeoutMs + 2_000),
  });
  let floorFigures: CapacityFigures;
  try {
    // Asked after the measured run, as for HTTP/1.1: the endpoint is warm and answers what h2load was getting.
    const answer = await captureHttp2Answer(
      { url: url + spec.path, method: spec.method, headers: request.headers, body: request.body, ca },
      host.callTimeoutMs,
    );
    await server.stop('shutdown', host.callTimeoutMs);
    const started = await floor.call(
      'start',
      { httpVersion: '2', method: spec.method, path: spec.path, answer, ...(tls && { tls }) },
      host.startTimeoutMs,
    );
    if (ca !== undefined) {
      await captureHttp2Answer(
        { url: started.url + spec.path, method: spec.method, headers: request.headers, body: request.body, ca },
        host.callTimeoutMs,
      );
    }
    floorFigures = await drive(host, started.url, request, plan, {
      open: () => floor.call('openWindow', undefined, host.callTimeoutMs),
      collect: () => floor.call('collect', undefined, host.callTimeoutMs),
    });
  } catch (error) {
    floorFigures = failedFigures({ code: 'floor-not-measured', reason: error instanceof Error ? error.message : String(error) });
  }
  // h2load counts every byte it received in bytesPerResponse: frame headers, HPACK-coded headers, DATA, SETTINGS and the rest.
  return { ...probeOf(endpoint, plan, tls !== undefined), httpVersion: '2', ...figures, floor: floorFigures };
}

/** A warm-up, then the measured run, with the CPU of the process under load over it. */
async function drive(host: Http2CapacityHost, url: string, request: ProbeRequest, plan: CapacityPlan, cpu: CpuWindow): Promise<CapacityFigures> {
  const run: Omit<CannonRun, 'durationSec'> = {
    url: url + request.path,
    method: request.method,
    body: request.body,
    headers: request.headers,
    connections: plan.connections,
  };
  if (plan.warmupSec > 0) await runH2load({ ...run, durationSec: plan.warmupSec }, host.track);
  await cpu.open();
  const report = await runH2load({ ...run, durationSec: plan.durationSec }, host.track);
  return measuredFigures(report, await cpu.collect());
}
