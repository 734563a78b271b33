import { ROUTES } from '../servers/contract/wire.js';
import type { ClientOptions } from './client.js';
import { nextPollDelayMs } from './poll-schedule.js';
import { PollingClient } from './polling-client.js';

export const DEFAULT_POLL_INTERVAL_MS = 1_000;

/**
 * Asks every interval on a fixed, drift-free schedule, as a browser's setInterval does (poll-schedule.ts; Node's
 * own setInterval re-arms from when it ran); a tick that finds the previous poll still in flight is skipped rather
 * than queued.
 */
export class ShortPollingClient extends PollingClient {
  /** Where the server answers short polls; a subclass may ask the same on another path. */
  protected readonly path: string = ROUTES.poll;
  protected readonly profiledAs = 'poll';
  private timer?: NodeJS.Timeout;
  private readonly intervalMs: number;

  constructor(options: ClientOptions) {
    super(options);
    this.intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  protected connect(): void {
    const firstPollAtMs = performance.now();
    const tick = () => {
      this.timer = setTimeout(tick, nextPollDelayMs(firstPollAtMs, performance.now(), this.intervalMs));
      this.poll(this.path, {}, () => {});
    };
    tick();
  }

  protected override async closeTransport(): Promise<void> {
    clearTimeout(this.timer);
    await super.closeTransport();
  }
}
