import { describe, expect, it } from 'vitest';
import { CLOCK_SAMPLES, ClockOffset } from '../../../clients/browser/clock.js';

/** An exchange with a server whose clock is `offset` ahead, read `serverAfter` ms after the request left. */
function exchange(sentAt: number, roundTripMs: number, offset: number, serverAfter = roundTripMs / 2) {
  return { sentAt, receivedAt: sentAt + roundTripMs, serverNow: sentAt + serverAfter + offset };
}

describe('the clock offset, estimated the NTP way', () => {
  it('is 0 with no exchange yet, and has no round trip', () => {
    const clock = new ClockOffset();
    expect(clock.offsetMs).toBe(0);
    expect(clock.roundTripMs).toBeNull();
    expect(clock.samples).toBe(0);
  });

  it('takes server time − (sent + round trip / 2): exact when the server read its clock half-way', () => {
    const clock = new ClockOffset();
    clock.add(exchange(1_000, 4, 250));
    expect(clock.offsetMs).toBe(250);
    expect(clock.roundTripMs).toBe(4);
  });

  it('keeps the exchange with the lowest round trip: one slow first request does not set the offset', () => {
    const clock = new ClockOffset();
    // A page still loading: 40 ms, the server read its clock at once, so the midpoint is 20 ms off.
    clock.add(exchange(1_000, 40, 250, 0));
    expect(clock.offsetMs).toBe(230);
    clock.add(exchange(1_100, 6, 250, 1));
    clock.add(exchange(1_200, 1, 250, 0.5));
    clock.add(exchange(1_300, 3, 250, 3));
    expect(clock.roundTripMs).toBe(1);
    expect(clock.offsetMs).toBe(250);
    // Its error is never more than half its round trip, whenever the server read its clock.
    for (const serverAfter of [0, 0.25, 1]) {
      const one = new ClockOffset();
      one.add(exchange(0, 1, 250, serverAfter));
      expect(Math.abs(one.offsetMs - 250)).toBeLessThanOrEqual(0.5);
    }
  });

  it('chooses among the latest exchanges only, so that it follows clocks that drift apart', () => {
    const clock = new ClockOffset();
    clock.add(exchange(0, 0.5, 100));
    for (let i = 1; i < CLOCK_SAMPLES; i++) clock.add(exchange(i * 1_000, 2, 100 + i));
    expect(clock.samples).toBe(CLOCK_SAMPLES);
    expect(clock.offsetMs).toBe(100);
    // One more: the fastest exchange, now the oldest, leaves the window; the next fastest (the first of the ties) decides.
    clock.add(exchange(CLOCK_SAMPLES * 1_000, 2, 100 + CLOCK_SAMPLES));
    expect(clock.samples).toBe(CLOCK_SAMPLES);
    expect(clock.roundTripMs).toBe(2);
    expect(clock.offsetMs).toBe(101);
  });

  it('treats an answer stamped before its request as a round trip of 0, never a negative one', () => {
    const clock = new ClockOffset();
    clock.add({ sentAt: 10, receivedAt: 9, serverNow: 60 });
    expect(clock.roundTripMs).toBe(0);
    expect(clock.offsetMs).toBe(50);
  });
});
