/**
 * The offset of the server's clock from this page's, estimated the NTP way: the server reads its clock somewhere
 * inside each exchange, so an exchange of round trip r bounds the offset within ±r/2 around server time − (sent +
 * r/2). Of the last few exchanges the one with the lowest round trip bounds it best; a single slow one (the first
 * request of a page still loading) would put a latency of a few milliseconds off by tens. Pure, so it is tested
 * without a browser.
 */

/** Exchanges taken at start, and how many of the latest the estimate keeps choosing from. */
export const CLOCK_SAMPLES = 8;

export interface ClockExchange {
  /** This page's clock when the request left and when the answer arrived, ms. */
  sentAt: number;
  receivedAt: number;
  /** The server's clock in the answer, ms. */
  serverNow: number;
}

interface Estimate {
  roundTripMs: number;
  offsetMs: number;
}

export class ClockOffset {
  private readonly recent: Estimate[] = [];

  constructor(private readonly kept = CLOCK_SAMPLES) {}

  add({ sentAt, receivedAt, serverNow }: ClockExchange): void {
    const roundTripMs = Math.max(0, receivedAt - sentAt);
    this.recent.push({ roundTripMs, offsetMs: serverNow - (sentAt + roundTripMs / 2) });
    // Only the latest are kept: the clocks of two devices drift apart, so an old exchange says less and less.
    if (this.recent.length > this.kept) this.recent.shift();
  }

  /** Exchanges the estimate chooses from. */
  get samples(): number {
    return this.recent.length;
  }

  private best(): Estimate | undefined {
    return this.recent.reduce<Estimate | undefined>((best, e) => (best === undefined || e.roundTripMs < best.roundTripMs ? e : best), undefined);
  }

  /** Server clock minus this page's, ms: add it to a time of this page to compare with a server time. 0 before any exchange. */
  get offsetMs(): number {
    return this.best()?.offsetMs ?? 0;
  }

  /** The round trip of the exchange the estimate comes from: the offset is right within half of it. Null before any. */
  get roundTripMs(): number | null {
    return this.best()?.roundTripMs ?? null;
  }
}
