import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../../../bench/plan/random.js';
import { LATE_PUBLISH_MS, playSchedule, pollPhases, publishSchedule } from '../../../bench/plan/schedule.js';

describe('publishSchedule', () => {
  const poisson = { ratePerSec: 0.5, durationSec: 8, arrivals: 'poisson' as const, seed: 2 };

  it('gives identical times for the same seed', () => {
    expect(publishSchedule(poisson)).toEqual(publishSchedule({ ...poisson }));
  });

  it('gives other times for another seed', () => {
    expect(publishSchedule({ ...poisson, seed: 3 })).not.toEqual(publishSchedule(poisson));
  });

  it('keeps Poisson times strictly inside [0, duration) and increasing', () => {
    const times = publishSchedule({ ratePerSec: 50, durationSec: 20, arrivals: 'poisson', seed: 7 });
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times.at(-1)).toBeLessThan(20_000);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    // 1,000 expected; a Poisson count is within ±4 standard deviations (±126) for any sane generator.
    expect(Math.abs(times.length - 1000)).toBeLessThan(126);
  });

  it('pins the quick preset schedule (seed 2: exactly the expected 4 messages in 8 s)', () => {
    expect(publishSchedule(poisson).map(Math.round)).toEqual([2650, 3436, 4108, 5652]);
  });

  it('gives floor(rate × duration) fixed-rate messages, message k at k / rate', () => {
    expect(publishSchedule({ ratePerSec: 5, durationSec: 2, arrivals: 'fixed', seed: 1 })).toEqual([
      0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800,
    ]);
    expect(publishSchedule({ ratePerSec: 0.3, durationSec: 10, arrivals: 'fixed', seed: 1 })).toHaveLength(3);
    // In binary floating point 0.29 × 100 is 28.999999999999996 and 0.57 × 100 is 56.99999999999999.
    expect(publishSchedule({ ratePerSec: 0.29, durationSec: 100, arrivals: 'fixed', seed: 1 })).toHaveLength(29);
    expect(publishSchedule({ ratePerSec: 0.57, durationSec: 100, arrivals: 'fixed', seed: 1 })).toHaveLength(57);
    expect(publishSchedule({ ratePerSec: 0.01, durationSec: 10, arrivals: 'fixed', seed: 1 })).toEqual([]);
  });

  it('does not depend on the seed for fixed arrivals', () => {
    const fixed = { ratePerSec: 3, durationSec: 4, arrivals: 'fixed' as const };
    expect(publishSchedule({ ...fixed, seed: 1 })).toEqual(publishSchedule({ ...fixed, seed: 99 }));
  });
});

describe('pollPhases', () => {
  it('draws one phase per client in [0, interval), the same for the same seed', () => {
    const phases = pollPhases(2, 100, 1000);
    expect(phases).toHaveLength(100);
    expect(phases).toEqual(pollPhases(2, 100, 1000));
    for (const phase of phases) {
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(1000);
    }
  });

  it('keeps the first clients’ phases when more clients are added', () => {
    expect(pollPhases(2, 150, 1000).slice(0, 100)).toEqual(pollPhases(2, 100, 1000));
  });

  it('spreads the starts over clients / rate seconds with a connect rate, about rate a second', () => {
    // 10,000 clients at 1,000 a second: 10 s of ramp.
    const phases = pollPhases(2, 10_000, 1000, 1_000);
    expect(Math.max(...phases)).toBeLessThan(10_000);
    expect(Math.max(...phases)).toBeGreaterThan(9_900);
    const perSecond = Array.from({ length: 10 }, (_, s) => phases.filter((p) => p >= s * 1000 && p < (s + 1) * 1000).length);
    for (const count of perSecond) {
      expect(count).toBeGreaterThan(900);
      expect(count).toBeLessThan(1_100);
    }
    // The same draws, scaled: the order of the clients' starts is the seed's.
    expect(phases.map((p) => p / 10)).toEqual(pollPhases(2, 10_000, 1000));
    // A ramp shorter than an interval: the interval, as without one.
    expect(pollPhases(2, 100, 1000, 1_000)).toEqual(pollPhases(2, 100, 1000));
  });
});

describe('mulberry32', () => {
  it('is a deterministic stream in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const drawn = Array.from({ length: 1000 }, () => a());
    expect(drawn).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...drawn)).toBeLessThan(1);
  });
});

describe('playSchedule', () => {
  it('publishes every planned message once, in order, and only then resolves', async () => {
    const published: number[] = [];
    const lateness = { latePublishes: 0, maxLagMs: 0 };
    let index = 0;
    const played = playSchedule({ offsetsMs: [0, 5, 10], durationMs: 20, startedAt: performance.now() }, lateness, () => published.push(index++));
    // The first is due at once: it goes out before playSchedule returns.
    expect(published).toEqual([0]);
    await played;
    expect(published).toEqual([0, 1, 2]);
  });

  it('publishes everything overdue at once and counts it late, never skipping one', async () => {
    const lateness = { latePublishes: 0, maxLagMs: 0 };
    let published = 0;
    // Started a second before it was played: every message is overdue by far more than LATE_PUBLISH_MS.
    const startedAt = performance.now() - 1_000;
    await playSchedule({ offsetsMs: [0, 100, 200], durationMs: 300, startedAt }, lateness, () => published++);
    expect(published).toBe(3);
    expect(lateness.latePublishes).toBe(3);
    expect(lateness.maxLagMs).toBeGreaterThanOrEqual(1_000);
    expect(LATE_PUBLISH_MS).toBeLessThan(800);
  });
});
