import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/** How busy one process of the bench was over a window: the evidence for "who was the bottleneck". */
export interface ProcessLoad {
  /** User + system CPU over the window, ms. */
  cpuMs: number;
  windowMs: number;
  /** Event-loop delay p99 and max over the window, microseconds: how late this process ran its timers and I/O. */
  eventLoopDelayP99Us: number;
  eventLoopDelayMaxUs: number;
}

/** The event-loop sampling period, ms. */
export const LOOP_RESOLUTION_MS = 10;

/**
 * How long a server process is watched doing nothing before its clients connect (the idle baseline). An idle
 * Node process with the run's monitors spends well under 1 % of a core, in bursts (a timer, a collection): a
 * second holds a hundred of the monitor's ticks and a sample of the others, and adds a second to each run.
 */
export const IDLE_WINDOW_MS = 1_000;

/**
 * Node's histogram records the whole interval between two samples, the sampling period included (an idle loop
 * reads about 10 ms); the delay is what comes on top of it, in microseconds.
 */
export function loopDelayUs(recordedNs: number): number {
  return Math.max(0, Math.round(recordedNs / 1000) - LOOP_RESOLUTION_MS * 1000);
}

/** Measures this process from `start()` on; `read()` may be called any number of times. */
export class LoadMonitor {
  private cpuAtStart = process.cpuUsage();
  private startedAt = performance.now();
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  start(): void {
    this.cpuAtStart = process.cpuUsage();
    this.startedAt = performance.now();
    this.loopDelay.reset();
    this.loopDelay.enable();
  }

  read(): ProcessLoad {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const measured = this.loopDelay.count > 0;
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      windowMs: performance.now() - this.startedAt,
      eventLoopDelayP99Us: measured ? loopDelayUs(this.loopDelay.percentile(99)) : 0,
      eventLoopDelayMaxUs: measured ? loopDelayUs(this.loopDelay.max) : 0,
    };
  }

  stop(): ProcessLoad {
    const load = this.read();
    this.loopDelay.disable();
    return load;
  }
}

/** Share of one core a process used over its window: 1 means one core busy all the time. */
export function cpuShare(load: Pick<ProcessLoad, 'cpuMs' | 'windowMs'>): number {
  return load.windowMs > 0 ? load.cpuMs / load.windowMs : 0;
}
