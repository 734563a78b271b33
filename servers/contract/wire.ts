/**
 * The public names of the wire contract: what a client must know to talk to the server (routes, subprotocol,
 * token header, close codes). Clients import this, never the server's internals.
 */

/** The WebSocket subprotocol the server speaks; a client may offer it in Sec-WebSocket-Protocol. */
export const SUBPROTOCOL = 'pushbench.v1';

export const ROUTES = {
  publish: '/api/publish',
  poll: '/api/poll',
  longPoll: '/api/long-poll',
  ws: '/ws',
  sse: '/api/events',
  /** The references: Socket.IO in each of its transports (a path each, so both coexist), and a bare ws loop. */
  socketIoWebSocket: '/socket.io-ws/',
  socketIoPolling: '/socket.io-polling/',
  wsBare: '/ws-bare',
  /** The bare loops of our HTTP strategies: the same contract on node:http itself, none of pushbench's limits or checks. */
  barePoll: '/bare/api/poll',
  bareLongPoll: '/bare/api/long-poll',
  bareEvents: '/bare/api/events',
  /** The references for what a web framework costs: short and long polling through an express router. */
  expressPoll: '/express/api/poll',
  expressLongPoll: '/express/api/long-poll',
  stats: '/api/stats',
  presence: '/api/presence',
  userToken: '/api/user-token',
} as const;

/**
 * The HTTP versions a client may speak on the server's one port: HTTP/1.1, or HTTP/2 over cleartext TCP with prior
 * knowledge (RFC 9113 §3.3), told apart by the connection preface. WebSocket upgrades are HTTP/1.1 only.
 */
export const HTTP_VERSIONS = ['1.1', '2'] as const;
export type HttpVersion = (typeof HTTP_VERSIONS)[number];

/** WebSocket close code sent when the server shuts down (RFC 6455 §7.4.1 "going away"). */
export const WS_CLOSE_GOING_AWAY = 1001;
/** WebSocket close code for a client cut off at the send-buffer limit (RFC 6455 §7.4.1 "try again later"). */
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;

/** Header that carries the publish token (or `Authorization: Bearer <token>`). */
export const TOKEN_HEADER = 'x-pushbench-token';
/**
 * Query parameter (and Socket.IO `auth` field) that carries a user's token beside `user=`, needed when the server
 * has a user secret: `?user=alice&token=<base64url HMAC-SHA256 of "alice">` (docs/trust-model.md).
 */
export const USER_TOKEN_PARAM = 'token';
