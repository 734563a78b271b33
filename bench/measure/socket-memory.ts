import { spawnSync } from 'node:child_process';

/**
 * Kernel memory charged to a server's TCP sockets, as `ss -tm` shows it per socket (skmem): rmem_alloc (r),
 * wmem_alloc (t), forward allocation (f), wmem_queued (w), option memory (o) and backlog (bl). /proc/net/sockstat
 * counts the whole machine (both ends of every loopback connection, and anything else running), so the figure is
 * taken per socket, for the sockets whose local port is the server's.
 */
export interface SocketMemory {
  sockets: number;
  bytes: number;
}

/** The skmem fields that are memory held (rb and tb are limits, d is a drop count). */
const HELD_FIELDS = new Set(['r', 't', 'f', 'w', 'o', 'bl']);

/** Sums the held skmem fields of every socket in `ss -tm` output. */
export function parseSkmem(output: string): SocketMemory {
  let sockets = 0;
  let bytes = 0;
  for (const match of output.matchAll(/skmem:\(([^)]*)\)/g)) {
    sockets++;
    for (const field of match[1].split(',')) {
      const parsed = /^([a-z]+)(\d+)$/.exec(field);
      if (parsed && HELD_FIELDS.has(parsed[1])) bytes += Number(parsed[2]);
    }
  }
  return { sockets, bytes };
}

/** Longest `ss` may take: 10,000 sockets are listed in well under a second. */
const SS_TIMEOUT_MS = 10_000;

/**
 * The established TCP sockets whose local port is `port` (the server's side of every connection), or undefined
 * when `ss` (iproute2) is not installed or fails: the figure is then left out, never guessed.
 */
export function serverSocketMemory(port: number): SocketMemory | undefined {
  const run = spawnSync('ss', ['-tmnH', 'state', 'established', `( sport = :${port} )`], {
    encoding: 'utf8',
    timeout: SS_TIMEOUT_MS,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error || run.status !== 0) return undefined;
  return parseSkmem(run.stdout);
}
