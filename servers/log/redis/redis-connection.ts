import { createClient } from 'redis';
import { SourceUnavailableError } from '../message-log.js';
import { countRedisTraffic } from './redis-traffic.js';

/** What pushbench uses of a node-redis client: raw commands (their replies are parsed where they are used). */
export interface RedisClient {
  sendCommand(args: readonly string[]): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
}

/** How long the first connection may take before the URL is reported as not answering. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** Attempts at the first connection: a server that is starting gets a moment, a wrong URL fails fast. */
const FIRST_CONNECT_ATTEMPTS = 3;
/** After a lost connection the client retries for ever, no faster than this and backing off to the max. */
const RECONNECT_MIN_MS = 20;
const RECONNECT_MAX_MS = 1_000;

/** The one line a user gets when the broker is missing, naming both ways out. */
export const REDIS_INSTALL_HINT =
  'install Redis with `sudo apt-get install redis-server` (Debian/Ubuntu; pushbench starts it itself), or pass --redis-url ' +
  'redis://HOST:PORT of a running one';

/** Told when an established connection is lost (once per outage) and when it is back. */
export interface ConnectionWatch {
  lost(reason: string): void;
  back(): void;
}

/**
 * A node-redis client connected to `url`. The first connection fails fast (SourceUnavailableError, with the
 * install hint); once up, a lost connection is retried for ever with a capped backoff, and commands sent
 * meanwhile fail at once instead of queueing (disableOfflineQueue): a publish gets a 503, not a hang. `watch`
 * hears of each outage once, not of every failed reconnect.
 */
export async function connectRedis(url: string, watch?: ConnectionWatch): Promise<RedisClient> {
  let ready = false;
  let lost = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => {
        if (!ready) return retries >= FIRST_CONNECT_ATTEMPTS ? false : RECONNECT_MIN_MS * 5;
        return Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** retries);
      },
    },
  });
  // Every lost connection and failed reconnect is reported here; the reconnect strategy above handles them.
  client.on('error', (error: Error) => {
    if (!ready || lost) return;
    lost = true;
    watch?.lost(error.message);
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    watch?.back();
  });
  const port = Number(new URL(url).port || 6379);
  countRedisTraffic(port);
  try {
    await client.connect();
  } catch (error) {
    throw new SourceUnavailableError(`Redis at ${url} does not answer (${(error as Error).message}): ${REDIS_INSTALL_HINT}`);
  }
  ready = true;
  return client;
}

/**
 * `reply`, or SourceUnavailableError(`message`) once `ms` have passed. node-redis times a command out only while
 * it waits to be written: one written to a Redis that is frozen (SIGSTOP, a stalled host) waits for ever. The
 * reply, if it comes later, is dropped.
 */
export function answerWithin<T>(reply: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SourceUnavailableError(message)), ms);
    reply.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
