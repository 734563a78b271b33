import type { BottleneckReason, Interruption, Notice, Scenario } from '../../results/results.js';

/** One notice of every code; typed by code, so that a new code fails to compile here until it has an example. */
export const NOTICES: { [C in Notice['code']]: Extract<Notice, { code: C }> } = {
  'not-measured': { code: 'not-measured', reason: 'server process exited (code 1)' },
  'never-connected': { code: 'never-connected', connected: 3, clients: 4_000, timeoutMs: 13_500 },
  'nothing-published': { code: 'nothing-published', ratePerSec: 0.5, durationSec: 1, seed: 7 },
  'messages-missed': {
    code: 'messages-missed',
    clients: 5,
    missed: 1_240,
    examples: [
      { client: 0, missed: 1, firstSeqs: [4] },
      { client: 2, missed: 7, firstSeqs: [4, 5, 6, 7, 8] },
      { client: 9, missed: 5, firstSeqs: [1, 2, 3, 4, 5] },
    ],
  },
  'messages-duplicated': { code: 'messages-duplicated', clients: 1, duplicated: 2, examples: [{ client: 3, count: 2 }] },
  'messages-out-of-order': {
    code: 'messages-out-of-order',
    clients: 4,
    outOfOrder: 5,
    examples: [
      { client: 1, count: 1 },
      { client: 2, count: 2 },
      { client: 3, count: 1 },
    ],
  },
  'gaps-signalled': {
    code: 'gaps-signalled',
    clients: 2,
    gaps: 2,
    examples: [
      { client: 0, count: 1 },
      { client: 5, count: 1 },
    ],
  },
  'not-drained': { code: 'not-drained', clients: 1, lastSeq: 40, timeoutMs: 2_002 },
  'bytes-disagree': {
    code: 'bytes-disagree',
    clientSide: { clientToServer: 1_000, serverToClient: 19_000 },
    serverSide: { clientToServer: 1_000, serverToClient: 18_990 },
  },
  'bytes-cut-by-churn': {
    code: 'bytes-cut-by-churn',
    clientSide: { clientToServer: 1_000, serverToClient: 19_000 },
    serverSide: { clientToServer: 1_000, serverToClient: 18_990 },
    churned: 2,
  },
  'fallback-mismatch': { code: 'fallback-mismatch', blocked: 2, fellBack: 1 },
  'late-publishes': { code: 'late-publishes', late: 17, of: 2_000, lateMs: 100, worstMs: 1_836 },
  'publishes-failed': { code: 'publishes-failed', failed: 2, of: 1_500, byCause: { '503': 6, timeout: 1 } },
  'server-replaced': { code: 'server-replaced', atSec: 2, serverProcesses: 1 },
  'load-generator-bound': {
    code: 'load-generator-bound',
    reason: { code: 'generator-saturated', processes: [{ process: { kind: 'client', number: 2 }, cpuShare: 0.953 }] },
  },
  'probe-not-measured': { code: 'probe-not-measured', reason: 'autocannon process exited (code 1)' },
  'floor-not-measured': { code: 'floor-not-measured', reason: 'no answer from http://127.0.0.1:1/ within 5000 ms' },
};

/** One bottleneck reason of every code, typed by code like NOTICES. */
export const REASONS: { [C in BottleneckReason['code']]: Extract<BottleneckReason, { code: C }> } = {
  'generator-saturated': {
    code: 'generator-saturated',
    processes: [
      { process: { kind: 'client', number: 1 }, cpuShare: 0.97 },
      { process: { kind: 'proxy', number: 2 }, cpuShare: 0.904 },
    ],
  },
  'machine-busy': { code: 'machine-busy', cores: 2, machineShare: 0.95 },
  'server-loop-late': { code: 'server-loop-late', eventLoopDelayP99Us: 1_240_400, cpuShare: 0.23 },
  'server-saturated': { code: 'server-saturated', cpuShare: 0.93 },
  'generator-loop-late': {
    code: 'generator-loop-late',
    processes: [
      { process: { kind: 'proxy', number: 1 }, eventLoopDelayP99Us: 80_000 },
      { process: { kind: 'client', number: 3 }, eventLoopDelayP99Us: 51_600 },
    ],
  },
  neither: { code: 'neither', serverCpuShare: 0.1, machineShare: 0.15 },
};

const SCENARIO: Scenario = {
  clients: 50,
  ratePerSec: 0.5,
  durationSec: 20,
  payloadBytes: 128,
  pollIntervalMs: 1_000,
  longPollTimeoutMs: 25_000,
  arrivals: 'poisson',
  seed: 42,
};

/** A sweep over clients stopped during its third run, with the capacity probes still to come. */
export function interruption(): { interrupted: Interruption; finished: Scenario[] } {
  const at = (clients: number): Scenario => ({ ...SCENARIO, clients });
  return {
    finished: [at(50), at(50)],
    interrupted: {
      signal: 'SIGINT',
      runsPlanned: 4,
      runsFinished: 2,
      probesPlanned: 2,
      probesFinished: 0,
      notRun: [
        {
          kind: 'run',
          strategy: { name: 'short-polling', title: 'Short polling', direction: 'pull', connection: 'request-per-poll', claim: 'C1' },
          scenario: at(1_000),
        },
        {
          kind: 'run',
          strategy: { name: 'websocket', title: 'WebSocket', direction: 'push', connection: 'persistent', claim: 'C5' },
          scenario: at(1_000),
        },
        { kind: 'probe', endpoint: 'short-poll', httpVersion: '1.1' },
        { kind: 'probe', endpoint: 'publish', httpVersion: '2' },
      ],
    },
  };
}
