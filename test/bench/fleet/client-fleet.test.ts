import { describe, expect, it } from 'vitest';
import { mergeFleetReports, noFaults, type FleetReport } from '../../../bench/fleet/client-fleet.js';
import { Bench } from '../../../bench/run/harness.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, summarizeLatency } from '../../../bench/measure/histogram.js';
import { isValidRun, type Scenario } from '../../../results/results.js';
import { publishSchedule } from '../../../bench/plan/schedule.js';

function report(latenciesUs: number[], overrides: Partial<FleetReport>): FleetReport {
  const histogram = createLatencyHistogram();
  for (const value of latenciesUs) histogram.recordValue(value);
  return {
    clients: 0,
    latencyHistogram: encodeHistogram(histogram),
    delivered: latenciesUs.length,
    missed: 0,
    duplicated: 0,
    outOfOrder: 0,
    gaps: 0,
    missedBySeq: {},
    requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
    bytesClientToServer: 0,
    bytesServerToClient: 0,
    connectionsOpened: 0,
    cpuMs: 0,
    faults: noFaults(),
    ...overrides,
  };
}

describe('mergeFleetReports', () => {
  it('adds the counts of every process and merges their histograms into the histogram of all samples', () => {
    const a = [1_000, 2_000, 3_000, 400_000];
    const b = [10, 20];
    const c = [5_000, 5_000, 7_777, 90_000, 1_234_567];
    const load = (cpuMs: number) => ({ cpuMs, windowMs: 1_000, eventLoopDelayP99Us: cpuMs, eventLoopDelayMaxUs: cpuMs });
    const steady = (windowMs: number, bytes: number, requests: number) => ({
      windowMs,
      bytesClientToServer: bytes,
      bytesServerToClient: 2 * bytes,
      requests,
    });
    const merged = mergeFleetReports([
      report(a, {
        clients: 3,
        missed: 1,
        missedBySeq: { 4: 1 },
        requests: { total: 10, withMessages: 4, empty: 6, failed: 0, reconnects: 0 },
        bytesClientToServer: 100,
        bytesServerToClient: 1_000,
        connectionsOpened: 3,
        cpuMs: 5,
        load: [load(5)],
        churned: 1,
        steady: steady(900, 10, 3),
      }),
      report(b, {
        clients: 3,
        duplicated: 2,
        missedBySeq: { 4: 2, 5: 1 },
        requests: { total: 7, withMessages: 2, empty: 4, failed: 1, reconnects: 1 },
        bytesClientToServer: 50,
        bytesServerToClient: 500,
        connectionsOpened: 4,
        cpuMs: 7,
        load: [load(7)],
        churned: 2,
        steady: steady(950, 20, 4),
      }),
      report(c, {
        clients: 1,
        outOfOrder: 3,
        gaps: 1,
        requests: { total: 1, withMessages: 1, empty: 0, failed: 0, reconnects: 0 },
        bytesClientToServer: 1,
        bytesServerToClient: 2,
        connectionsOpened: 1,
        cpuMs: 1,
        load: [load(1)],
        steady: steady(925, 30, 5),
      }),
    ]);
    const all = [...a, ...b, ...c];
    const expected = createLatencyHistogram();
    for (const value of all) expected.recordValue(value);
    // Compared as results.json holds it: encoded, where max is its bucket's highest equivalent value.
    expect(summarizeLatency(decodeHistogram(merged.latencyHistogram))).toEqual(summarizeLatency(decodeHistogram(encodeHistogram(expected))));
    expect(decodeHistogram(merged.latencyHistogram).totalCount).toBe(11);
    expect(merged).toMatchObject({
      clients: 7,
      delivered: 11,
      missed: 1,
      duplicated: 2,
      outOfOrder: 3,
      gaps: 1,
      missedBySeq: { 4: 3, 5: 1 },
      requests: { total: 18, withMessages: 7, empty: 10, failed: 1, reconnects: 1 },
      bytesClientToServer: 151,
      bytesServerToClient: 1_502,
      connectionsOpened: 8,
      cpuMs: 13,
      churned: 3,
      // The processes ran side by side: one window (the longest), the traffic of all.
      steady: { windowMs: 950, bytesClientToServer: 60, bytesServerToClient: 120, requests: 12 },
    });
    expect(merged.load).toEqual([load(5), load(7), load(1)]);
  });

  it('merges the faults of every process: every client counted, the lowest-numbered examples kept', () => {
    const missed = (client: number) => ({ client, missed: 2, firstSeqs: [4, 5] });
    const merged = mergeFleetReports([
      report([], {
        faults: {
          ...noFaults(),
          missed: { clients: 4, examples: [missed(1), missed(2), missed(5)] },
          gaps: { clients: 1, examples: [{ client: 0, count: 1 }] },
        },
      }),
      report([], { faults: { ...noFaults(), missed: { clients: 2, examples: [missed(6), missed(7)] } } }),
      report([], {
        faults: { ...noFaults(), missed: { clients: 1, examples: [missed(0)] }, duplicated: { clients: 1, examples: [{ client: 9, count: 3 }] } },
      }),
    ]);
    expect(merged.faults).toEqual({
      missed: { clients: 7, examples: [missed(0), missed(1), missed(2)] },
      duplicated: { clients: 1, examples: [{ client: 9, count: 3 }] },
      outOfOrder: { clients: 0, examples: [] },
      gaps: { clients: 1, examples: [{ client: 0, count: 1 }] },
    });
  });

  it('adds up the client CPU of the steady window when every process recorded it, and leaves it out otherwise', () => {
    const steady = (clientCpuMs?: number) => ({
      windowMs: 1_000,
      bytesClientToServer: 0,
      bytesServerToClient: 0,
      requests: 100,
      ...(clientCpuMs !== undefined && { clientCpuMs }),
    });
    const both = mergeFleetReports([report([], { steady: steady(12.5) }), report([], { steady: steady(7.5) })]);
    expect(both.steady).toEqual({ windowMs: 1_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 200, clientCpuMs: 20 });
    const one = mergeFleetReports([report([], { steady: steady(12.5) }), report([], { steady: steady() })]);
    expect(one.steady).toEqual({ windowMs: 1_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 200 });
  });
});

