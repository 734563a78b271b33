import { describe, expect, it } from 'vitest';
import { nextSearchStep, searchCapacity, type CapacitySearchPlan } from '../../../bench/plan/capacity-search.js';

const PLAN: CapacitySearchPlan = { startClients: 1_000, maxClients: 10_000, resolution: 250, maxSteps: 10 };

/** A monotone measure: every size up to `boundary` passes. */
const upTo = (boundary: number) => (clients: number) => Promise.resolve(clients <= boundary);

describe('searchCapacity', () => {
  it('doubles until a step fails, then bisects on the resolution grid down to the boundary', async () => {
    const { steps, outcome } = await searchCapacity(PLAN, upTo(5_300));
    expect(steps.map((s) => s.clients)).toEqual([1_000, 2_000, 4_000, 8_000, 6_000, 5_000, 5_500, 5_250]);
    expect(steps.map((s) => s.passed)).toEqual([true, true, true, false, false, true, false, true]);
    expect(outcome).toEqual({ capacity: 5_250, failedAt: 5_500, stoppedBy: 'boundary' });
  });

  it('stops at the largest size allowed when every step passes', async () => {
    const { steps, outcome } = await searchCapacity(PLAN, upTo(1_000_000));
    expect(steps.map((s) => s.clients)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(outcome).toEqual({ capacity: 10_000, stoppedBy: 'max-clients' });
  });

  it('goes down from the first size when it fails, to a capacity of 0 below the resolution', async () => {
    const { steps, outcome } = await searchCapacity(PLAN, upTo(0));
    expect(steps.map((s) => s.clients)).toEqual([1_000, 500, 250]);
    expect(outcome).toEqual({ capacity: 0, failedAt: 250, stoppedBy: 'below-resolution' });
  });

  it('never takes more than maxSteps steps, and says so', async () => {
    const { steps, outcome } = await searchCapacity({ ...PLAN, maxSteps: 5 }, upTo(5_300));
    expect(steps).toHaveLength(5);
    expect(outcome).toEqual({ capacity: 4_000, failedAt: 6_000, stoppedBy: 'max-steps' });
  });

  it('finds every boundary of a monotone measure within the resolution, in at most 4 + log2(range / resolution) steps', async () => {
    for (let boundary = 300; boundary <= 9_900; boundary += 700) {
      const { steps, outcome } = await searchCapacity(PLAN, upTo(boundary));
      expect(outcome.capacity).toBeLessThanOrEqual(boundary);
      expect(boundary - outcome.capacity).toBeLessThan(PLAN.resolution);
      expect(steps.length).toBeLessThanOrEqual(4 + Math.ceil(Math.log2(PLAN.maxClients / PLAN.resolution)));
    }
  });
});

describe('nextSearchStep', () => {
  it('keeps the capacity below the smallest failure when a noisy measure passes above it', () => {
    const steps = [
      { clients: 1_000, passed: true },
      { clients: 2_000, passed: false },
      { clients: 1_500, passed: true },
      { clients: 4_000, passed: true },
    ];
    expect(nextSearchStep(PLAN, steps)).toEqual({ clients: 1_750 });
    expect(nextSearchStep(PLAN, [...steps, { clients: 1_750, passed: true }])).toEqual({
      done: { capacity: 1_750, failedAt: 2_000, stoppedBy: 'boundary' },
    });
  });
});
