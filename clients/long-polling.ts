import { ROUTES } from '../servers/contract/wire.js';
import { PollingClient } from './polling-client.js';

/** Asks again the moment an answer arrives; the server holds each request until there is news. */
export class LongPollingClient extends PollingClient {
  /** Where the server holds long polls; a subclass may ask the same on another path. */
  protected readonly path: string = ROUTES.longPoll;
  protected readonly profiledAs = 'long-poll';

  protected connect(): void {
    this.ask();
  }

  private ask(): void {
    // A client that does not name its hold cannot know the server's: it waits as long as undici lets it (300 s).
    const holdMs = this.options.longPollTimeoutMs ?? Infinity;
    this.poll(this.path, { timeout: this.options.longPollTimeoutMs }, () => this.ask(), holdMs);
  }
}
