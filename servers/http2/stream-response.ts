import type http2 from 'node:http2';
import { CONNECTION_HEADERS } from '../http/errors.js';
import type { LeanResponse } from '../http/exchange.js';

/**
 * An answer written on an HTTP/2 stream through node's core API (`stream.respond()`, `stream.write()`,
 * `stream.end()`), offering what node:http's ServerResponse offers the lean path and the bare loops. The hot routes
 * skip node's compatibility objects this way: building a request and a response per stream, and answering every
 * stream with an empty DATA frame after its body (the compatibility response waits for trailers it never has), cost
 * more than the rest of an HTTP/2 poll does. Header names go lowercase, as HTTP/2 wants them, and the fields that
 * only mean something on one HTTP/1.1 connection are dropped (HTTP/2 forbids them). Writing to a stream its client
 * has closed or reset, or after the answer's end, does nothing and says so (false).
 */
export class StreamResponse implements LeanResponse {
  private fields: http2.OutgoingHttpHeaders | undefined;

  constructor(
    readonly stream: http2.ServerHttp2Stream,
    /** A HEAD request: its answer is the header block alone. */
    private readonly head: boolean,
  ) {}

  get headersSent(): boolean {
    return this.stream.headersSent;
  }

  /** The answer has ended (a HEAD request's stream is ended from the start: its answer ends with its headers). */
  get writableEnded(): boolean {
    return this.head ? this.stream.headersSent : this.stream.writableEnded;
  }

  get writableLength(): number {
    return this.stream.writableLength;
  }

  writeHead(statusCode: number, headers: string[]): this {
    const fields: http2.OutgoingHttpHeaders = { ':status': statusCode };
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i].toLowerCase();
      if (!CONNECTION_HEADERS.has(name)) fields[name] = headers[i + 1];
    }
    this.fields = fields;
    return this;
  }

  flushHeaders(): void {
    if (this.isOpen()) this.respond(false);
  }

  write(chunk: string | Buffer, callback?: (error?: Error | null) => void): boolean {
    if (!this.isOpen() || this.writableEnded) return false;
    this.respond(false);
    if (this.head) return true;
    return this.stream.write(chunk, callback);
  }

  end(chunk?: string | Buffer): this {
    if (!this.isOpen()) return this;
    const empty = chunk === undefined || chunk.length === 0 || this.head;
    if (!this.stream.headersSent) {
      // The whole answer in one go: HEADERS, then one DATA frame that ends the stream (or HEADERS alone ending it).
      this.respond(empty);
      if (!empty) this.stream.end(chunk);
    } else if (!this.stream.writableEnded) {
      if (empty) this.stream.end();
      else this.stream.end(chunk);
    }
    return this;
  }

  destroy(): this {
    this.stream.destroy();
    return this;
  }

  on(event: 'close' | 'finish', listener: () => void): this {
    this.stream.on(event, listener);
    return this;
  }

  once(event: 'close' | 'finish', listener: () => void): this {
    this.stream.once(event, listener);
    return this;
  }

  private respond(endStream: boolean): void {
    if (this.stream.headersSent) return;
    // Node ends the writable side of a HEAD request's stream as it arrives: its answer ends with its headers.
    this.stream.respond(this.fields ?? { ':status': 200 }, endStream || this.head ? { endStream: true } : undefined);
  }

  /** False once the client has closed or reset the stream: nothing can be sent on it any more. */
  private isOpen(): boolean {
    return !this.stream.destroyed && !this.stream.closed;
  }
}
