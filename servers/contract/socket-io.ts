/** What the Socket.IO reference's server and client halves agree on. */

/** The Socket.IO event names both halves agree on: one event per message, one for the gap signal. */
export const SOCKET_IO_EVENTS = { message: 'm', gap: 'gap' } as const;

/**
 * What a client sends in the handshake's `auth` payload, as Socket.IO's documentation does for an offset: it
 * is sent again on every reconnect, so the server replays from the cursor the client has now.
 */
export interface SocketIoResume {
  since?: number;
  user?: string;
  /** The user's token, needed with `user` when the server has a user secret (USER_TOKEN_PARAM in the URL). */
  token?: string;
}
