import { WebSocket } from 'ws';
import { WS_CLOSE_GOING_AWAY } from '../contract/wire.js';

/** How long a peer has to answer the close handshake at shutdown before its connection is cut. */
export const WS_CLOSE_GRACE_MS = 1_000;

/**
 * Shuts WebSocket connections as a server going away should: a close frame with 1001 to each, then waits for
 * the peers' answers. A peer that never answers is cut off after the grace period, so shutdown is bounded.
 */
export async function closeGoingAway(sockets: Iterable<WebSocket>, graceMs = WS_CLOSE_GRACE_MS): Promise<void> {
  const closed = [...sockets].map((ws) => {
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const cut = setTimeout(() => ws.terminate(), graceMs).unref();
      ws.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      ws.close(WS_CLOSE_GOING_AWAY, 'server shutting down');
    });
  });
  await Promise.all(closed);
}
