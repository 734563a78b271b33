import { performance } from 'node:perf_hooks';
import type { PoolRecord, StackProcessCost } from '../../results/stack.js';
import { readPool, type PoolReading } from '../../servers/stack/pool-status.js';
import type { RunningStack } from '../../servers/stack/stack-process.js';
import { readTree, type TreeReading } from './process-tree.js';

/** The pool a few times a second: a worker held for seconds shows, a 1 ms page does not need to. */
export const POOL_SAMPLE_MS = 250;
/** Memory once a second, as the Node server samples its RSS. */
export const MEMORY_SAMPLE_MS = 1_000;

/**
 * What the stack's processes do over a run: CPU and memory of nginx and of PHP-FPM (each program's master and
 * workers), and, with a pool, busy and idle workers (FPM's status page, answered by its own status pool while
 * every worker is held) and the queue for a worker (servers/stack/pool-status.ts).
 */
export class StackSampler {
  private readonly memory: [number, number, number][] = [];
  private readonly poolSamples: [number, number, number, number][] = [];
  private readonly peaks = { nginx: emptyPeak(), phpFpm: emptyPeak() };
  private before: { nginx: TreeReading; phpFpm: TreeReading } | undefined;
  private origin = 0;
  private timers: NodeJS.Timeout[] = [];
  private lastMaxChildren = 0;

  constructor(
    private readonly stack: RunningStack,
    private readonly pool: { workers: number; pm: string } | null,
  ) {}

  /** From now on (the clients are about to connect): CPU counts, and every sample's time counts from here. */
  start(): void {
    this.origin = performance.now();
    this.before = this.readPrograms();
    this.sampleMemory();
    this.timers.push(setInterval(() => this.sampleMemory(), MEMORY_SAMPLE_MS));
    if (this.pool) {
      void this.samplePool();
      this.timers.push(setInterval(() => void this.samplePool(), POOL_SAMPLE_MS));
    }
    for (const timer of this.timers) timer.unref();
  }

  /** ms since start(). */
  elapsedMs(): number {
    return Math.round(performance.now() - this.origin);
  }

  /** The pool now, read afresh; null without a pool or when its status page does not answer. */
  readPool(): Promise<PoolReading | null> {
    return this.pool ? readPool(this.stack) : Promise.resolve(null);
  }

  stop(): { nginx: StackProcessCost; phpFpm?: StackProcessCost; memorySamples: [number, number, number][]; pool?: PoolRecord } {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.sampleMemory();
    const after = this.readPrograms();
    const before = this.before ?? after;
    const cost = (name: 'nginx' | 'phpFpm'): StackProcessCost => ({
      cpuMs: Math.round((after[name].cpuMs - before[name].cpuMs) * 10) / 10,
      ...this.peaks[name],
    });
    const samples = this.poolSamples;
    return {
      nginx: cost('nginx'),
      ...(this.pool && { phpFpm: cost('phpFpm') }),
      memorySamples: this.memory,
      ...(this.pool && {
        pool: {
          ...this.pool,
          samples,
          busyPeak: Math.max(0, ...samples.map((s) => s[1])),
          queuePeak: Math.max(0, ...samples.map((s) => s[3])),
          maxChildrenReached: this.lastMaxChildren,
        },
      }),
    };
  }

  private readPrograms(): { nginx: TreeReading; phpFpm: TreeReading } {
    const pids = this.stack.pids();
    return { nginx: readTree(pids.nginx), phpFpm: readTree(pids.phpFpm) };
  }

  private sampleMemory(): void {
    const now = this.readPrograms();
    for (const name of ['nginx', 'phpFpm'] as const) {
      const peak = this.peaks[name];
      peak.peakRssBytes = Math.max(peak.peakRssBytes, now[name].rssBytes);
      if (now[name].pssBytes !== null) peak.peakPssBytes = Math.max(peak.peakPssBytes ?? 0, now[name].pssBytes);
      peak.processesPeak = Math.max(peak.processesPeak, now[name].processes);
    }
    this.memory.push([this.elapsedMs(), now.nginx.rssBytes, now.phpFpm.rssBytes]);
  }

  private async samplePool(): Promise<void> {
    const at = this.elapsedMs();
    const reading = await this.readPool();
    if (reading === null) return;
    this.lastMaxChildren = reading.maxChildrenReached;
    this.poolSamples.push([at, reading.busy, reading.idle, reading.queued]);
  }
}

function emptyPeak(): Omit<StackProcessCost, 'cpuMs'> {
  return { peakRssBytes: 0, peakPssBytes: null, processesPeak: 0 };
}
