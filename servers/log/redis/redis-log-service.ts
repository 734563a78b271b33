import { RedisMessageSource } from './redis-message-source.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** A Redis source and, when no URL was given, the redis-server started for it. */
export interface RedisLogService {
  source: RedisMessageSource;
  url: string;
  /** The redis-server this process started; absent with --redis-url. */
  started?: RedisServer;
  /** Closes the source, then stops the redis-server if it is ours. */
  close(): Promise<void>;
}

/**
 * `--source redis [--redis-url URL]` as the serve command means it: the Redis at `url`, or a redis-server of
 * our own on a free port that dies with this process. Throws SourceUnavailableError (one line, with the
 * install hint) when redis-server is missing or the URL does not answer.
 */
export async function openRedisLog(options: {
  url?: string;
  keyPrefix?: string;
  ringSize?: number;
  payloadDepth?: number;
}): Promise<RedisLogService> {
  const started = options.url === undefined ? await startRedisServer() : undefined;
  const url = options.url ?? started!.url;
  let source: RedisMessageSource;
  try {
    source = await RedisMessageSource.open({ url, keyPrefix: options.keyPrefix, ringSize: options.ringSize, payloadDepth: options.payloadDepth });
  } catch (error) {
    await started?.stop();
    throw error;
  }
  return {
    source,
    url,
    started,
    async close() {
      await source.close();
      await started?.stop();
    },
  };
}
