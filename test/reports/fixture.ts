import type { CapacityFigures, CapacityResult, Results, RunResult, Scenario } from '../../results/results.js';

/**
 * A quick-preset run as the bench would write it: 50 clients, a message every 2 s on average, 1 s polls,
 * so most short polls come back empty. Numbers are chosen so the derived metrics come out exact:
 * short polling 1,000 requests for 500 messages = 2.00 per message, 607 of them empty.
 */
export const SCENARIO: Scenario = {
  clients: 50,
  ratePerSec: 0.5,
  durationSec: 20,
  payloadBytes: 128,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 25_000,
  arrivals: 'poisson',
  seed: 42,
};

const HISTOGRAM = 'HISTFAAAACl4nJNpmSzMwMDAwQABzFCaEUzOmnq+u8H+A0QEAGgKBR4=';

/**
 * What the server held attached, sampled once a second over a 22 s window: nothing while the clients connect
 * and after they leave, `count` while the 20 s schedule runs (1.5 s to 21.5 s).
 */
export function heldOverRun(count: number): Pick<RunResult['server'], 'attachedSamples' | 'attachedPeak' | 'publishingSpanMs'> {
  const samples: [number, number][] = Array.from({ length: 23 }, (_, s) => [s * 1000, s === 0 || s === 22 ? 0 : count]);
  return { attachedSamples: samples, attachedPeak: count, publishingSpanMs: [1500, 21500] };
}

function messages(delivered = 500): RunResult['messages'] {
  return { published: 10, expected: 500, delivered, missed: 500 - delivered, duplicated: 0, outOfOrder: 0, gaps: 0 };
}

export function shortPollingRun(): RunResult {
  return {
    strategy: { name: 'short-polling', title: 'Short polling', direction: 'pull', connection: 'request-per-poll', claim: 'C2' },
    scenario: { ...SCENARIO },
    wallTimeMs: 21_840,
    messages: messages(),
    latencyUs: { p50: 498_000, p90: 902_100, p99: 991_300, p999: 999_100, max: 1_001_400, mean: 503_250, count: 500 },
    latencyHistogram: HISTOGRAM,
    requests: { total: 1000, withMessages: 393, empty: 607, failed: 0, reconnects: 0 },
    bytes: {
      clientToServer: 180_000,
      serverToClient: 281_860,
      payload: 64_000,
      serverSide: { clientToServer: 180_000, serverToClient: 281_860 },
    },
    connections: { opened: 50, peak: 50 },
    server: { cpuMs: 310, peakRssBytes: 88 * 2 ** 20, eventLoopDelayP99Us: 1_450, ...heldOverRun(0) },
    clientProcesses: { count: 2, cpuMs: 640 },
    problems: [],
    warnings: [],
  };
}

export function longPollingRun(): RunResult {
  return {
    strategy: { name: 'long-polling', title: 'Long polling', direction: 'pull', connection: 'held-request', claim: 'C3' },
    scenario: { ...SCENARIO },
    wallTimeMs: 21_610,
    messages: messages(),
    latencyUs: { p50: 1_180, p90: 2_420, p99: 6_900, p999: 11_200, max: 12_050, mean: 1_530, count: 500 },
    latencyHistogram: HISTOGRAM,
    requests: { total: 550, withMessages: 500, empty: 50, failed: 0, reconnects: 0 },
    bytes: {
      clientToServer: 99_000,
      serverToClient: 179_500,
      payload: 64_000,
      serverSide: { clientToServer: 99_000, serverToClient: 179_600 },
    },
    connections: { opened: 50, peak: 50 },
    server: { cpuMs: 120, peakRssBytes: 91 * 2 ** 20, eventLoopDelayP99Us: 1_210, ...heldOverRun(50) },
    clientProcesses: { count: 2, cpuMs: 310 },
    problems: [],
    warnings: [],
  };
}

export function webSocketRun(): RunResult {
  return {
    strategy: { name: 'websocket', title: 'WebSocket', direction: 'push', connection: 'persistent', claim: 'C5' },
    scenario: { ...SCENARIO },
    wallTimeMs: 21_420,
    messages: messages(),
    latencyUs: { p50: 350, p90: 610, p99: 1_720, p999: 2_900, max: 3_050, mean: 420, count: 500 },
    latencyHistogram: HISTOGRAM,
    requests: { total: 50, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
    bytes: {
      clientToServer: 13_000,
      serverToClient: 82_500,
      payload: 64_000,
      serverSide: { clientToServer: 13_000, serverToClient: 82_500 },
    },
    connections: { opened: 50, peak: 50 },
    server: { cpuMs: 45, peakRssBytes: 84 * 2 ** 20, eventLoopDelayP99Us: 1_050, ...heldOverRun(50) },
    clientProcesses: { count: 2, cpuMs: 150 },
    problems: [],
    warnings: [],
  };
}

export function makeResults(): Results {
  return {
    meta: {
      date: '2025-11-23T10:15:30.000Z',
      preset: 'quick',
      nodeVersion: 'v20.19.5',
      cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
      cpuCount: 2,
      platform: 'linux x64',
      totalMemoryBytes: 8 * 2 ** 30,
      pushbenchVersion: '0.1.0',
      command: 'npm run bench -- --preset quick',
      wallTimeMs: 66_200,
    },
    runs: [shortPollingRun(), longPollingRun(), webSocketRun()],
  };
}

export const XSS = '</script><script>alert(1)</script>';

/** The same run with a broken long-poll delivery, and hostile strings everywhere the report prints text. */
export function makeInvalidResults(): Results {
  const results = makeResults();
  const lp = results.runs[1];
  lp.messages = { ...lp.messages, delivered: 497, missed: 3, duplicated: 2, outOfOrder: 1 };
  lp.problems = ['client 7 missed seq 12, 13, 14', `payload ${XSS}`];
  results.meta.command = `npm run bench -- --tag "${XSS}"`;
  results.meta.cpuModel = `Evil <img src=x onerror=alert(1)> CPU`;
  return results;
}

/**
 * A capacity probe's figures over 5 s at `requestsPerSec`: a test passes the figures it reads, the rest are
 * plausible (a full core of server CPU, no errors).
 */
export function capacityFigures(requestsPerSec: number, figures: Partial<CapacityFigures> = {}): CapacityFigures {
  const serverCpuShare = figures.serverCpuShare ?? 1;
  return {
    requestsPerSec,
    latencyUs: { p50: 1_200, p90: 2_000, p99: 4_500, max: 9_000, mean: 1_300 },
    requests: requestsPerSec * 5,
    errors: 0,
    non2xx: 0,
    bytesPerResponse: 180,
    serverCpuMs: serverCpuShare * 5_000,
    serverCpuShare,
    loadGeneratorCpuShare: 0.9,
    ...figures,
  };
}

const CAPACITY_PATHS: Record<CapacityResult['endpoint'], string> = {
  'short-poll': '/api/poll?since=0',
  'long-poll': '/api/long-poll?since=0',
  publish: '/api/publish',
};

/** A probe of `endpoint` as the bench writes one (50 connections for 5 s), with its floor's figures if it has a floor. */
export function capacityProbe(endpoint: CapacityResult['endpoint'], own: CapacityFigures, floor?: CapacityFigures): CapacityResult {
  const method = endpoint === 'publish' ? 'POST' : 'GET';
  return { endpoint, method, path: CAPACITY_PATHS[endpoint], connections: 50, durationSec: 5, cookieBytes: 0, ...own, ...(floor && { floor }) };
}
