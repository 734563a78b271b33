import type { TickPayload } from '../contract/demo-protocol.js';

/**
 * The demo's automatic publisher: a message at a fixed rate, so that the room sees the lanes react without
 * anyone typing. Fixed intervals rather than random arrivals: a class can count along. Each message is
 * `{ "tick": n }`, which the page words in its own language.
 */
export class Ticker {
  private timer?: NodeJS.Timeout;
  private count = 0;
  private intervalMs = 0;

  constructor(private readonly publish: (payload: TickPayload) => void) {}

  /** Starts, re-times or stops the ticker; a rate of 0 or `paused` stops it. */
  configure(ratePerSecond: number, paused: boolean): void {
    const intervalMs = paused || ratePerSecond <= 0 ? 0 : 1_000 / ratePerSecond;
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    clearInterval(this.timer);
    this.timer = undefined;
    if (intervalMs > 0) this.timer = setInterval(() => this.publish({ tick: ++this.count }), intervalMs);
  }

  stop(): void {
    this.configure(0, true);
  }
}
