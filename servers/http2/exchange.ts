import type { Socket } from 'node:net';
import type { StreamKey } from './attribution.js';
import type { LeanConnection, LeanExchange, LeanRequest, LeanResponse } from '../http/exchange.js';

/**
 * A request on an HTTP/2 stream, as the lean handlers see it: answered through node's core API (StreamResponse),
 * or through its compatibility response for a request read through its compatibility request. The rules
 * Http1Connections keeps per HTTP/1.1 connection are HTTP/2's own here: requests are streams answered in any order,
 * so a held poll holds its stream only (a session may hold as many as it may open streams,
 * SETTINGS_MAX_CONCURRENT_STREAMS), an event stream blocks no request beside it, and flow control bounds what a
 * peer that does not read makes the server send. The exchange is its own connection: one object per stream.
 */
export class Http2Exchange implements LeanExchange, LeanConnection {
  readonly connection: LeanConnection = this;

  constructor(
    readonly req: LeanRequest,
    readonly res: LeanResponse,
    private readonly key: StreamKey,
  ) {}

  /** The stream's key: where a route reads its request's socket, the ledger credits the stream (see Http2Attribution). */
  get socket(): Socket {
    return this.key as unknown as Socket;
  }

  tryHold(): boolean {
    return true;
  }

  releaseHold(): void {}

  answered(): void {}

  streamStarted(): boolean {
    return true;
  }
}
