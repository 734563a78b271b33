import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { IDLE_CLOSE_SHARE } from '../constants.js';
import { Refusal, refuse, type RefusalOwner } from './errors.js';
import type { LeanRoute } from './dispatch.js';
import type { LeanConnection, LeanExchange, LeanRouteKind } from './exchange.js';

/** What happened to HTTP connections beside any one strategy's counters (this module). */
export interface ConnectionCounters {
  /** Requests pipelined behind an event stream: never answered; the connection was closed instead. */
  pipelinedBehindStream: number;
  /** Long polls sent on a connection that already held one: answered at once with what there was, not held. */
  longPollsNotHeld: number;
  /** Requests that waited because their connection's unsent answers were over the send budget. */
  waitedForSendBudget: number;
  /**
   * Held long polls answered at once (with what there was) because answers behind them were over the send
   * budget: the connection would stop being read behind a poll that blocks its answers, and a peer that closed
   * would not be seen until the poll's timeout.
   */
  heldPollsAnsweredForBudget: number;
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

/** A lean route's kind, or a request for express (everything else). */
export type RequestKind = LeanRouteKind | 'framework';

export interface Http1ConnectionsOptions {
  /** A connection's unsent answers may reach this many bytes; its next requests wait until they drain. */
  sendBufferBytes: number;
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Serves a request once its connection's rules let it start (see admit). */
  serve(exchange: Http1Exchange): void;
  /** Called when each answer has gone out: the ledger credits the socket's bytes to whoever the request served. */
  settle(socket: Socket): void;
  /** Whom a request refused before it reached any route (400, 408, 413, 431) is counted against: control. */
  control: RefusalOwner;
}

/**
 * Every HTTP/1.1 connection of the server, and the rules that keep one client from holding more than its share:
 *
 * - **One request at a time where it matters.** A bounded answer (a poll) runs as soon as it is parsed, even
 *   behind another (its bytes queue behind that answer). A stream, or a request for express, runs only when
 *   every answer before it on its connection has gone out: a stream must not start behind a held poll.
 * - **A send budget per connection**, the one a push client has: while a connection's unsent answers are over
 *   `sendBufferBytes`, its next requests wait and the connection is not read; both resume as answers drain. A
 *   peer that never reads holds one budget, not an answer per request it sent.
 * - **A stream ends its connection's pipeline.** A request behind an event stream could never be answered (the
 *   stream does not end), so the connection is closed: the stream ends, the client resumes from its cursor.
 * - **Idle keep-alive connections go first** when the connection limit is near, and requests that never arrive
 *   whole get a JSON 408 (400 for garbage, 431 for huge headers), counted as control.
 */
export class Http1Connections {
  readonly counters: ConnectionCounters = {
    pipelinedBehindStream: 0,
    longPollsNotHeld: 0,
    waitedForSendBudget: 0,
    heldPollsAnsweredForBudget: 0,
    queuedAnswerBytes: 0,
    idleClosedNearLimit: 0,
    droppedOverLimit: 0,
  };
  private readonly open = new Map<Socket, Http1Connection>();
  /** Connections between requests, the longest idle first (a Set iterates in insertion order). */
  private readonly idle = new Set<Http1Connection>();
  private readonly closeIdleFrom: number;

  constructor(
    server: http.Server,
    private readonly options: Http1ConnectionsOptions,
  ) {
    this.closeIdleFrom = Math.floor(options.maxConnections * IDLE_CLOSE_SHARE);
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(error, socket));
    server.on('drop', () => this.counters.droppedOverLimit++);
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Hands a request to `options.serve` when its connection's rules allow: at once in the common case, later when
   * it waits for its turn or for the send budget, never when it is behind a stream. `route` is its lean route,
   * undefined for a request for express.
   */
  admit(req: http.IncomingMessage, res: http.ServerResponse, route: LeanRoute | undefined): void {
    const connection = this.open.get(req.socket) ?? this.onConnection(req.socket);
    if (connection.stream) {
      this.endPipeline(connection, 1);
      return;
    }
    if (connection.unfinished.size === 0) this.idle.delete(connection);
    const exchange = new Http1Exchange(req, res, connection, route);
    connection.unfinished.add(exchange);
    // One shared listener, not a closure per request: it finds its exchange on the response. `on`, not `once`:
    // a response finishes once and is dropped with its listeners.
    (res as ResponseWithExchange)[EXCHANGE] = exchange;
    res.on('finish', onResponseFinish);
    if (connection.waiting.length === 0 && this.mayStart(exchange)) this.options.serve(exchange);
    else this.wait(exchange);
  }

