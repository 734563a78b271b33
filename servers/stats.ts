import type { ByteCounts, ConnectionCounts } from './contract/byte-counts.js';
import type { ByteLedger } from './byte-ledger.js';
import type { ServerStrategy } from './strategy.js';

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
  /** Clients attached now: held long polls, open WebSockets. */
  attached: number;
  attachedPeak: number;
  connections: ConnectionCounts;
  bytes: ByteCounts;
}

/** What happened to HTTP connections beside any one strategy's counters (servers/http/http1-connections.ts). */
export interface ConnectionCounters {
  /** Requests pipelined behind an event stream: never answered; the connection was closed instead. */
  pipelinedBehindStream: number;
  /** Long polls sent on a connection that already held one: answered at once with what there was, not held. */
  longPollsNotHeld: number;
  /** Requests that waited because their connection's unsent answers were over the send budget. */
  waitedForSendBudget: number;
  /**
   * Bytes of answer bodies written on the lean path and not yet handed to the kernel, over every connection,
   * now: each connection's stay under the send budget plus one answer.
   */
  queuedAnswerBytes: number;
  /** Idle keep-alive connections closed because the connection limit was near. */
  idleClosedNearLimit: number;
  /** Connections over the limit: accepted by the kernel, then closed at once. */
  droppedOverLimit: number;
}

/** HTTP/2 cleartext on the HTTP/1.1 port (servers/http2-front.ts), beside any one strategy's counters. */
export interface Http2Counters {
  /** Sessions accepted since the start: every connection whose first bytes were "PRI", a broken preface's too. */
  sessionsOpened: number;
  /** Sessions open now. */
  openSessions: number;
  /** Sessions that closed without a single stream: a wrong preface, a malformed first frame, a client that asked nothing. */
  closedBeforeAnyStream: number;
  /** Connections closed because they had not shown their protocol (three bytes) within the header timeout. */
  refusedSockets: number;
}

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
  http2: Http2Counters;
  process: { cpuUserUs: number; cpuSystemUs: number; rssBytes: number; peakRssBytes: number };
}

type EventCounters = Omit<StrategyCounters, 'connections' | 'bytes' | 'bufferedBytes'>;

export function countStatus(byStatus: Record<string, number>, status: number): void {
  byStatus[status] = (byStatus[status] ?? 0) + 1;
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
    attached: 0,
    attachedPeak: 0,
  };

  constructor(
    private readonly strategy: ServerStrategy,
    private readonly ledger: ByteLedger,
  ) {
    const c = this.counters;
    strategy.on('request', () => c.requests++);
    strategy.on('response', (count) => {
      if (count > 0) c.withMessages++;
      else c.empty++;
      c.messagesSent += count;
    });
    strategy.on('push', (count) => (c.messagesSent += count));
    strategy.on('failed', (status) => {
      c.failed++;
      countStatus(c.failedByStatus, status);
    });
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
