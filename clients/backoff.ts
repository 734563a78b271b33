/**
 * How a client waits before trying again after a failure (a refused connection, a dropped one, an error
 * answer), `failures` being the failed attempts since it last got an answer:
 * - `full-jitter` (the default): a uniform draw between 0 and min·2^failures, capped at max — the clients of a
 *   killed server come back spread over the whole window instead of in waves (AWS's "full jitter");
 * - `exponential`: min·2^failures, capped at max, no randomness — every client of one crash retries in step;
 * - `none`: no backoff, a retry every `min` ms however often it fails (a tight loop, bounded by `min`).
 */
export type BackoffPolicy = 'none' | 'exponential' | 'full-jitter';

export const BACKOFF_POLICIES: readonly BackoffPolicy[] = ['none', 'exponential', 'full-jitter'];

export const DEFAULT_BACKOFF: BackoffPolicy = 'full-jitter';

/** The wait before the next attempt, ms. `random` is a draw in [0, 1). */
export function reconnectDelayMs(policy: BackoffPolicy, failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  if (policy === 'none') return minMs;
  // 2^failures overflows to Infinity long after it passed any sane cap; Math.min keeps the cap.
  const ceiling = Math.min(maxMs, minMs * 2 ** failures);
  return policy === 'exponential' ? ceiling : random() * ceiling;
}
