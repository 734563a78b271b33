import { ROUTES } from '../servers/contract/wire.js';
import type { ClientOptions } from './client.js';
import { PollingClient } from './polling-client.js';

export const DEFAULT_POLL_INTERVAL_MS = 1_000;

/**
 * Asks every interval on a fixed schedule, as a browser's setInterval does; a tick that finds the previous
 * poll still in flight is skipped rather than queued.
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
    const tick = () => this.poll(this.path, {}, () => {});
    tick();
    this.timer = setInterval(tick, this.intervalMs);
  }

  protected override async closeTransport(): Promise<void> {
    clearInterval(this.timer);
    await super.closeTransport();
  }
}
