import type { RunResult } from '../results/results.js';

/**
 * Per-second figures of a run for the sweeps and the scale tables. They are taken over the steady state — from
 * the start of the schedule until the clients stopped — so that 10,000 clients connecting do not count as
 * delivery traffic. Results written before that window was recorded fall back to the whole run.
 */
export interface Rates {
  /** TCP bytes per second, both directions, all clients. */
  bytesPerSec: number | null;
  /** The same per client: what one more client costs the network. */
  bytesPerClientPerSec: number | null;
  requestsPerSec: number | null;
  /** Server CPU as a share of one core (1 = one core busy all the time) while publishing. */
  serverCpuShare: number | null;
  /** The busiest client process, same scale. */
  clientCpuShare: number | null;
  /** Whether the figures cover the steady state only, or the whole run (older results). */
  window: 'steady' | 'whole run';
}

function per(value: number, ms: number): number | null {
  return ms > 0 ? (value * 1000) / ms : null;
}

export function ratesOf(run: RunResult): Rates {
  const steady = run.steady;
  const clients = run.scenario.clients;
  const { server } = run;
  const cpuShare =
    server.publishingCpuMs !== undefined && server.publishingWindowMs
      ? server.publishingCpuMs / server.publishingWindowMs
      : server.windowMs
        ? server.cpuMs / server.windowMs
        : null;
  const clientCpuShare = run.clientProcesses.busiestCpuShare ?? null;
  if (steady) {
    const bytesPerSec = per(steady.bytesClientToServer + steady.bytesServerToClient, steady.windowMs);
    return {
      bytesPerSec,
      bytesPerClientPerSec: bytesPerSec === null || clients === 0 ? null : bytesPerSec / clients,
      requestsPerSec: per(steady.requests, steady.windowMs),
      serverCpuShare: cpuShare,
      clientCpuShare,
      window: 'steady',
    };
  }
  const durationMs = run.scenario.durationSec * 1000;
  const bytesPerSec = per(run.bytes.clientToServer + run.bytes.serverToClient, durationMs);
  return {
    bytesPerSec,
    bytesPerClientPerSec: bytesPerSec === null || clients === 0 ? null : bytesPerSec / clients,
    requestsPerSec: per(run.requests.total, durationMs),
    serverCpuShare: cpuShare ?? per(run.server.cpuMs, run.wallTimeMs),
    clientCpuShare,
    window: 'whole run',
  };
}
