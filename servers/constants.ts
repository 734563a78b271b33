/**
 * Every limit of the server in one place, so the README, the CLI help and the tests all read the same numbers.
 * (The public names clients need, routes and subprotocol, are in contract/wire.ts.)
 */

export interface ServerLimits {
  /** Largest accepted body of POST /api/publish; over it: 413. */
  publishBodyBytes: number;
  /**
   * Deepest nesting of arrays and objects in a published payload; deeper: 400. `JSON.parse` accepts nesting that
   * `JSON.stringify` (and Socket.IO's encoder) cannot write back, so such a message could never be sent.
   */
  payloadDepth: number;
  /** Largest WebSocket frame accepted from a client; over it the connection is closed with 1009. */
  wsMaxPayloadBytes: number;
  /** How many recent messages the ring keeps for `since`; older cursors get the gap signal. */
  ringSize: number;
  /** Long polls held at once; one more gets 503 with Retry-After. */
  maxHeldLongPolls: number;
  /** Most messages in one poll response; the client asks again from the returned cursor. */
  maxMessagesPerResponse: number;
  /** Longest a long poll is held (a client may ask for less with ?timeout=ms). */
  longPollTimeoutMs: number;
  /** Longest accepted user id (?user= and "to"). */
  userIdChars: number;
  /** Open push streams (WebSockets, event streams) at once, per strategy; one more gets 503 with Retry-After. */
  maxPushStreams: number;
  /**
   * Bytes the server may queue for one WebSocket client that is not reading. Over it the client is cut off
   * (close 1013) and resumes from its cursor when it comes back, so a slow consumer cannot grow memory.
   */
  sendBufferBytes: number;
  /** TCP connections the http.Server accepts at once, kept below the process's open-file limit. */
  maxTcpConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  publishBodyBytes: 64 * 1024,
  payloadDepth: 64,
  wsMaxPayloadBytes: 64 * 1024,
  ringSize: 10_000,
  maxHeldLongPolls: 20_000,
  maxMessagesPerResponse: 1_000,
  longPollTimeoutMs: 25_000,
  userIdChars: 64,
  maxPushStreams: 15_000,
  sendBufferBytes: 1024 * 1024,
  maxTcpConnections: 19_000,
};

/** Shortest long-poll hold a client may ask for; keeps a misbehaving client from turning it into a busy loop. */
export const MIN_LONG_POLL_TIMEOUT_MS = 100;

