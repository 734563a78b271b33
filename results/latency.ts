/** A latency distribution as results.json keeps it: integer microseconds. */

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Samples recorded (for a run's latency, one per delivered message). */
  count: number;
}