  /**
   * Calls `fn` once every answer on `socket`'s connection has gone out: at once on a connection with none under
   * way. A request node took for an upgrade may be pipelined behind answers of the parser it left.
   */
  afterAnswers(socket: Socket, fn: () => void): void {
    const connection = this.open.get(socket);
    if (!connection || connection.unfinished.size === 0) return fn();
    connection.afterAnswers.push(fn);
  }

  /** A connection taken over by an upgrade is no longer an idle HTTP connection that may be closed. */
  upgraded(socket: Socket): void {
    const connection = this.open.get(socket);
    if (connection) this.idle.delete(connection);
  }

  /** Destroys every connection (the last step of a shutdown whose grace period ran out). */
  destroyAll(): void {
    for (const socket of this.open.keys()) socket.destroy();
  }

  /** @internal for Http1Exchange: ends a connection whose stream has requests pipelined behind it. */
  endPipeline(connection: Http1Connection, requestsBehind: number): void {
    this.counters.pipelinedBehindStream += requestsBehind;
    connection.waiting.length = 0;
    connection.socket.destroy();
  }

  private onConnection(socket: Socket): Http1Connection {
    const connection = new Http1Connection(socket, this);
    this.open.set(socket, connection);
    socket.once('close', () => {
      connection.closed = true;
      this.counters.queuedAnswerBytes -= connection.unsentBytes;
      connection.waiting.length = 0;
      // Node tells the response on the socket that the connection closed, not those queued behind it: a poll
      // held there would stay counted until its timeout.
      for (const { res } of connection.unfinished) if (res.socket === null) res.emit('close');
      this.open.delete(socket);
      this.idle.delete(connection);
    });
    if (this.open.size >= this.closeIdleFrom) this.closeIdle(2);
    return connection;
  }

  /** Closes up to `count` idle keep-alive connections, the longest idle first. */
  private closeIdle(count: number): void {
    for (const connection of this.idle) {
      if (count-- <= 0) return;
      this.idle.delete(connection);
      this.counters.idleClosedNearLimit++;
      connection.socket.destroy();
    }
  }

  private mayStart(exchange: Http1Exchange): boolean {
    if (exchange.kind === 'answer') {
      if (exchange.connection.unsentBytes < this.options.sendBufferBytes) return true;
      if (!exchange.waitedForBudget) this.counters.waitedForSendBudget++;
      exchange.waitedForBudget = true;
      return false;
    }
    // Node gives a response its socket once every answer before it on the connection has gone out.
    return exchange.res.socket !== null;
  }

  private wait(exchange: Http1Exchange): void {
    const { connection } = exchange;
    connection.waiting.push(exchange);
    // Requests already parsed wait in order; reading no more bounds how many there can be.
    if (!connection.paused) {
      connection.paused = true;
      connection.socket.pause();
    }
    // A held poll ahead of the answers that fill the budget keeps them from draining until its timeout, and a
    // connection not read does not see its peer close: answer the poll now, so the answers (or the peer's
    // reset, if it has gone) can flow.
    if (exchange.waitedForBudget && connection.answerHeld) {
      this.counters.heldPollsAnsweredForBudget++;
      connection.answerHeld();
    }
  }

  /** @internal for the responses' 'finish' listener. */
  finished(exchange: Http1Exchange): void {
    const { connection } = exchange;
    this.options.settle(connection.socket);
    if (connection.closed) return;
    connection.unsentBytes -= exchange.bytes;
    this.counters.queuedAnswerBytes -= exchange.bytes;
    connection.unfinished.delete(exchange);
    if (connection.stream === exchange) connection.stream = undefined;
    if (connection.socket.destroyed) return;
    this.startWaiting(connection);
    if (connection.unfinished.size > 0) return;
    if (connection.afterAnswers.length > 0) {
      for (const fn of connection.afterAnswers.splice(0)) fn();
      return;
    }
    this.idle.add(connection);
  }

