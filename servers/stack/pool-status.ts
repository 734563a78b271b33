import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';
import { findOnPath } from '../log/redis/redis-server.js';
import { FPM_STATUS_PATH } from './fpm-config.js';
import type { RunningStack } from './stack-process.js';

/** The pool at one instant. */
export interface PoolReading {
  busy: number;
  idle: number;
  /** Requests in the kernel's accept queue of FPM's socket; -1 when it could not be read. */
  queued: number;
  maxChildrenReached: number;
}

/** One worker of the pool, as FPM's full status page lists it. */
export interface WorkerReading {
  pid: number;
  busy: boolean;
  /** The request it serves now (or served last, when idle): path and query, as nginx passed them. */
  requestUri: string;
  /** How long it has served that request, µs. */
  durationUs: number;
}

const SS = findOnPath('ss', [process.env.PATH ?? '', '/usr/sbin', '/sbin', '/usr/bin', '/bin'].join(delimiter));

/**
 * The pool now: busy and idle workers from FPM's status page (answered by its own status pool while every worker
 * is held), and the queue for a worker from the kernel (the accept queue of FPM's unix socket, read with `ss`: FPM's
 * own "listen queue" is not kept for a unix socket on Linux). Null when the status page does not answer.
 */
export async function readPool(stack: RunningStack): Promise<PoolReading | null> {
  const [body, queued] = await Promise.all([readStatus(stack, '&full'), readQueue(stack)]);
  if (body === null) return null;
  // Counted from the workers' own states: the page's "active processes" leaves out a worker the dynamic pool has
  // just started and that already serves a request (it lags by one while the pool grows).
  const processes = Array.isArray(body.processes) ? body.processes : undefined;
  const busy = processes ? processes.filter((p) => p.state !== 'Idle').length : body['active processes'];
  const idle = processes ? processes.length - busy : body['idle processes'];
  return { busy, idle, queued, maxChildrenReached: body['max children reached'] };
}

/** Every worker of the pool now, in pid order (a seat keeps its place), and the queue; null when the page does not answer. */
export async function readWorkers(stack: RunningStack): Promise<{ workers: WorkerReading[]; queued: number } | null> {
  const [body, queued] = await Promise.all([readStatus(stack, '&full'), readQueue(stack)]);
  if (body === null || !Array.isArray(body.processes)) return null;
  const workers = body.processes
    .map((p) => ({
      pid: Number(p.pid),
      // FPM's states: Idle between requests; Running, Reading headers, Finishing… while it serves one.
      busy: p.state !== 'Idle',
      requestUri: String(p['request uri'] ?? ''),
      durationUs: Number(p['request duration'] ?? 0),
    }))
    .sort((a, b) => a.pid - b.pid);
  return { workers, queued };
}

type StatusBody = Record<string, number> & { processes?: Record<string, string | number>[] };

async function readStatus(stack: RunningStack, extra: string): Promise<StatusBody | null> {
  const text = await stack.ops(`${FPM_STATUS_PATH}?json${extra}`);
  if (text === null) return null;
  try {
    return JSON.parse(text) as StatusBody;
  } catch {
    return null;
  }
}

/** The accept queue of FPM's socket now (ss's Recv-Q of a listening unix socket); -1 when it cannot be read. */
function readQueue(stack: RunningStack): Promise<number> {
  if (SS === null) return Promise.resolve(-1);
  return new Promise((resolve) => {
    execFile(SS, ['-xlnH', 'src', stack.layout.fpmSocket], { timeout: 2_000 }, (error, stdout) => {
      const fields = String(stdout).trim().split(/\s+/);
      const queue = Number(fields[2]);
      resolve(error || fields[1] !== 'LISTEN' || !Number.isInteger(queue) ? -1 : queue);
    });
  });
}
