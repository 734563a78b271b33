import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { StreamKey } from './attribution.js';
import type { SessionBudget } from './session-budget.js';
import type { LeanRoute } from '../http/dispatch.js';
import type { LeanConnection, LeanExchange, LeanResponse } from '../http/exchange.js';

/**
 * A request on an HTTP/2 stream, as the lean handlers see it, and its own LeanConnection: the rules
 * Http1Connections keeps per HTTP/1.1 connection are kept per session here (SessionBudget). Requests are streams
 * answered in any order, so a held poll holds its stream only and an event stream blocks no request beside it;
 * what a session may hold at once is counted instead: held polls, event streams, and unsent answer bytes
 * against the send budget (those the peer's flow-control window does not take included).
 */
export class Http2Exchange implements LeanExchange, LeanConnection {
  readonly res: LeanResponse;
  readonly socket: Socket;
  /** Bytes of this request's answer, counted against the session's send budget until the answer has gone out. */
  private bytes = 0;

  constructor(
    readonly req: http2.Http2ServerRequest,
    res: http2.Http2ServerResponse,
    key: StreamKey,
    readonly budget: SessionBudget<Http2Exchange>,
    /** The lean route that serves the request. */
    readonly route: LeanRoute,
  ) {
    // Node's compatibility response takes a flat [name, value, …] header list as node:http's does; its typings
    // know only the object form.
    this.res = res as unknown as LeanResponse;
    this.socket = key as unknown as Socket;
  }

  get connection(): LeanConnection {
    return this;
  }

  /** Streams are answered in any order: a held poll blocks no other, so it is never answered early. */
  tryHold(): boolean {
    return this.budget.tryHold();
  }

  releaseHold(): void {
    this.budget.releaseHold();
  }

  answered(bytes: number): void {
    if (this.bytes === 0) {
      // One shared listener, not a closure per answer: it finds its exchange on the response (`on`, not `once`:
      // a response finishes and closes once, and is dropped with its listeners).
      const res = this.res as ResponseWithExchange;
      res[EXCHANGE] = this;
      res.on('finish', onAnswerDone);
      res.on('close', onAnswerDone);
    }
    this.bytes += bytes;
    this.budget.queued(bytes);
  }

  /** @internal for the response's listeners: the answer has gone, or its stream closed without it. */
  settle(): void {
    const { bytes } = this;
    if (bytes === 0) return;
    this.bytes = 0;
    this.budget.sent(bytes);
  }

  /** The session's unsent answers and event-stream queues: a session has one send budget, as a connection does. */
  bufferedBytes(): number {
    return this.budget.bufferedBytes();
  }

  streamStarted(): boolean {
    return true;
  }
}

const EXCHANGE = Symbol('exchange');

type ResponseWithExchange = LeanResponse & { [EXCHANGE]: Http2Exchange };

function onAnswerDone(this: ResponseWithExchange): void {
  this[EXCHANGE].settle();
}