  private startWaiting(connection: Http1Connection): void {
    const { waiting } = connection;
    while (waiting.length > 0) {
      if (connection.stream) return this.endPipeline(connection, waiting.length);
      const next = waiting[0];
      if (!this.mayStart(next)) return;
      waiting.shift();
      this.options.serve(next);
    }
    if (connection.paused) {
      connection.paused = false;
      connection.socket.resume();
    }
  }

  /**
   * What Node answers by itself (400, 408, 413, 431), as JSON and counted, and the connection closed after it;
   * nothing is written into an answer under way.
   */
  private onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    const connection = this.open.get(socket as Socket);
    if (error.code !== 'ECONNRESET' && socket.writable && !(connection && connection.unfinished.size > 0)) {
      refuse(socket, this.options.control, this.refusalFor(error));
    } else {
      socket.destroy();
    }
  }

  private refusalFor(error: NodeJS.ErrnoException): Refusal {
    switch (error.code) {
      case 'ERR_HTTP_REQUEST_TIMEOUT': {
        const { headersTimeoutMs, requestTimeoutMs } = this.options;
        return new Refusal('requestTimeout', { headersTimeoutMs, requestTimeoutMs });
      }
      case 'HPE_HEADER_OVERFLOW':
        return new Refusal('headersTooLarge');
      case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
        return new Refusal('chunkExtensionsTooLarge');
      default:
        return new Refusal('malformedRequest');
    }
  }
}

/** One client connection as the rules see it. */
export class Http1Connection implements LeanConnection {
  heldPolls = 0;
  /** Bytes of lean answer bodies written and not yet handed to the kernel (headers are a few hundred more each). */
  unsentBytes = 0;
  /** Requests received whose answers have not gone out yet (waiting ones included), in order. */
  readonly unfinished = new Set<Http1Exchange>();
  /** The event stream that holds the connection, while it lasts. */
  stream: Http1Exchange | undefined;
  readonly waiting: Http1Exchange[] = [];
  /** What waits for every answer under way to have gone out (see Http1Connections.afterAnswers). */
  readonly afterAnswers: (() => void)[] = [];
  paused = false;
  closed = false;

  constructor(
    readonly socket: Socket,
    readonly connections: Http1Connections,
  ) {}

  /** Answers the connection's held poll at once (see Http1Connections.wait); set while one is held. */
  answerHeld: (() => void) | undefined;

  /** HTTP/1.1 answers in order, so a second held poll could only be answered after the first: one at a time. */
  tryHold(answerNow: () => void): boolean {
    if (this.heldPolls > 0) {
      this.connections.counters.longPollsNotHeld++;
      return false;
    }
    this.heldPolls++;
    this.answerHeld = answerNow;
    return true;
  }

  releaseHold(): void {
    this.heldPolls--;
    this.answerHeld = undefined;
  }
}

/** A request on node:http, as the lean handlers see it. */
export class Http1Exchange implements LeanExchange {
  /** Bytes of this request's answer, counted against the connection's budget until the answer has gone out. */
  bytes = 0;
  waitedForBudget = false;
  readonly kind: RequestKind;

  constructor(
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    readonly connection: Http1Connection,
    /** The lean route that serves the request; undefined for a request for express. */
    readonly route: LeanRoute | undefined,
  ) {
    this.kind = route ? route.kind : 'framework';
  }

  answered(bytes: number): void {
    const { connection } = this;
    if (connection.closed) return;
    this.bytes += bytes;
    connection.unsentBytes += bytes;
    connection.connections.counters.queuedAnswerBytes += bytes;
  }

  bufferedBytes(): number {
    return this.res.writableLength;
  }

  streamStarted(): boolean {
    const { connection } = this;
    connection.stream = this;
    const behind = connection.unfinished.size - 1;
    if (behind === 0) return true;
    connection.connections.endPipeline(connection, behind);
    return false;
  }
}

const EXCHANGE = Symbol('exchange');

type ResponseWithExchange = http.ServerResponse & { [EXCHANGE]: Http1Exchange };

function onResponseFinish(this: http.ServerResponse): void {
  const exchange = (this as ResponseWithExchange)[EXCHANGE];
  exchange.connection.connections.finished(exchange);
}
