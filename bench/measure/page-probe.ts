import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PageProbeRecord } from '../../results/stack.js';
import { createLatencyHistogram, encodeHistogram, summarizeLatency } from './histogram.js';

/** Four customers a second: enough to draw the wait over time, a few ms of a worker each. */
export const PAGE_PROBE_INTERVAL_MS = 250;

/**
 * An ordinary page of the site, asked for every PAGE_PROBE_INTERVAL_MS, open loop: a probe goes out when it is due
 * whether or not the previous one was answered (a customer does not wait for the one before), and its latency
 * counts from when it was due. Each waits on a connection of its own when the others are busy (keep-alive
 * otherwise), as browsers of different customers would.
 */
export class PageProbe {
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly histogram = createLatencyHistogram();
  private readonly samples: [number, number | null][] = [];
  private readonly pending = new Set<http.ClientRequest>();
  private timer: NodeJS.Timeout | undefined;
  private origin = 0;
  private sent = 0;
  private answered = 0;
  private failed = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly path: string,
  ) {}

  /** Probes now and every interval after; sample times count from `originMs` (performance.now()). */
  start(originMs: number): void {
    this.origin = originMs;
    const startedAt = performance.now();
    let next = 0;
    const tick = () => {
      if (this.stopped) return;
      const dueAt = startedAt + next * PAGE_PROBE_INTERVAL_MS;
      this.probe(dueAt);
      next++;
      this.timer = setTimeout(tick, Math.max(0, startedAt + next * PAGE_PROBE_INTERVAL_MS - performance.now()));
    };
    tick();
  }

  /** Probes in flight (each is a request the pool is serving or queueing). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Stops probing; a probe still waiting counts as failed (the run ended before its answer). */
  stop(): PageProbeRecord {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const request of this.pending) request.destroy();
    this.failed += this.pending.size;
    this.pending.clear();
    this.agent.destroy();
    return {
      path: this.path,
      intervalMs: PAGE_PROBE_INTERVAL_MS,
      sent: this.sent,
      answered: this.answered,
      failed: this.failed,
      latencyUs: summarizeLatency(this.histogram),
      latencyHistogram: encodeHistogram(this.histogram),
      samples: this.samples,
    };
  }

  private probe(dueAt: number): void {
    this.sent++;
    const sample: [number, number | null] = [Math.round(dueAt - this.origin), null];
    this.samples.push(sample);
    const request = http.get(`${this.url}${this.path}`, { agent: this.agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (!this.pending.delete(request)) return;
        const latencyMs = performance.now() - dueAt;
        if (res.statusCode === 200) {
          this.answered++;
          this.histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
          sample[1] = Math.round(latencyMs * 10) / 10;
        } else {
          this.failed++;
        }
      });
    });
    this.pending.add(request);
    request.on('error', () => {
      if (!this.pending.delete(request)) return;
      this.failed++;
    });
  }
}
