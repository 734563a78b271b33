import { ratio } from './metrics.js';
import type { RunResult, TrafficWindow } from './results.js';
import { scenarioKey, scenarioValue } from './scenario.js';

/**
 * Does the simulated fleet agree with a real browser? For each strategy, the same scenario run once with simulated
 * clients and once with real Chromium clients (`--fleet simulated,chromium`): requests per delivered message
 * within REQUESTS_TOLERANCE, bytes per request in each direction within BYTES_TOLERANCE, and every message delivered
 * exactly once in both. The claims rest on the simulated clients; this is the evidence that they are a browser's.
 */

/** Requests per message may differ by 1 % (a poll timer's drift over a run, a request in flight at the end). */
export const REQUESTS_TOLERANCE = 0.01;
/** Bytes per request in each direction may differ by 2 % (a cursor's digits, the share of empty answers). */
export const BYTES_TOLERANCE = 0.02;

/** One fleet's side of a comparison. */
export interface FleetFigures {
  requestsPerMessage: number | null;
  bytesUpPerRequest: number | null;
  bytesDownPerRequest: number | null;
  /** Every client got every message, none twice, none out of order. */
  exactlyOnce: boolean;
  latencyP50Us: number;
}

export interface AgreementRow {
  strategy: RunResult['strategy'];
  clients: number;
  simulated: FleetFigures;
  browser: FleetFigures;
  /** browser / simulated - 1, each; null when a side has no figure. */
  requestsDeviation: number | null;
  bytesUpDeviation: number | null;
  bytesDownDeviation: number | null;
  /** Within every tolerance, and exactly once in both. */
  agrees: boolean;
  /** The browser's version, "Chromium 156.0.8078.129". */
  browserSource: string;
  /** Over TLS or HTTP/2: the browser's connection setup went to its page (see SETUP_ON_THE_PAGE). */
  setupOnThePage: boolean;
}

/**
 * Why bytes per request differ over TLS and over HTTP/2, said wherever the agreement is shown. TCP's own handshake is
 * no payload, so in cleartext HTTP/1.1 it costs neither fleet a counted byte.
 */
export const SETUP_ON_THE_PAGE =
  'Over TLS or HTTP/2 a browser loads its page first on the connection its clients then use: its TLS handshake, and under ' +
  'HTTP/2 the first entries of HPACK’s table, are spent on the page, which the server counts as control, where a simulated ' +
  'client spends them on its own first request. Per request the browser then looks cheaper, most for the strategies that ' +
  'make few requests. Short polling is compared on its repeated polls alone: their plaintext differs by the 5-byte PRIORITY ' +
  'field that Chromium’s HEADERS frames carry and undici’s do not (npm run capture-headers measures both); what more ' +
  'separates them over TLS is not broken down. The agreement is judged for HTTP/1.1 in cleartext.';

/**
 * A short-polling client's requests follow its timer, not the messages, so its totals grow with however long the
 * run's connect, drain and stop phases happened to last (a second more is a poll more per client, 5 % of a quick
 * run, and an empty one: fewer bytes per request). Its figures are taken over the publishing window instead (the
 * run's `steady` traffic), where both fleets do the same thing for the same time — counted at the server for both
 * when it was (`atServer`): the browser's traffic is only counted there, and the two windows then open and close
 * the same way.
 */
function timerDriven(run: RunResult): Omit<TrafficWindow, 'clientCpuMs' | 'atServer'> | undefined {
  const steady = run.steady?.atServer ?? run.steady;
  return run.strategy.connection === 'request-per-poll' && steady && steady.windowMs > 0 && steady.requests > 0 ? steady : undefined;
}

/**
 * Requests per delivered message; for short polling, its poll rate over the publishing window times the schedule's
 * length, per message published: the same quantity, free of the phases around it.
 */
export function requestsPerMessage(run: RunResult): number | null {
  const steady = timerDriven(run);
  if (!steady) return ratio(run.requests.total, run.messages.delivered);
  return ratio((steady.requests * run.scenario.durationSec * 1000) / steady.windowMs, run.messages.expected);
}

/** Bytes per request each way; for short polling, over the publishing window. */
export function bytesPerRequest(run: RunResult): { up: number | null; down: number | null } {
  const steady = timerDriven(run);
  if (steady) return { up: ratio(steady.bytesClientToServer, steady.requests), down: ratio(steady.bytesServerToClient, steady.requests) };
  return { up: ratio(run.bytes.clientToServer, run.requests.total), down: ratio(run.bytes.serverToClient, run.requests.total) };
}

function figures(run: RunResult): FleetFigures {
  const { delivered, missed, duplicated, outOfOrder } = run.messages;
  const bytes = bytesPerRequest(run);
  return {
    requestsPerMessage: requestsPerMessage(run),
    bytesUpPerRequest: bytes.up,
    bytesDownPerRequest: bytes.down,
    exactlyOnce: run.problems.length === 0 && delivered > 0 && missed === 0 && duplicated === 0 && outOfOrder === 0,
    latencyP50Us: run.latencyUs.p50,
  };
}

function deviation(browser: number | null, simulated: number | null): number | null {
  return browser === null || simulated === null || simulated === 0 ? null : browser / simulated - 1;
}

function within(value: number | null, tolerance: number): boolean {
  return value !== null && Math.abs(value) <= tolerance;
}

/** Every pair of runs of one strategy whose scenarios differ only in the fleet, in the order of the browser runs. */
export function agreementRows(runs: readonly RunResult[]): AgreementRow[] {
  const simulated = new Map<string, RunResult>();
  for (const run of runs) {
    if (scenarioValue(run.scenario, 'fleet') === 'simulated') simulated.set(`${run.strategy.name} ${scenarioKey(run.scenario, ['fleet'])}`, run);
  }
  return runs.flatMap((run): AgreementRow[] => {
    if (scenarioValue(run.scenario, 'fleet') !== 'chromium') return [];
    const twin = simulated.get(`${run.strategy.name} ${scenarioKey(run.scenario, ['fleet'])}`);
    if (!twin) return [];
    const sim = figures(twin);
    const real = figures(run);
    const requestsDeviation = deviation(real.requestsPerMessage, sim.requestsPerMessage);
    const bytesUpDeviation = deviation(real.bytesUpPerRequest, sim.bytesUpPerRequest);
    const bytesDownDeviation = deviation(real.bytesDownPerRequest, sim.bytesDownPerRequest);
    return [
      {
        strategy: run.strategy,
        clients: run.scenario.clients,
        simulated: sim,
        browser: real,
        requestsDeviation,
        bytesUpDeviation,
        bytesDownDeviation,
        agrees:
          within(requestsDeviation, REQUESTS_TOLERANCE) &&
          within(bytesUpDeviation, BYTES_TOLERANCE) &&
          within(bytesDownDeviation, BYTES_TOLERANCE) &&
          sim.exactlyOnce &&
          real.exactlyOnce,
        browserSource: run.clientHeaders?.source ?? 'a browser',
        setupOnThePage: scenarioValue(run.scenario, 'tls') !== 'off' || scenarioValue(run.scenario, 'httpVersion') === '2',
      },
    ];
  });
}
