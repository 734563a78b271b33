/**
 * Every limit of the server in one place, so docs/server.md, the CLI help and the tests all read the same numbers.
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
  /**
   * Whether the WebSocket strategy accepts a client's permessage-deflate offer (RFC 7692), which browsers always
   * make. Off by default: docs/decisions.md, "WebSocket compression", has the measurement behind it.
   */
  wsPerMessageDeflate: boolean;
  /** How many recent messages the ring keeps for `since`; older cursors get the gap signal. */
  ringSize: number;
  /** Long polls held at once; one more gets 503 with Retry-After. */
  maxHeldLongPolls: number;
  /**
   * Long polls held at once for one user id (a client that names itself; a connection holds one at most).
   * One more gets 503 with Retry-After, so one user cannot take the held-poll slots of everyone else.
   */
  maxHeldLongPollsPerUser: number;
  /** Most messages in one poll response; the client asks again from the returned cursor. */
  maxMessagesPerResponse: number;
  /**
   * Most bytes of messages in one poll response (at least one message is always sent, however large); the
   * client asks again from the returned cursor. Keeps one answer from becoming the unbounded buffer the send
   * budget exists to prevent.
   */
  maxPollAnswerBytes: number;
  /** Longest a long poll is held (a client may ask for less with ?timeout=ms). */
  longPollTimeoutMs: number;
  /** Longest accepted user id (?user= and "to"). */
  userIdChars: number;
  /**
   * User ids presence remembers at once, over all strategies; an id arriving while it is full is served but not
   * listed. Quiet ids are forgotten every PRESENCE_TTL_MS (servers/observe/presence.ts), read or not.
   */
  presenceIds: number;
  /** Open push streams (WebSockets, event streams) at once, per strategy; one more gets 503 with Retry-After. */
  maxPushStreams: number;
  /**
   * How often an event stream that carried nothing since the last time gets a comment line (`:`), which keeps
   * proxies from closing it as idle. A stream that carries events gets none: between two comments it is quiet
   * this long at least, and twice this at most.
   */
  eventStreamHeartbeatMs: number;
  /**
   * Bytes the server may queue for one client that is not reading. A push client (WebSocket, event stream) over
   * it is cut off (close 1013) and resumes from its cursor when it comes back; an HTTP connection whose unsent
   * answers are over it is not read from, and its next requests wait, until they drain. A slow consumer cannot
   * grow memory either way.
   */
  sendBufferBytes: number;
  /**
   * TCP connections the http.Server accepts at once, kept below the process's open-file limit; one more is
   * accepted and closed at once. From IDLE_CLOSE_SHARE of it on, idle keep-alive connections are closed first.
   */
  maxTcpConnections: number;
  /** Longest wait for a request's headers (from its first byte, or from the connection's start); then 408. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body; then 408. Answers may take longer (a held poll, a stream). */
  requestTimeoutMs: number;
  /**
   * Longest a request body may take to arrive once its headers are in; then a JSON 408. Below requestTimeoutMs,
   * so that a slow body gets its answer before node:http's own timeout closes the connection without one; on
   * HTTP/2, where node:http's timeout does not reach, it is the only one.
   */
  bodyTimeoutMs: number;
  /**
   * How far a publisher's own time for a message (the publish body's `t`: when it meant to publish it, which
   * latency then counts from) may lie before the server's clock, ms; older: 400. A publish stalled this long is
   * a failure to report, not a latency (it is also the bench's latency histograms' ceiling).
   */
  publishTimeBeforeMs: number;
  /** How far it may lie after the server's clock, ms (two machines' clocks disagree a little); later: 400. */
  publishTimeAfterMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  publishBodyBytes: 64 * 1024,
  payloadDepth: 64,
  wsMaxPayloadBytes: 64 * 1024,
  wsPerMessageDeflate: false,
  ringSize: 10_000,
  maxHeldLongPolls: 20_000,
  maxHeldLongPollsPerUser: 64,
  maxMessagesPerResponse: 1_000,
  maxPollAnswerBytes: 256 * 1024,
  longPollTimeoutMs: 25_000,
  userIdChars: 64,
  presenceIds: 20_000,
  maxPushStreams: 15_000,
  eventStreamHeartbeatMs: 15_000,
  sendBufferBytes: 1024 * 1024,
  maxTcpConnections: 19_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  bodyTimeoutMs: 9_000,
  publishTimeBeforeMs: 3_600_000,
  publishTimeAfterMs: 1_000,
};

/** Shortest long-poll hold a client may ask for; keeps a misbehaving client from turning it into a busy loop. */
export const MIN_LONG_POLL_TIMEOUT_MS = 100;

/**
 * Share of maxTcpConnections from which every new connection closes the connection that has been idle
 * longest (a keep-alive connection between requests): near the limit, those go first rather than new clients.
 */
export const IDLE_CLOSE_SHARE = 0.9;

/**
 * How long a TLS connection that HTTP/1.1 closes after its last answer (Connection: close) waits for the peer's own
 * close (close_notify, then FIN) before it is destroyed anyway.
 */
export const TLS_CLOSE_WAIT_MS = 1_000;

/** How often the header and request timeouts are checked (Node's default, 30 s, would add that much to each). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** Names the classroom demo hands a user token to, each once, per run (POST /demo/api/join); more: 503. */
export const DEMO_JOIN_NAMES = 1_000;

/**
 * HTTP/2 cleartext on the HTTP/1.1 port (servers/http2/front.ts). A new connection must show its protocol (three
 * bytes: "PRI" begins the HTTP/2 preface, anything else is HTTP/1.1) within the header timeout, or it is closed.
 *
 * A session multiplexes streams, so every budget an HTTP/1.1 connection has by being one request at a time is
 * set per session here (servers/http2/session-budget.ts): without them one TCP connection would hold 100 times
 * a connection's share. A browser multiplexes every tab of one origin on one session, so the numbers leave room
 * for several tabs each holding a long poll or an event stream, and for a page uploading a few bodies at once.
 * The send budget of a session is the one of an HTTP/1.1 connection (`ServerLimits.sendBufferBytes`).
 */
export const HTTP2_LIMITS = {
  /** Streams a client may have open at once on one session (SETTINGS_MAX_CONCURRENT_STREAMS; RFC 9113 §6.5.2 advises at least 100). */
  maxConcurrentStreams: 100,
  /** A session without any frame for this long is closed, as an idle HTTP/1.1 keep-alive connection is. */
  idleTimeoutMs: 65_000,
  /** Long polls one session may have held at once; one more gets 503 with Retry-After. */
  heldPollsPerSession: 8,
  /** Event streams one session may have open at once; one more gets 503 with Retry-After. */
  eventStreamsPerSession: 8,
  /** Requests whose body is still arriving on one session at once; one more gets 503 with Retry-After. */
  requestBodiesPerSession: 8,
  /**
   * How often sessions that moved no byte are checked for a peer that has gone: after a protocol error nghttp2
   * says GOAWAY and stops reading, so the peer's close would otherwise go unseen until the idle timeout.
   */
  deadSessionCheckMs: 1_000,
  /** A session closed for being idle that still has streams (which cannot finish) is destroyed this much later. */
  idleCloseGraceMs: 2_000,
} as const;
