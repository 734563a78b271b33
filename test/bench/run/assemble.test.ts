import { describe, expect, it } from 'vitest';
import { assembleRun, failedRun, type RunEvidence } from '../../../bench/run/assemble.js';
import { noFaults, type FleetReport } from '../../../bench/fleet/client-fleet.js';
import { createLatencyHistogram, encodeHistogram } from '../../../bench/measure/histogram.js';
import type { ProcessLoad } from '../../../bench/measure/process-load.js';
import type { ServerReport } from '../../../bench/ipc/protocol.js';
import { isValidRun, type Scenario } from '../../../results/results.js';
import { WebSocketStrategy } from '../../../servers/strategies/websocket.js';
import type { ByteCounts } from '../../../servers/contract/byte-counts.js';

const SCENARIO: Scenario = {
  clients: 4,
  ratePerSec: 2,
  durationSec: 5,
  payloadBytes: 100,
  pollIntervalMs: 1_000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 7,
};

/** 10 messages to 4 clients, every one delivered, the same bytes counted at both ends. */
function fleetReport(overrides: Partial<FleetReport> = {}): FleetReport {
  const histogram = createLatencyHistogram();
  for (let i = 0; i < 40; i++) histogram.recordValue(1_000 + i);
  return {
    clients: 4,
    latencyHistogram: encodeHistogram(histogram),
    delivered: 40,
    missed: 0,
    duplicated: 0,
    outOfOrder: 0,
    gaps: 0,
    missedBySeq: {},
    requests: { total: 4, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
    bytesClientToServer: 1_000,
    bytesServerToClient: 9_000,
    connectionsOpened: 4,
    cpuMs: 50,
    faults: noFaults(),
    ...overrides,
  };
}

function serverReport(bytes: ByteCounts = { clientToServer: 1_000, serverToClient: 9_000 }, overrides: Partial<ServerReport> = {}): ServerReport {
  return {
    stats: {
      strategies: {
        websocket: {
          requests: 4,
          withMessages: 0,
          empty: 0,
          failed: 0,
          failedByStatus: {},
          cut: 0,
          bufferedBytes: 0,
          messagesSent: 40,
          answerBodyBytes: 0,
          attached: 0,
          attachedPeak: 4,
          connections: { opened: 4, open: 0, peak: 4 },
          bytes,
        },
      },
    },
    cpuMs: 80,
    eventLoopDelayP99Us: 1_000,
    peakRssBytes: 52_000_000,
    rssSamples: [],
    ...overrides,
  };
}

function evidence(overrides: Partial<RunEvidence> = {}): RunEvidence {
  return {
    info: WebSocketStrategy.info,
    scenario: SCENARIO,
    wallTimeMs: 7_000.4,
    clientProcesses: 1,
    schedule: { published: 10, lastSeq: 10, latePublishes: 0, maxLagMs: 3 },
    connectTimeoutMs: 13_000,
    connectedClients: 4,
    drainTimeoutMs: 2_002,
    clientsNotDrained: 0,
    fleet: fleetReport(),
    server: serverReport(),
    cores: 2,
    ...overrides,
  };
}

function load(cpuMs: number): ProcessLoad {
  return { cpuMs, windowMs: 1_000, eventLoopDelayP99Us: 1_000, eventLoopDelayMaxUs: 2_000 };
}

/** A churn scenario whose two ends counted different bytes, with `churned` connections cut on purpose. */
function churnedMismatch(churned: number): RunEvidence {
  return evidence({
    scenario: { ...SCENARIO, churn: 0.5 },
    fleet: fleetReport({ churned }),
    server: serverReport({ clientToServer: 1_000, serverToClient: 8_990 }),
  });
}

/** The two ends of churnedMismatch and of the plain mismatch: 10 bytes server→client short at the server. */
const CLIENT_SIDE = { clientToServer: 1_000, serverToClient: 9_000 };
const SERVER_SIDE = { clientToServer: 1_000, serverToClient: 8_990 };

describe('assembleRun', () => {
  it('turns a clean run into a valid result with neither problems nor warnings', () => {
    const run = assembleRun(evidence());
    expect(run.problems).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect(isValidRun(run)).toBe(true);
    expect(run.strategy).toMatchObject({ name: 'websocket', title: 'WebSocket', connection: 'persistent' });
    expect(run.wallTimeMs).toBe(7_000);
    expect(run.messages).toEqual({ published: 10, expected: 40, delivered: 40, missed: 0, duplicated: 0, outOfOrder: 0, gaps: 0 });
    expect(run.bytes).toEqual({
      clientToServer: 1_000,
      serverToClient: 9_000,
      payload: 4_000,
      serverSide: { clientToServer: 1_000, serverToClient: 9_000 },
    });
    expect(run.latencyUs.count).toBe(40);
    expect(run.connections).toEqual({ opened: 4, peak: 4 });
  });

  it('makes a run invalid when a client never connected, and publishes nothing', () => {
    const run = assembleRun(evidence({ schedule: null, connectedClients: 3, fleet: fleetReport({ delivered: 0 }) }));
    expect(run.problems).toEqual([{ code: 'never-connected', connected: 3, clients: 4, timeoutMs: 13_000 }]);
    expect(run.messages).toMatchObject({ published: 0, expected: 0, delivered: 0 });
    expect(run.bottleneck).toBeUndefined();
    expect(isValidRun(run)).toBe(false);
  });

  it('makes a run invalid when the schedule published no message', () => {
    const run = assembleRun(
      evidence({ schedule: { published: 0, lastSeq: 0, latePublishes: 0, maxLagMs: 0 }, fleet: fleetReport({ delivered: 0 }) }),
    );
    expect(run.problems).toEqual([{ code: 'nothing-published', ratePerSec: 2, durationSec: 5, seed: 7 }]);
    expect(isValidRun(run)).toBe(false);
  });

  it('turns what the clients got wrong into one problem per kind, with its total, and gap signals into a warning', () => {
    const fleet = fleetReport({
      delivered: 33,
      missed: 7,
      duplicated: 3,
      outOfOrder: 1,
      gaps: 2,
      faults: {
        missed: {
          clients: 4,
          examples: [
            { client: 0, missed: 1, firstSeqs: [4] },
            { client: 1, missed: 2, firstSeqs: [4, 5] },
            { client: 2, missed: 2, firstSeqs: [4, 9] },
          ],
        },
        duplicated: {
          clients: 2,
          examples: [
            { client: 1, count: 1 },
            { client: 3, count: 2 },
          ],
        },
        outOfOrder: { clients: 1, examples: [{ client: 3, count: 1 }] },
        gaps: { clients: 1, examples: [{ client: 2, count: 2 }] },
      },
    });
    const run = assembleRun(evidence({ fleet }));
    expect(run.problems).toEqual([
      { code: 'messages-missed', clients: 4, missed: 7, examples: fleet.faults.missed.examples },
      { code: 'messages-duplicated', clients: 2, duplicated: 3, examples: fleet.faults.duplicated.examples },
      { code: 'messages-out-of-order', clients: 1, outOfOrder: 1, examples: fleet.faults.outOfOrder.examples },
    ]);
    expect(run.warnings).toEqual([{ code: 'gaps-signalled', clients: 1, gaps: 2, examples: [{ client: 2, count: 2 }] }]);
    expect(isValidRun(run)).toBe(false);
  });

  it('records gap signals alone as a warning: the run stays valid', () => {
    const run = assembleRun(
      evidence({ fleet: fleetReport({ gaps: 1, faults: { ...noFaults(), gaps: { clients: 1, examples: [{ client: 3, count: 1 }] } } }) }),
    );
    expect(run.problems).toEqual([]);
    expect(run.warnings).toEqual([{ code: 'gaps-signalled', clients: 1, gaps: 1, examples: [{ client: 3, count: 1 }] }]);
    expect(isValidRun(run)).toBe(true);
  });

  it('makes a run invalid when fewer clients fell back to long polling than were refused at the upgrade', () => {
    const group = (transport: 'websocket' | 'long-polling', clients: number) => ({
      transport,
      clients,
      requests: { total: clients, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
      bytes: { clientToServer: 0, serverToClient: 0 },
      delivered: clients * 10,
      missed: 0,
      duplicated: 0,
      outOfOrder: 0,
      latencyHistogram: encodeHistogram(createLatencyHistogram()),
      timeToReadyMs: [],
      firstMessageLatencyMs: [],
    });
    // Half of 4 clients refused: 2 should have fallen back, 1 did.
    const scenario = { ...SCENARIO, blockedUpgrade: 0.5 };
    const run = assembleRun(evidence({ scenario, fleet: fleetReport({ groups: [group('websocket', 3), group('long-polling', 1)] }) }));
    expect(run.problems).toEqual([{ code: 'fallback-mismatch', blocked: 2, fellBack: 1 }]);
    expect(run.fallback?.blockedClients).toBe(2);
    expect(isValidRun(run)).toBe(false);
  });

  it('makes a run invalid when a client still lacked the last message after the drain', () => {
    const run = assembleRun(evidence({ clientsNotDrained: 1 }));
    expect(run.problems).toEqual([{ code: 'not-drained', clients: 1, lastSeq: 10, timeoutMs: 2_002 }]);
    expect(isValidRun(run)).toBe(false);
  });

  it('only warns about late publishes: the run stays valid', () => {
    const run = assembleRun(evidence({ schedule: { published: 10, lastSeq: 10, latePublishes: 3, maxLagMs: 250.6 } }));
    expect(run.problems).toEqual([]);
    expect(run.warnings).toEqual([{ code: 'late-publishes', late: 3, of: 10, lateMs: 100, worstMs: 251 }]);
    expect(isValidRun(run)).toBe(true);
  });

  it('makes a run invalid when the client and the server counted different bytes', () => {
    const run = assembleRun(evidence({ server: serverReport({ clientToServer: 1_000, serverToClient: 8_990 }) }));
    expect(run.problems).toEqual([{ code: 'bytes-disagree', clientSide: CLIENT_SIDE, serverSide: SERVER_SIDE }]);
    expect(run.warnings).toEqual([]);
    expect(run.bytes.serverSide).toEqual({ clientToServer: 1_000, serverToClient: 8_990 });
    expect(isValidRun(run)).toBe(false);
  });

  it('only warns about a byte mismatch when churn cut connections with bytes in flight', () => {
    const run = assembleRun(churnedMismatch(2));
    expect(run.problems).toEqual([]);
    expect(run.warnings).toEqual([{ code: 'bytes-cut-by-churn', clientSide: CLIENT_SIDE, serverSide: SERVER_SIDE, churned: 2 }]);
    expect(run.churnedClients).toBe(2);
    expect(isValidRun(run)).toBe(true);
  });

  it('holds a churn scenario in which no connection was cut to the exact byte count', () => {
    const run = assembleRun(churnedMismatch(0));
    expect(run.problems).toEqual([{ code: 'bytes-disagree', clientSide: CLIENT_SIDE, serverSide: SERVER_SIDE }]);
    expect(run.churnedClients).toBe(0);
  });

  it('does not compare bytes across a restart, warns instead, and names the messages lost with the old process', () => {
    const fleet = fleetReport({
      delivered: 36,
      missed: 4,
      missedBySeq: { '4': 3, '1000001': 1 },
      requests: { total: 9, withMessages: 0, empty: 0, failed: 0, reconnects: 5 },
    });
    const run = assembleRun(
      evidence({
        scenario: { ...SCENARIO, restartAtSec: 2 },
        fleet,
        // The new process counted only its own connections.
        server: serverReport({ clientToServer: 400, serverToClient: 3_000 }),
        restart: { expectedSeqs: [1, 2, 3, 4, 1_000_001, 1_000_002, 1_000_003, 1_000_004, 1_000_005, 1_000_006], publishedBeforeKill: [1, 2, 3, 4] },
      }),
    );
    expect(run.problems).toEqual([]);
    expect(run.warnings).toEqual([{ code: 'server-replaced', atSec: 2, serverProcesses: 1 }]);
    expect(run.restart).toEqual({
      atSec: 2,
      publishedBeforeKill: 4,
      lost: [
        { seq: 4, clients: 3 },
        { seq: 1_000_001, clients: 1 },
      ],
      reconnects: 5,
    });
    // Messages lost to a restart are lost: the run is invalid through its missed count, not through a problem.
    expect(isValidRun(run)).toBe(false);
  });

  it('gives the memory per connection only from 1,000 connections on, and only with both samples', () => {
    const sampled = (connections: number, connected?: number) =>
      serverReport(undefined, { rssBeforeClientsBytes: 40_000_000, rssConnectedBytes: connected, connectionsAtRssSample: connections });
    expect(assembleRun(evidence({ server: sampled(1_000, 60_480_000) })).server.rssPerConnectionBytes).toBe(20_480);
    expect(assembleRun(evidence({ server: sampled(2_500, 45_000_001) })).server.rssPerConnectionBytes).toBe(2_000);
    expect(assembleRun(evidence({ server: sampled(999, 60_480_000) })).server.rssPerConnectionBytes).toBeUndefined();
    expect(assembleRun(evidence({ server: sampled(1_000) })).server.rssPerConnectionBytes).toBeUndefined();
  });

  it('warns when the load generator, not the server, was saturated', () => {
    const run = assembleRun(
      evidence({
        schedule: { published: 10, lastSeq: 10, latePublishes: 0, maxLagMs: 3, load: load(300) },
        fleet: fleetReport({ load: [load(950)] }),
      }),
    );
    const reason = { code: 'generator-saturated', processes: [{ process: { kind: 'client', number: 1 }, cpuShare: 0.95 }] };
    expect(run.bottleneck).toEqual({ verdict: 'load-generator', reason });
    expect(run.warnings).toEqual([{ code: 'load-generator-bound', reason }]);
    expect(isValidRun(run)).toBe(true);
  });

  it('judges a saturated server without a warning: those are the server’s figures', () => {
    const run = assembleRun(
      evidence({
        schedule: { published: 10, lastSeq: 10, latePublishes: 0, maxLagMs: 3, load: load(950) },
        fleet: fleetReport({ load: [load(100)] }),
      }),
    );
    expect(run.bottleneck?.verdict).toBe('server');
    expect(run.warnings).toEqual([]);
  });
});

describe('the load generator’s requests per second of CPU', () => {
  it('is written into the run from the steady window: requests over the clients’ CPU then', () => {
    // 3,000 requests for 187.5 ms of client CPU: 16,000 a CPU-second.
    const steady = { windowMs: 5_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 3_000, clientCpuMs: 187.5 };
    const run = assembleRun(evidence({ fleet: fleetReport({ steady }) }));
    expect(run.clientProcesses.requestsPerCpuSecond).toBe(16_000);
    expect(run.steady).toEqual(steady);
  });

  it('is left out when no request was sent in the window, or its CPU was not recorded', () => {
    const quiet = { windowMs: 5_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 0, clientCpuMs: 40 };
    expect(assembleRun(evidence({ fleet: fleetReport({ steady: quiet }) })).clientProcesses).not.toHaveProperty('requestsPerCpuSecond');
    const older = { windowMs: 5_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 3_000 };
    expect(assembleRun(evidence({ fleet: fleetReport({ steady: older }) })).clientProcesses).not.toHaveProperty('requestsPerCpuSecond');
  });
});

describe('failedRun', () => {
  it('is an invalid run of zeros that says why it could not be measured', () => {
    const run = failedRun(WebSocketStrategy.info, SCENARIO, 1_234.6, 'server process exited (code 1)');
    expect(run.problems).toEqual([{ code: 'not-measured', reason: 'server process exited (code 1)' }]);
    expect(run.warnings).toEqual([]);
    expect(run.wallTimeMs).toBe(1_235);
    expect(run.messages.delivered).toBe(0);
    expect(isValidRun(run)).toBe(false);
  });
});
