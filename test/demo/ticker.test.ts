import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ticker } from '../../servers/demo/ticker.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Ticker', () => {
  it('publishes at the set rate, stops when paused or at rate 0, and re-times on a new rate', () => {
    vi.useFakeTimers();
    const published: string[] = [];
    const ticker = new Ticker((text) => published.push(text));
    ticker.configure(2, false);
    vi.advanceTimersByTime(499);
    expect(published).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(published).toEqual(['tick 1']);
    vi.advanceTimersByTime(1_000);
    expect(published).toEqual(['tick 1', 'tick 2', 'tick 3']);
    ticker.configure(2, true);
    vi.advanceTimersByTime(10_000);
    expect(published).toHaveLength(3);
    ticker.configure(0.2, false);
    vi.advanceTimersByTime(5_000);
    expect(published).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4']);
    ticker.configure(0, false);
    vi.advanceTimersByTime(60_000);
    expect(published).toHaveLength(4);
    ticker.stop();
  });
});
