import { StringDecoder } from 'node:string_decoder';
import type { Client } from 'undici';
import { ROUTES } from '../servers/contract/wire.js';
import type { Gap, Message } from '../servers/contract/message.js';
import { SimulatedClient, type ClientOptions } from './client.js';
import { flatHeaders } from './header-profile.js';
import { originClient } from './origin-client.js';

/** Longest event the client accepts before calling the stream broken. */
const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * Reads a text/event-stream as a browser's EventSource does: events separated by a blank line, `id:` moves
 * the cursor, and a reconnect sends it back as Last-Event-ID. Over HTTP/1.1 the stream holds a connection; over
 * HTTP/2 it is one stream of the client's session.
 */
export class ServerSentEventsClient extends SimulatedClient {
  /** Where the server's event stream is; a subclass may read the same stream on another path. */
  protected readonly path: string = ROUTES.sse;
  /** The event stream being read, by identity: an end or error of an earlier one is ignored. */
  private stream?: object;
  private http: Client;

  constructor(options: ClientOptions) {
    super(options);
    this.http = this.origin();
  }

  private origin(): Client {
    // An event stream may be quiet for as long as there is no news: no body timeout, as in a browser.
    return originClient(this.options.baseUrl, this.wire, this.options.httpVersion, { pipelining: 1, bodyTimeout: 0 });
  }

  protected connect(): void {
    if (this.stopped) return;
    // A browser's EventSource sends Last-Event-ID only when it reconnects, having seen an id.
    const lastEventId = this.cursor > 0 ? String(this.cursor) : undefined;
    const profiled = this.profiledHeaders(lastEventId === undefined ? 'event-stream' : 'event-stream-reconnect', lastEventId);
    let headers: string[] | Record<string, string>;
    if (profiled) headers = flatHeaders(profiled);
    else {
      headers = { accept: 'text/event-stream', ...this.options.headers };
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    }
    const stream = {};
    this.stream = stream;
    let failed = false;
    const fail = (error: Error) => {
      if (failed || this.stream !== stream) return;
      failed = true;
      disarm();
      this.retryLater(error, () => this.connect());
    };
    // A stream whose headers do not come in time is given up with its connection; the retry opens a new one.
    const disarm = this.attemptDeadline((error) => {
      fail(error);
      const abandoned = this.http;
      if (!this.stopped) this.http = this.origin();
      abandoned.destroy().catch(() => {});
    });
    let status = 0;
    let buffer = '';
    const decoder = new StringDecoder('utf8');
    this.http.dispatch(
      { method: 'GET', path: this.target(this.path, { since: this.cursor }), headers },
      {
        // Its presence tells undici this is a handler of its current interface.
        onRequestStart: () => {},
        onResponseStart: (_controller, statusCode) => {
          disarm();
          status = statusCode;
          if (status === 200) this.reportOpen();
        },
        onResponseData: (controller, chunk) => {
          // A refusal's body is read to its end (so both ends count the same bytes) and then reported.
          if (status !== 200 || this.stream !== stream) return;
          buffer += decoder.write(chunk);
          let end: number;
          try {
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              this.onEvent(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
            }
          } catch {
            return controller.abort(new Error('event stream carried an event that is not JSON'));
          }
          if (buffer.length > MAX_EVENT_BYTES) controller.abort(new Error('event over the client limit'));
        },
        onResponseEnd: () => fail(new Error(status === 200 ? 'event stream ended' : `HTTP ${status}`)),
        onResponseError: (_controller, error) => fail(error),
      },
    );
    this.emit('request');
  }

  private onEvent(block: string): void {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += data ? `\n${value}` : value;
    }
    if (!data) return;
    if (event === 'gap') this.reportGap(JSON.parse(data) as Gap);
    else {
      const message = JSON.parse(data) as Message;
      this.deliver([message], message.seq, 'frame');
    }
  }

  protected async closeTransport(): Promise<void> {
    this.stream = undefined;
    await this.wire.closeSecure(this.tlsCloseTimeoutMs);
    await this.http.destroy();
  }
}
