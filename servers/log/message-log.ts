import type { Gap, Message } from '../contract/message.js';

/** What `since` answers: the messages after a cursor, the cursor to ask from next, and a gap if some were lost. */
export interface SinceResult {
  messages: Message[];
  cursor: number;
  gap: Gap | null;
}

/**
 * What every strategy reads, whoever keeps the log: the embedded MessageSource, or the Redis source's local
 * mirror of a stream shared by several server processes (servers/log/redis/). Reading is synchronous and local on
 * purpose: a poll or a fan-out never waits for a broker, so a strategy works the same on either.
 */
export interface MessageLog {
  readonly ringSize: number;
  /** The seq of the newest message this process holds. */
  readonly head: number;
  /** The oldest seq still kept (head + 1 when none is). */
  readonly oldest: number;
  /** The messages after `cursor` that `userId` may see, at most `limit`, or the gap signal (see MessageSource). */
  since(cursor: number, userId?: string, limit?: number): SinceResult;
  subscribe(userId: string | undefined, listener: (message: Message) => void): () => void;
  /** Every new message, once, in seq order. */
  on(event: 'message', listener: (message: Message) => void): unknown;
  off(event: 'message', listener: (message: Message) => void): unknown;
  /**
   * Appends a message and gives it its seq. The embedded log does it at once; a shared log asks its broker,
   * so the caller awaits whatever it gets. Throws PayloadError, storing nothing, for a payload that cannot be
   * sent, and SourceUnavailableError when the broker cannot be reached. `at` is the message's time (`t`) when the
   * publisher gives one (when it meant to publish, so that latency counts from there); otherwise this process's
   * clock now.
   */
  publish(payload: unknown, to?: string, at?: number): Message | Promise<Message>;
}

/** The log's broker cannot be reached: nothing was stored, and the publisher may try again (HTTP 503). */
export class SourceUnavailableError extends Error {}
