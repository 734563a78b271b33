import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../results/results.js';
import { gapShare, latencyModel } from '../../reports/network-model.js';

const BASE: Scenario = {
  clients: 100,
  ratePerSec: 8,
  durationSec: 10,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 1,
  delayMs: 50,
};

describe('the latency model beside the measurement', () => {
  it('puts WebSocket (any persistent push) at one one-way delay', () => {
    expect(latencyModel('persistent', BASE)).toMatchObject({ p50Ms: 50, meanMs: 50, p99Ms: 50, maxMs: 50, note: null });
  });

  it('puts short polling at half an interval plus one delay, up to a whole interval plus one delay', () => {
    expect(latencyModel('request-per-poll', BASE)).toMatchObject({ p50Ms: 550, meanMs: 550, p99Ms: 1040, maxMs: 1050, note: null });
  });

  it('stretches the short-poll interval when a round trip is longer than it (the skipped ticks)', () => {
    const model = latencyModel('request-per-poll', { ...BASE, pollIntervalMs: 80 });
    // A 100 ms round trip misses the tick at 80 ms: a poll every 160 ms.
    expect(model).toMatchObject({ p50Ms: 130, meanMs: 130, maxMs: 210 });
    expect(model.note).toBe('a round trip (100 ms) longer than the interval skips ticks: polls every 160 ms');
  });

  it('puts long polling at one delay when held and up to three in the re-request gap (RFC 6202 §2.2)', () => {
    // λ = 8/s, gap 2d = 0.1 s: 0.8 messages per gap; f = 0.8 / (0.8 + e^-0.8)
    const f = 0.8 / (0.8 + Math.exp(-0.8));
    expect(gapShare(BASE, 50)).toBeCloseTo(f, 12);
    const model = latencyModel('held-request', BASE);
    expect(model.meanMs).toBeCloseTo(50 * (1 + f), 9);
    // p50 falls in the uniform part: d + 2d·(0.5 − (1 − f)) / f
    expect(model.p50Ms).toBeCloseTo(50 + (100 * (0.5 - (1 - f))) / f, 9);
    expect(model.p99Ms).toBeCloseTo(50 + (100 * (0.99 - (1 - f))) / f, 9);
    expect(model.maxMs).toBe(150);
  });

  it('keeps long polling at one delay when messages are rarer than a round trip', () => {
    expect(gapShare({ ratePerSec: 1, arrivals: 'fixed' }, 50)).toBe(0);
    expect(gapShare({ ratePerSec: 20, arrivals: 'fixed' }, 50)).toBe(1);
    expect(gapShare({ ratePerSec: 8, arrivals: 'poisson' }, 0)).toBe(0);
    const rare = latencyModel('held-request', { ...BASE, ratePerSec: 1, arrivals: 'fixed' });
    expect(rare).toMatchObject({ p50Ms: 50, meanMs: 50, p99Ms: 50, maxMs: 50 });
    expect(rare.note).toBe('fixed arrivals: a gap holds a message only when the period is shorter than 2d');
  });

  it('notes what it leaves out', () => {
    expect(latencyModel('persistent', { ...BASE, jitterMs: 10, bandwidthBytesPerSec: 1000 }).note).toBe(
      'jitter ±10 ms spreads each transit around d without moving its mean; the bandwidth cap adds transmission time the model leaves out',
    );
  });
});
