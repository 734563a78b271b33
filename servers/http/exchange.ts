import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { ParsedUrlQuery } from 'node:querystring';
import type { Readable } from 'node:stream';

/**
 * The lean path's view of one request and its answer, kept to what node:http and http2's compatibility API
 * (Http2ServerRequest / Http2ServerResponse) both offer, so that a second transport only supplies an exchange
 * and a connection (see servers/http/dispatch.ts) and the handlers stay as they are.
 */
export interface LeanRequest extends Readable {
  readonly url?: string;
  readonly method?: string;
  readonly headers: IncomingHttpHeaders;
}

export interface LeanResponse {
  /** Headers as a flat [name, value, name, value…] list: no object to build per answer. */
  writeHead(statusCode: number, headers: string[]): unknown;
  write(chunk: string | Buffer, callback?: (error?: Error | null) => void): boolean;
  end(chunk?: string | Buffer): unknown;
  flushHeaders(): void;
  destroy(): unknown;
  /**
   * 'close' must come once the client is gone, however it went, also for an answer that had not started (a
   * held poll queued behind another answer: Http1Connections emits it then, as Node does not).
   */
  once(event: 'close' | 'finish', listener: () => void): unknown;
  on(event: 'close' | 'finish', listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  /** Bytes written to this answer that have not reached the kernel yet. */
  readonly writableLength: number;
  /** HTTP/1.1 only (node:http's own): false closes the connection once this answer is out. */
  shouldKeepAlive?: boolean;
}

/** What the lean path keeps per client connection (HTTP/1.1: one per socket, servers/http/http1-connections.ts). */
export interface LeanConnection {
  /** The socket whose bytes are this client's: byte attribution and the demo's network delay act on it. */
  readonly socket: Socket;
  /**
   * Takes one of the connection's held-poll places; false (and counted) when it holds all it may, or throws a
   * Refusal (HTTP/2: a 503 over the session's budget). `answerNow` answers the poll at once, with what there is:
   * the connection calls it when the poll would block answers behind it (HTTP/1.1 answers in order).
   */
  tryHold(answerNow: () => void): boolean;
  releaseHold(): void;
}

export interface LeanExchange {
  readonly req: LeanRequest;
  readonly res: LeanResponse;
  readonly connection: LeanConnection;
  /** An answer of `bytes` was written: it counts against the connection's send budget until it has left. */
  answered(bytes: number): void;
  /**
   * Bytes queued for this client and not yet sent, as its send budget counts them: HTTP/1.1, the response's own
   * (a connection carries one stream at a time); HTTP/2, everything its session has not sent.
   */
  bufferedBytes(): number;
  /**
   * This answer is now a stream that holds the connection until it ends. False when the connection cannot
   * carry one (HTTP/1.1: requests were pipelined behind it, so the connection is closed).
   */
  streamStarted(): boolean;
}

/** A bounded answer (a short or long poll), or a stream that holds its connection (server-sent events). */
export type LeanRouteKind = 'answer' | 'stream';

/**
 * `query` is parsed as express's simple parser does (node:querystring): a repeated key is an array. A handler that
 * waits (for a request body, for a shared log's broker) refuses what goes wrong later itself (servers/http/errors.ts).
 */
export type LeanHandler = (exchange: LeanExchange, query: ParsedUrlQuery) => void;

/**
 * Whose route a request is on, as the lean path needs it: the name its bytes are credited to, and where a
 * refusal is told (a strategy's 'failed' event). A ServerStrategy is one.
 */
export interface RouteOwner {
  readonly info: { readonly name: string };
  emit(event: 'failed', status: number): boolean;
}
