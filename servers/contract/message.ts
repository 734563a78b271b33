/** The wire shapes shared by every strategy's server and client half. */

export interface Message {
  /** Strictly increasing across the whole source, starting at 1. */
  seq: number;
  /** Publish time in milliseconds, `performance.timeOrigin + performance.now()` of the server process. */
  t: number;
  payload: unknown;
  /** Present when the message is for one user only. */
  to?: string;
}

/**
 * The messages after `afterSeq` up to (not including) `firstAvailableSeq` have left the ring: a client at
 * that cursor cannot be given them, and says so instead of pretending it received everything.
 */
export interface Gap {
  afterSeq: number;
  firstAvailableSeq: number;
}

/** Body of a short-poll and a long-poll answer. */
export interface PollResponse {
  messages: Message[];
  /** The cursor to send as `since` next time. */
  cursor: number;
  gap?: Gap;
}

/** A WebSocket text frame from the server is a Message, or this when the requested cursor fell out of the ring. */
export interface GapFrame {
  gap: Gap;
}

export interface ErrorBody {
  error: string;
}

/**
 * GET /api/presence: how many users are online per strategy, and who, for a request that carries the publish
 * token (or when none is configured): ids are what a client would subscribe as.
 */
export interface PresenceBody {
  counts: Record<string, number>;
  online?: Record<string, string[]>;
}

/** POST /api/user-token `{"user": id}` (publish token needed) answers a user's token, when the server has a user secret. */
export interface UserTokenBody {
  user: string;
  token: string;
}

/** Wall-clock milliseconds with sub-millisecond resolution; comparable across processes of one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
