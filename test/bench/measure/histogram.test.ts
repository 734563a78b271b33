import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  latencyUs,
  mergeEncodedHistograms,
  summarizeLatency,
} from '../../../bench/measure/histogram.js';
import { mergeFleetReports, noFaults, type FleetReport } from '../../../bench/fleet/client-fleet.js';

/** Values below 2,048 are recorded exactly at 3 significant digits, so the expected figures are exact. */
function histogramOf(values: number[]) {
  const histogram = createLatencyHistogram();
  for (const value of values) histogram.recordValue(value);
  return histogram;
}

describe('latency histograms', () => {
  it('survive encode → decode with every count', () => {
    const decoded = decodeHistogram(encodeHistogram(histogramOf([1, 2, 3, 1000, 1000, 250_000])));
    expect(decoded.totalCount).toBe(6);
    expect(decoded.maxValue).toBe(250_111); // highest value equivalent to 250,000 at 3 significant digits
    expect(decoded.getValueAtPercentile(50)).toBe(3);
  });

  it('merge exactly: counts add up and percentiles are those of the union', () => {
    const low = histogramOf(Array.from({ length: 100 }, (_, i) => i + 1)); // 1..100 µs, exact below 2048
    const high = histogramOf(Array.from({ length: 100 }, (_, i) => i + 101)); // 101..200 µs
    const merged = mergeEncodedHistograms([encodeHistogram(low), encodeHistogram(high)]);
    expect(merged.totalCount).toBe(200);
    expect(merged.getValueAtPercentile(50)).toBe(100);
    expect(merged.getValueAtPercentile(99)).toBe(198);
    expect(merged.maxValue).toBe(200);
    expect(summarizeLatency(merged)).toEqual({ p50: 100, p90: 180, p99: 198, p999: 200, max: 200, mean: 101, count: 200 });
  });

  it('summarise an empty histogram as zeros', () => {
    expect(summarizeLatency(createLatencyHistogram())).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
  });

  it('record latency as integer microseconds, clamping clock skew to zero', () => {
    expect(latencyUs(1_000.25, 1_001.5)).toBe(1_250);
    expect(latencyUs(1_000, 1_000.0004)).toBe(0);
    expect(latencyUs(1_000, 999.9)).toBe(0);
  });
});

describe('mergeFleetReports', () => {
  function fleet(values: number[], overrides: Partial<FleetReport>): FleetReport {
    return {
      clients: 2,
      latencyHistogram: encodeHistogram(histogramOf(values)),
      delivered: values.length,
      missed: 0,
      duplicated: 0,
      outOfOrder: 0,
      gaps: 0,
      missedBySeq: {},
      requests: { total: 10, withMessages: 4, empty: 6, failed: 0, reconnects: 0 },
      bytesClientToServer: 1000,
      bytesServerToClient: 3000,
      connectionsOpened: 2,
      cpuMs: 12.5,
      faults: noFaults(),
      ...overrides,
    };
  }

  it('sums the counters of client processes and merges their histograms', () => {
    const merged = mergeFleetReports([
      fleet([10, 20, 30], {
        missed: 1,
        missedBySeq: { '3': 1 },
        faults: { ...noFaults(), missed: { clients: 1, examples: [{ client: 1, missed: 1, firstSeqs: [3] }] } },
      }),
      fleet([40], { missedBySeq: { '3': 2, '5': 1 }, requests: { total: 5, withMessages: 1, empty: 3, failed: 1, reconnects: 1 }, cpuMs: 7.5 }),
    ]);
    expect(merged).toMatchObject({
      clients: 4,
      delivered: 4,
      missed: 1,
      missedBySeq: { '3': 3, '5': 1 },
      requests: { total: 15, withMessages: 5, empty: 9, failed: 1, reconnects: 1 },
      bytesClientToServer: 2000,
      bytesServerToClient: 6000,
      connectionsOpened: 4,
      cpuMs: 20,
      faults: { ...noFaults(), missed: { clients: 1, examples: [{ client: 1, missed: 1, firstSeqs: [3] }] } },
    });
    expect(summarizeLatency(decodeHistogram(merged.latencyHistogram))).toEqual({
      p50: 20,
      p90: 40,
      p99: 40,
      p999: 40,
      max: 40,
      mean: 25,
      count: 4,
    });
  });
});
