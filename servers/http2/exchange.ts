import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { StreamKey } from './attribution.js';
import type { LeanConnection, LeanExchange, LeanResponse } from '../http/exchange.js';

/**
 * A request on an HTTP/2 stream, as the lean handlers see it. The rules Http1Connections keeps per HTTP/1.1
 * connection are HTTP/2's own here: requests are streams answered in any order, so a held poll holds its stream
 * only (a session may hold as many as it may open streams, SETTINGS_MAX_CONCURRENT_STREAMS), an event stream
 * blocks no request beside it, and flow control bounds what a peer that does not read makes the server send.
 */
export class Http2Exchange implements LeanExchange {
  readonly res: LeanResponse;
  readonly connection: LeanConnection;

  constructor(
    readonly req: http2.Http2ServerRequest,
    res: http2.Http2ServerResponse,
    key: StreamKey,
  ) {
    // Node's compatibility response takes a flat [name, value, …] header list as node:http's does; its typings
    // know only the object form.
    this.res = res as unknown as LeanResponse;
    this.connection = { socket: key as unknown as Socket, tryHold: () => true, releaseHold: () => {} };
  }

  answered(): void {}

  streamStarted(): boolean {
    return true;
  }
}
