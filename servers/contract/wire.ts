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
  stats: '/api/stats',
  presence: '/api/presence',
} as const;

/** WebSocket close code sent when the server shuts down (RFC 6455 §7.4.1 "going away"). */
export const WS_CLOSE_GOING_AWAY = 1001;
/** WebSocket close code for a client cut off at the send-buffer limit (RFC 6455 §7.4.1 "try again later"). */
export const WS_CLOSE_TRY_AGAIN_LATER = 1013;

/** Header that carries the publish token (or `Authorization: Bearer <token>`). */
export const TOKEN_HEADER = 'x-pushbench-token';
