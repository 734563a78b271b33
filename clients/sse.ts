import http from 'node:http';
import { ROUTES } from '../servers/contract/wire.js';
import type { Gap, Message } from '../servers/contract/message.js';
import { SimulatedClient } from './client.js';

/** Longest event the client accepts before calling the stream broken. */
const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * Reads a text/event-stream as a browser's EventSource does: events separated by a blank line, `id:` moves
 * the cursor, and a reconnect sends it back as Last-Event-ID.
 */
export class ServerSentEventsClient extends SimulatedClient {
  private request?: http.ClientRequest;
  private readonly agent = this.wire.agent({ keepAlive: true, maxSockets: 1 });

  protected connect(): void {
    if (this.stopped) return;
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...this.options.headers };
    if (this.cursor > 0) headers['Last-Event-ID'] = String(this.cursor);
    let failed = false;
    const fail = (error: Error) => {
      if (failed || this.request !== request) return;
      failed = true;
      this.retryLater(error, () => this.connect());
    };
    const request = http.get(this.url(ROUTES.sse, { since: this.cursor }), { agent: this.agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new Error(`HTTP ${res.statusCode}`));
      }
      this.reportOpen();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        try {
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        } catch {
          return request.destroy(new Error('event stream carried an event that is not JSON'));
        }
        if (buffer.length > MAX_EVENT_BYTES) request.destroy(new Error('event over the client limit'));
      });
      res.on('end', () => fail(new Error('event stream ended')));
      res.on('error', fail);
    });
    this.request = request;
    request.on('error', fail);
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
    this.request?.destroy();
    this.request = undefined;
    this.agent.destroy();
  }
}
