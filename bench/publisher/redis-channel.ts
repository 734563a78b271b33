import { DEFAULT_LIMITS } from '../../servers/constants.js';
import { SourceUnavailableError } from '../../servers/log/message-log.js';
import { connectRedis, type RedisClient } from '../../servers/log/redis/redis-connection.js';
import { RedisLog } from '../../servers/log/redis/redis-log.js';
import type { PublishAttempt, PublishChannel } from './open-loop.js';

/** The Redis stream a run's server processes read: the bench's Redis and the run's own key prefix. */
export interface RedisTarget {
  url: string;
  keyPrefix: string;
}

/**
 * Publishes straight into the Redis stream the server processes read, with the very script they append with
 * (servers/log/redis/redis-log.ts), as a back end that writes to the broker itself would: no HTTP, no server
 * process on the way in. The commands of concurrent publishes share one connection, in the order they are sent.
 */
export class RedisPublishChannel implements PublishChannel {
  readonly kind = 'redis';
  readonly target: string;
  /** The highest seq this publisher was given (the log's `floor` for a new epoch). */
  private highestSeq = 0;

  private constructor(
    private readonly client: RedisClient,
    private readonly log: RedisLog,
  ) {
    this.target = `redis ${log.keys.log}`;
  }

  /** Connects; the process's bytes to and from Redis are counted from here (servers/log/redis/redis-traffic.ts). */
  static async open({ url, keyPrefix }: RedisTarget): Promise<RedisPublishChannel> {
    const client = await connectRedis(url);
    return new RedisPublishChannel(client, new RedisLog(client, keyPrefix));
  }

  /** Redis on loopback answers in microseconds or not at all (the connection fails): the timeout is not needed. */
  async attempt(payload: unknown, scheduledAtMs: number): Promise<PublishAttempt> {
    const limits = { ringSize: DEFAULT_LIMITS.ringSize, payloadDepth: DEFAULT_LIMITS.payloadDepth, floor: this.highestSeq };
    try {
      const { seq } = await this.log.publish(payload, undefined, limits, scheduledAtMs);
      this.highestSeq = Math.max(this.highestSeq, seq);
      return { seq };
    } catch (error) {
      // A command sent while the connection is down fails at once, but one whose reply was lost may be stored.
      return { cause: error instanceof SourceUnavailableError ? 'unavailable' : (error as Error).message, retryable: false };
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => this.client.destroy());
  }
}
