import { ratio } from './metrics.js';
import type { RunResult } from './results.js';

/**
 * What serving one run's clients cost, whoever served them: our server alone, our server and nginx in front of it,
 * or nginx and PHP-FPM (a PHP strategy, whose `server` figures are already the stack's). The report and the
 * terminal summary read these, so that a figure per client means the same everywhere.
 */
export interface ServingCost {
  /** CPU over the run of every process that served the clients, ms. */
  cpuMs: number;
  /** Their peak memory, added up (RSS). */
  peakRssBytes: number;
  /** The same as PSS, where the stack read it (shared pages split between processes): null for our server alone. */
  peakPssBytes: number | null;
  cpuMsPerClient: number | null;
  rssBytesPerClient: number | null;
  pssBytesPerClient: number | null;
  /** CPU per request the stack logged (every request nginx answered: the clients', a probe's, a publish's), µs. */
  cpuUsPerRequest: number | null;
  cpuUsPerDelivery: number | null;
}

export function servingCost(run: RunResult): ServingCost {
  const { stack, server } = run;
  const front = stack?.kind === 'nginx-proxy' ? stack.nginx : undefined;
  const cpuMs = server.cpuMs + (front?.cpuMs ?? 0);
  const peakRssBytes = server.peakRssBytes + (front?.peakRssBytes ?? 0);
  const peakPssBytes = stack?.kind === 'php-fpm' ? sumOrNull(stack.nginx.peakPssBytes, stack.phpFpm?.peakPssBytes ?? null) : null;
  const clients = run.scenario.clients;
  const requests = stack ? loggedRequests(run) : run.requests.total;
  return {
    cpuMs,
    peakRssBytes,
    peakPssBytes,
    cpuMsPerClient: ratio(cpuMs, clients),
    rssBytesPerClient: ratio(peakRssBytes, clients),
    pssBytesPerClient: peakPssBytes === null ? null : ratio(peakPssBytes, clients),
    cpuUsPerRequest: ratio(cpuMs * 1000, requests),
    cpuUsPerDelivery: ratio(cpuMs * 1000, run.messages.delivered),
  };
}

/** Every request nginx logged over the run, on every path. */
export function loggedRequests(run: RunResult): number {
  const answers = run.stack?.answers ?? {};
  return Object.values(answers).reduce((total, byStatus) => total + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

/** Answers with `status` nginx logged over the run, on every path (502, 504: the gateway's). */
export function answersWithStatus(run: RunResult, status: number): number {
  return Object.values(run.stack?.answers ?? {}).reduce((total, byStatus) => total + (byStatus[status] ?? 0), 0);
}

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}
