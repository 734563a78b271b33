import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ticker } from '../../servers/demo/ticker.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Ticker', () => {
  it('publishes at the set rate, stops when paused or at rate 0, and re-times on a new rate', () => {
    vi.useFakeTimers();
    const published: number[] = [];
    const ticker = new Ticker((payload) => published.push(payload.tick));
    ticker.configure(2, false);
    vi.advanceTimersByTime(499);
    expect(published).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(published).toEqual([1]);
    vi.advanceTimersByTime(1_000);
    expect(published).toEqual([1, 2, 3]);
    ticker.configure(2, true);
    vi.advanceTimersByTime(10_000);
    expect(published).toHaveLength(3);
    ticker.configure(0.2, false);
    vi.advanceTimersByTime(5_000);
    expect(published).toEqual([1, 2, 3, 4]);
    ticker.configure(0, false);
    vi.advanceTimersByTime(60_000);
    expect(published).toHaveLength(4);
    ticker.stop();
  });
});
