import type { ByteLedger } from '../wire/byte-ledger.js';
import { Refusal } from '../http/errors.js';
import { PAGE_ID, laneTag, parseLaneTag, type DemoState, type HandshakeCapture, type LaneName } from '../contract/demo-protocol.js';

/** A page that has not asked for its state for this long has gone (closed tab, sleeping phone). */
export const PAGE_TTL_MS = 15_000;
/** Pages tracked at once: a classroom, with room to spare; beyond it a page is told to come back later. */
export const MAX_PAGES = 500;

interface Page {
  lastSeenMs: number;
  handshakes: DemoState['handshakes'];
}

/**
 * The demo pages currently open. Each page's lanes tag their requests `client=<page>.<lane>`; while the page
 * is here, the ledger keeps those tags' bytes and the page gets its own handshakes back. Everything is
 * dropped when the page goes, so a room of phones coming and going cannot grow memory.
 */
export class DemoPages {
  private readonly pages = new Map<string, Page>();

  constructor(
    private readonly ledger: ByteLedger,
    /** The demo's lanes (servers/demo/lanes.ts): a tag naming any other is no lane's. */
    private readonly lanes: readonly LaneName[],
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Registers the page or notes that it is still here; throws 503 when the room is full. */
  touch(pageId: unknown): string {
    if (typeof pageId !== 'string' || !PAGE_ID.test(pageId)) {
      throw new Refusal('demoPageId');
    }
    const page = this.pages.get(pageId);
    if (page) {
      page.lastSeenMs = this.nowMs();
      return pageId;
    }
    this.sweep();
    if (this.pages.size >= MAX_PAGES) throw new Refusal('demoTooManyPages', { limit: MAX_PAGES });
    this.pages.set(pageId, { lastSeenMs: this.nowMs(), handshakes: {} });
    for (const lane of this.lanes) this.ledger.watchTag(laneTag(pageId, lane));
    return pageId;
  }

  /** The lane behind a `client=` tag, when it belongs to a page that is open. */
  laneOf(tag: string | undefined): LaneName | undefined {
    const parsed = tag === undefined ? undefined : parseLaneTag(tag, this.lanes);
    return parsed && this.pages.has(parsed.pageId) ? parsed.lane : undefined;
  }

  recordHandshake(tag: string | undefined, capture: HandshakeCapture): void {
    const parsed = tag === undefined ? undefined : parseLaneTag(tag, this.lanes);
    const page = parsed && this.pages.get(parsed.pageId);
    if (page) page.handshakes[parsed.lane] = capture;
  }

  bytes(pageId: string): DemoState['bytes'] {
    const out: DemoState['bytes'] = {};
    for (const lane of this.lanes) {
      const counts = this.ledger.totalsForTag(laneTag(pageId, lane));
      if (counts) out[lane] = counts;
    }
    return out;
  }

  handshakes(pageId: string): DemoState['handshakes'] {
    return { ...this.pages.get(pageId)?.handshakes };
  }

  get size(): number {
    return this.pages.size;
  }

  /** Forgets the pages not seen within the TTL. */
  sweep(): void {
    const now = this.nowMs();
    for (const [pageId, page] of this.pages) {
      if (now - page.lastSeenMs < PAGE_TTL_MS) continue;
      this.pages.delete(pageId);
      for (const lane of this.lanes) this.ledger.forgetTag(laneTag(pageId, lane));
    }
  }
}
