import { ROUTES } from '../servers/contract/wire.js';
import { PollingClient } from './polling-client.js';

/** Asks again the moment an answer arrives; the server holds each request until there is news. */
export class LongPollingClient extends PollingClient {
  protected connect(): void {
    this.ask();
  }

  private ask(): void {
    this.poll(ROUTES.longPoll, { timeout: this.options.longPollTimeoutMs }, () => this.ask());
  }
}
