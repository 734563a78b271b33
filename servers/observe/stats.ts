import { EventEmitter } from 'node:events';
import type { ConnectionCounters } from '../http/http1-connections.js';
import type { Http2Counters } from '../http2/front.js';
import type { SessionBudgetCounters } from '../http2/session-budget.js';
import type { ByteCounts, ConnectionCounts } from '../contract/byte-counts.js';
import type { ByteLedger } from '../wire/byte-ledger.js';
import type { ServerStrategy } from '../strategy.js';

/** What /api/stats reports for one strategy. */
export interface StrategyCounters {
  /** Requests accepted (a WebSocket handshake counts as one). */
  requests: number;
  withMessages: number;
  empty: number;
  /** Requests refused with a 4xx/5xx. */
  failed: number;
  /** The same refusals by HTTP status, e.g. {"400": 3, "503": 1}. */
  failedByStatus: Record<string, number>;
  /** Clients cut off at the send-buffer limit. */
  cut: number;
  /** Bytes queued in user space for this strategy's clients right now. */
  bufferedBytes: number;
  /** Messages sent, in answers and in pushed frames. */
  messagesSent: number;
  /** Bytes of the HTTP answers' bodies the strategy reported (its polls'): the rest of its answers is their heads. */
  answerBodyBytes: number;
  /** Clients attached now: held long polls, open WebSockets. */
  attached: number;
  attachedPeak: number;
  connections: ConnectionCounts;
  bytes: ByteCounts;
}

export type { ConnectionCounters, Http2Counters };

export interface ServerStats {
  uptimeMs: number;
  source: { head: number; oldest: number; ringSize: number };
  strategies: Record<string, StrategyCounters>;
  /**
   * Publish, stats and unknown-route traffic, kept out of every strategy's bytes; its failures include the
   * requests refused before any route (400 garbage, 408 too slow, 431 headers too large).
   */
  control: { bytes: ByteCounts; connections: ConnectionCounts; failedByStatus: Record<string, number> };
  http: ConnectionCounters;
  /** The HTTP/2 front (sessions, broken ones) and the session budgets. */
  http2: Http2Counters & SessionBudgetCounters;
  process: { cpuUserUs: number; cpuSystemUs: number; rssBytes: number; peakRssBytes: number };
}

type EventCounters = Omit<StrategyCounters, 'connections' | 'bytes' | 'bufferedBytes'>;

/** The one tally of refusals, a strategy's or control's, fed by their 'failed' events (see servers/http/errors.ts). */
function countFailure(counters: { failed?: number; failedByStatus: Record<string, number> }, status: number): void {
  if (counters.failed !== undefined) counters.failed++;
  counters.failedByStatus[status] = (counters.failedByStatus[status] ?? 0) + 1;
}

/**
 * Control traffic (the API, the demo, unknown routes, requests refused before any route) as the error path sees
 * a strategy: something that emits 'failed' for each refusal, here counted into `control.failedByStatus`.
 */
export class ControlTraffic extends EventEmitter<{ failed: [status: number] }> {
  readonly info = { name: 'control' } as const;
  private readonly counters = { failedByStatus: {} as Record<string, number> };

  constructor() {
    super();
    this.on('failed', (status) => countFailure(this.counters, status));
  }

  failedByStatus(): Record<string, number> {
    return { ...this.counters.failedByStatus };
  }
}

/** Listens to one strategy's events and keeps its counters; the strategy never touches them. */
export class StrategyStats {
  private readonly counters: EventCounters = {
    requests: 0,
    withMessages: 0,
    empty: 0,
    failed: 0,
    failedByStatus: {},
    cut: 0,
    messagesSent: 0,
    answerBodyBytes: 0,
    attached: 0,
    attachedPeak: 0,
  };

  constructor(
    private readonly strategy: ServerStrategy,
    private readonly ledger: ByteLedger,
  ) {
    const c = this.counters;
    strategy.on('request', () => c.requests++);
    strategy.on('response', (count, bodyBytes) => {
      if (count > 0) c.withMessages++;
      else c.empty++;
      c.messagesSent += count;
      c.answerBodyBytes += bodyBytes ?? 0;
    });
    strategy.on('push', (count) => (c.messagesSent += count));
    strategy.on('failed', (status) => countFailure(c, status));
    strategy.on('cut', () => c.cut++);
    strategy.on('attach', () => {
      c.attached++;
      c.attachedPeak = Math.max(c.attachedPeak, c.attached);
    });
    strategy.on('detach', () => c.attached--);
  }

  snapshot(): StrategyCounters {
    const name = this.strategy.info.name;
    return {
      ...this.counters,
      failedByStatus: { ...this.counters.failedByStatus },
      bufferedBytes: this.strategy.bufferedBytes(),
      connections: this.ledger.connectionCounts(name),
      bytes: this.ledger.totalsFor(name),
    };
  }
}
