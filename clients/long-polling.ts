import { ROUTES } from '../servers/contract/wire.js';
import { PollingClient } from './polling-client.js';

/** Asks again the moment an answer arrives; the server holds each request until there is news. */
export class LongPollingClient extends PollingClient {
  private startTimer?: NodeJS.Timeout;

  start(): void {
    this.startTimer = setTimeout(() => this.ask(), this.options.firstPollDelayMs ?? 0);
  }

  private ask(): void {
    this.poll(ROUTES.longPoll, { timeout: this.options.longPollTimeoutMs }, () => this.ask());
  }

  protected override async closeTransport(): Promise<void> {
    clearTimeout(this.startTimer);
    await super.closeTransport();
  }
}
