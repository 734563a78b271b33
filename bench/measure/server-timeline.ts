import type { Server } from 'node:http';
import { nowMs } from '../../servers/contract/message.js';

/** [start of the 100 ms bucket, wall-clock ms; CPU ms this process spent in it; TCP connections it accepted]. */
export type TimelineBucket = [number, number, number];

/** Fine enough to see a reconnect storm rise and fall, coarse enough to cost nothing. */
export const TIMELINE_BUCKET_MS = 100;

/**
 * What a server process did, 100 ms at a time, on the wall clock every process of the machine shares: the CPU
 * it used and the connections its http.Server accepted. A fault run reads it to draw the storm; buckets of
 * several processes add up by their start time.
 */
export class ServerTimeline {
  private readonly buckets = new Map<number, TimelineBucket>();
  private lastCpu = process.cpuUsage();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.sampleCpu(), TIMELINE_BUCKET_MS);
    this.timer.unref();
  }

  /** Counts every connection `server` accepts from now on. */
  watch(server: Server): void {
    server.on('connection', () => this.bucket(nowMs())[2]++);
  }

  /** Every bucket so far, oldest first (the CPU of the current one up to now). */
  read(): TimelineBucket[] {
    this.sampleCpu();
    return [...this.buckets.values()].sort((a, b) => a[0] - b[0]).map(([at, cpuMs, accepts]) => [at, Math.round(cpuMs * 10) / 10, accepts]);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sampleCpu(): void {
    const spent = process.cpuUsage(this.lastCpu);
    this.lastCpu = process.cpuUsage();
    this.bucket(nowMs())[1] += (spent.user + spent.system) / 1000;
  }

  private bucket(atMs: number): TimelineBucket {
    const start = Math.floor(atMs / TIMELINE_BUCKET_MS) * TIMELINE_BUCKET_MS;
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = [start, 0, 0];
      this.buckets.set(start, bucket);
    }
    return bucket;
  }
}

/** Several processes' buckets as one timeline: CPU and accepts added up per bucket start. */
export function mergeTimelines(timelines: readonly (readonly TimelineBucket[])[]): TimelineBucket[] {
  const merged = new Map<number, TimelineBucket>();
  for (const timeline of timelines) {
    for (const [at, cpuMs, accepts] of timeline) {
      const bucket = merged.get(at) ?? [at, 0, 0];
      bucket[1] = Math.round((bucket[1] + cpuMs) * 10) / 10;
      bucket[2] += accepts;
      merged.set(at, bucket);
    }
  }
  return [...merged.values()].sort((a, b) => a[0] - b[0]);
}
