import http2 from 'node:http2';
import { Refusal } from '../http/errors.js';
import type { LeanRouteKind } from '../http/exchange.js';

/** What the budgets keep of a lean request on a stream (an Http2Exchange). */
export interface BudgetedExchange {
  readonly req: { readonly stream: http2.ServerHttp2Stream };
  readonly res: { readonly writableLength: number };
}

/** What one HTTP/2 session may hold at once (HTTP2_LIMITS, and the send budget of ServerLimits). */
export interface Http2SessionLimits {
  heldPolls: number;
  eventStreams: number;
  requestBodies: number;
  /** Bytes of answers a session may have queued and not yet sent; its next poll answers wait until they drain. */
  sendBufferBytes: number;
}

/** What the session budgets did, beside the 503s counted as failures (/api/stats `http2`). */
export interface SessionBudgetCounters {
  /** Poll requests that waited because their session's unsent answers were over the send budget. */
  waitedForSendBudget: number;
  /** Bytes of lean answers written on HTTP/2 and not yet sent, over every session, now. */
  queuedAnswerBytes: number;
}

/**
 * The budgets of every HTTP/2 session: what an HTTP/1.1 connection is held to by carrying one request at a time,
 * a session is held to by count. Each session may have at most `heldPolls` long polls held, `eventStreams`
 * event streams open and `requestBodies` bodies arriving (one more of each: 503 with Retry-After), and its
 * unsent answers count against one send budget, as an HTTP/1.1 connection's do: a poll answer on a session
 * over it waits (in order, not read from the stream until then) until the answers before it have gone, bytes
 * the peer's flow-control window does not take included. Its event streams' queues count against the same
 * budget: the push fan-out cuts a stream whose session is over it (Http2Exchange.bufferedBytes).
 */
export class Http2Budgets<E extends BudgetedExchange = BudgetedExchange> {
  readonly counters: SessionBudgetCounters = { waitedForSendBudget: 0, queuedAnswerBytes: 0 };
  private readonly budgets = new WeakMap<http2.Http2Session, SessionBudget<E>>();

  constructor(
    readonly limits: Http2SessionLimits,
    /** Serves a lean request whose session's budget lets it start (see admit). */
    private readonly serve: (exchange: E) => void,
  ) {}

  /** The budget of the session `stream` is on (one per session, made on its first request). */
  of(stream: http2.ServerHttp2Stream): SessionBudget<E> {
    const session = stream.session!;
    let budget = this.budgets.get(session);
    if (!budget) {
      budget = new SessionBudget<E>(this);
      this.budgets.set(session, budget);
    }
    return budget;
  }

  /**
   * A lean request: an event stream takes one of its session's stream places (throws the 503 when there is
   * none), a poll is served now or, over the send budget, once the session's answers have drained.
   */
  admit(exchange: E, budget: SessionBudget<E>, kind: LeanRouteKind): void {
    if (kind === 'stream') {
      budget.openEventStream(exchange);
      this.serve(exchange);
    } else if (budget.waiting.length === 0 && budget.bufferedBytes() < this.limits.sendBufferBytes) {
      this.serve(exchange);
    } else {
      this.counters.waitedForSendBudget++;
      budget.waiting.push(exchange);
    }
  }

  /**
   * A request with a body still to come (any request whose stream did not end with its headers) takes one of
   * its session's body places until the body has arrived or the stream has closed; throws the 503 when there is
   * none. Once the answer has gone out, a body still arriving is not waited for: the stream is closed with
   * NO_ERROR (RFC 9113 §8.1), so a body no route reads cannot stay buffered.
   */
  admitBody(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, budget: SessionBudget<E>): void {
    const { stream } = req;
    if (stream.endAfterHeaders) return;
    res.once('finish', () => {
      if (!stream.closed && !stream.destroyed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
    const { requestBodies } = this.limits;
    if (budget.bodies >= requestBodies) throw new Refusal('tooManyOnHttp2Session', { what: 'request bodies arriving', limit: requestBodies });
    budget.bodies++;
    let arrived = false;
    const done = () => {
      if (arrived) return;
      arrived = true;
      budget.bodies--;
    };
    req.once('end', done);
    stream.once('close', done);
  }

  /** @internal for SessionBudget: serves the waiting polls while the session is under its send budget. */
  drained(budget: SessionBudget<E>): void {
    const { waiting } = budget;
    while (waiting.length > 0 && budget.bufferedBytes() < this.limits.sendBufferBytes) {
      const next = waiting.shift()!;
      // A request whose stream closed while it waited has no one to answer.
      if (!next.req.stream.destroyed) this.serve(next);
    }
  }
}

/** One session's budget, shared by its streams' exchanges. */
export class SessionBudget<E extends BudgetedExchange = BudgetedExchange> {
  heldPolls = 0;
  bodies = 0;
  /** Bytes of lean answers written on this session's streams and not yet sent. */
  unsentBytes = 0;
  /** Open event streams, whose queues count against the send budget. */
  readonly eventStreams = new Set<E>();
  /** Poll requests waiting for the send budget, in arrival order. */
  readonly waiting: E[] = [];

  constructor(readonly budgets: Http2Budgets<E>) {}

  /** Unsent answers and every event stream's queue: what the peer has not taken yet. */
  bufferedBytes(): number {
    let total = this.unsentBytes;
    for (const stream of this.eventStreams) total += stream.res.writableLength;
    return total;
  }

  tryHold(): boolean {
    const limit = this.budgets.limits.heldPolls;
    if (this.heldPolls >= limit) throw new Refusal('tooManyOnHttp2Session', { what: 'held long polls', limit });
    this.heldPolls++;
    return true;
  }

  releaseHold(): void {
    this.heldPolls--;
  }

  openEventStream(exchange: E): void {
    const limit = this.budgets.limits.eventStreams;
    if (this.eventStreams.size >= limit) throw new Refusal('tooManyOnHttp2Session', { what: 'event streams', limit });
    this.eventStreams.add(exchange);
    exchange.req.stream.once('close', () => {
      this.eventStreams.delete(exchange);
      this.budgets.drained(this);
    });
  }

  /** @internal for Http2Exchange: an answer of `bytes` was written on one of this session's streams. */
  queued(bytes: number): void {
    this.unsentBytes += bytes;
    this.budgets.counters.queuedAnswerBytes += bytes;
  }

  /** @internal for Http2Exchange: an answer of `bytes` has gone out, or its stream closed without it. */
  sent(bytes: number): void {
    this.unsentBytes -= bytes;
    this.budgets.counters.queuedAnswerBytes -= bytes;
    if (this.waiting.length > 0) this.budgets.drained(this);
  }
}
