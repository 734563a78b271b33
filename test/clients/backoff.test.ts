import { describe, expect, it } from 'vitest';
import { BACKOFF_POLICIES, reconnectDelayMs } from '../../clients/backoff.js';

describe('reconnectDelayMs', () => {
  it('none: the minimum every time, however many failures', () => {
    expect([0, 1, 5, 50].map((f) => reconnectDelayMs('none', f, 50, 2_000, () => 0.9))).toEqual([50, 50, 50, 50]);
  });

  it('exponential: the minimum doubled per failure up to the cap, with no randomness', () => {
    expect([0, 1, 2, 5, 6, 1_100].map((f) => reconnectDelayMs('exponential', f, 50, 2_000, () => 0.9))).toEqual([50, 100, 200, 1_600, 2_000, 2_000]);
  });

  it('full jitter: a draw from zero up to the exponential ceiling', () => {
    expect(reconnectDelayMs('full-jitter', 0, 50, 2_000, () => 0)).toBe(0);
    expect(reconnectDelayMs('full-jitter', 3, 50, 2_000, () => 0.5)).toBe(200);
    expect(reconnectDelayMs('full-jitter', 10, 50, 2_000, () => 0.25)).toBe(500);
  });

  it('names the three policies the bench accepts', () => {
    expect(BACKOFF_POLICIES).toEqual(['none', 'exponential', 'full-jitter']);
  });
});
