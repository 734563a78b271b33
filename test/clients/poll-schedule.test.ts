import { describe, expect, it } from 'vitest';
import { nextPollDelayMs } from '../../clients/poll-schedule.js';

describe('the short-polling schedule', () => {
  it('is drift-free: a late tick is followed by a shorter wait, back on the interval’s beat', () => {
    expect(nextPollDelayMs(1_000, 1_000, 1_000)).toBe(1_000);
    // Ran 80 ms late: the next poll is still due at 3,000.
    expect(nextPollDelayMs(1_000, 2_080, 1_000)).toBe(920);
  });

  it('takes a tick that fires a little early for its own beat, not the one before', () => {
    expect(nextPollDelayMs(1_000, 1_999.75, 1_000)).toBe(1_000.25);
  });

  it('skips a beat missed by more than half an interval rather than making it up', () => {
    expect(nextPollDelayMs(1_000, 3_400, 1_000)).toBe(600);
    expect(nextPollDelayMs(1_000, 3_600, 1_000)).toBe(1_400);
  });

  it('never waits before the first poll’s moment', () => {
    expect(nextPollDelayMs(1_000, 900, 1_000)).toBe(1_000);
  });
});
