import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection on demand, without starting the process with --expose-gc: the flag is set at run
 * time and the `gc` function taken from a fresh context, as V8 exposes it there once the flag is on.
 */
let collect: (() => void) | undefined;
function gc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/**
 * RSS after a full collection: without it, the garbage of 10,000 handshakes not yet collected would be
 * counted as memory the connections hold.
 */
export function settledRssBytes(): number {
  gc();
  return process.memoryUsage.rss();
}

/** RSS and the V8 heap in use, after one full collection. */
export function settledMemory(): { rssBytes: number; heapUsedBytes: number } {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed };
}
