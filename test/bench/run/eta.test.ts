import { describe, expect, it } from 'vitest';
import { ASSUMED_OVERHEAD_MS, EtaEstimator } from '../../../bench/run/eta.js';

describe('EtaEstimator', () => {
  const steps = [
    { plannedMs: 10_000, clients: 100 },
    { plannedMs: 10_000, clients: 1_000 },
    { plannedMs: 10_000, clients: 10_000 },
    { plannedMs: 6_000, clients: 0 },
  ];

  it('assumes a fixed overhead per step before any step has been timed', () => {
    const eta = new EtaEstimator(steps);
    expect(eta.remainingMs(0, 0)).toBe(36_000 + 4 * ASSUMED_OVERHEAD_MS);
    expect(eta.remainingMs(0, 3_000)).toBe(36_000 + 4 * ASSUMED_OVERHEAD_MS - 3_000);
  });

  it('learns a fixed part and a part per client from the finished steps', () => {
    const eta = new EtaEstimator(steps);
    eta.finished(0, 13_000); // 3,000 ms overhead at 100 clients
    eta.finished(1, 14_800); // 4,800 ms at 1,000 clients: 1,800 ms more, 1.8 ms per client
    // fixed 3,000 ms + 1.8 ms × 10,000 clients
    expect(eta.estimateMs(steps[2])).toBe(10_000 + 3_000 + 18_000);
    expect(eta.estimateMs(steps[3])).toBe(6_000 + 3_000);
    expect(eta.remainingMs(2, 1_000)).toBe(31_000 - 1_000 + 9_000);
  });

  it('never counts a step it is past, and never goes below zero for the current one', () => {
    const eta = new EtaEstimator(steps);
    expect(eta.remainingMs(3, 60_000)).toBe(0);
    expect(eta.remainingMs(4, 0)).toBe(0);
  });
});
