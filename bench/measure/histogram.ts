import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../../results/results.js';

export type Histogram = hdr.Histogram;

/**
 * Every latency histogram of the bench is made here, with the same bounds, so that histograms from several
 * client processes (or machines) can be merged exactly. Values are integer microseconds; one hour is the
 * ceiling, far past any timeout of a run.
 */
export function createLatencyHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3.6e9, numberOfSignificantValueDigits: 3 });
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded);
}

/** Sums encoded histograms into a fresh one; counts add up exactly, percentiles are those of the union. */
export function mergeEncodedHistograms(encoded: readonly string[]): Histogram {
  const merged = createLatencyHistogram();
  for (const part of encoded) merged.add(decodeHistogram(part));
  return merged;
}

/** Percentiles are HDR's highest equivalent values: within 0.1 % of the recorded ones, never below them. */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
  return {
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
    mean: Math.round(histogram.mean),
    count,
  };
}

/** Client receive time minus publish time, both in milliseconds, as integer microseconds (clock skew clamps to 0). */
export function latencyUs(publishedAtMs: number, receivedAtMs: number): number {
  return Math.max(0, Math.round((receivedAtMs - publishedAtMs) * 1000));
}