const SPREAD: Scenario = {
  clients: 7,
  ratePerSec: 4,
  durationSec: 2,
  payloadBytes: 64,
  pollIntervalMs: 250,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 3,
};

describe('clients spread over several client processes', () => {
  it('merge into one correct result', { timeout: 120_000 }, async () => {
    const bench = new Bench({
      preset: 'test',
      command: 'vitest',
      clientProcesses: 3,
      runs: ['websocket', 'short-polling'].map((strategy) => ({ strategy, scenario: SPREAD })),
    });
    const results = await bench.run();
    const published = publishSchedule(SPREAD).length;
    expect(published).toBe(8);
    for (const run of results.runs) {
      const name = run.strategy.name;
      expect(isValidRun(run), name).toBe(true);
      expect(run.clientProcesses.count, name).toBe(3);
      expect(run.messages, name).toMatchObject({ expected: 56, delivered: 56, missed: 0, duplicated: 0, outOfOrder: 0 });
      expect(run.latencyUs.count, name).toBe(56);
      expect(decodeHistogram(run.latencyHistogram).totalCount, name).toBe(56);
      expect(run.connections.opened, name).toBe(7);
      // Both ends of every connection agree on the bytes, summed over the three processes.
      expect(run.bytes.clientToServer, name).toBe(run.bytes.serverSide.clientToServer);
      expect(run.bytes.serverToClient, name).toBe(run.bytes.serverSide.serverToClient);
    }
    expect(results.runs.find((run) => run.strategy.name === 'websocket')!.requests.total).toBe(7);
  });
});
