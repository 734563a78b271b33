import { ROUTES } from '../servers/contract/wire.js';
import { PollingClient } from './polling-client.js';

/** Asks again the moment an answer arrives; the server holds each request until there is news. */
export class LongPollingClient extends PollingClient {
  /** Where the server holds long polls; a subclass may ask the same on another path. */
  protected readonly path: string = ROUTES.longPoll;

  protected connect(): void {
    this.ask();
  }

  private ask(): void {
    this.poll(this.path, { timeout: this.options.longPollTimeoutMs }, () => this.ask());
  }
}
