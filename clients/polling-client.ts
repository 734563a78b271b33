import http from 'node:http';
import type { PollResponse } from '../servers/contract/message.js';
import { SimulatedClient, type ClientOptions } from './client.js';

/** Largest poll answer a client accepts; the server's own limit keeps real answers far below it. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * What the two polling clients share: one keep-alive connection (as a browser keeps to its origin), a GET
 * that parses a poll answer, and recovery from failures. Subclasses only decide when to ask.
 */
export abstract class PollingClient extends SimulatedClient {
  private readonly agent: http.Agent;
  private inFlight?: http.ClientRequest;

  constructor(options: ClientOptions) {
    super(options);
    this.agent = this.wire.agent({ keepAlive: true, maxSockets: 1 });
  }

  protected get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** GETs `path` from the cursor; calls `done` after a successful answer was delivered. */
  protected poll(path: string, params: Record<string, string | number | undefined>, done: () => void): void {
    if (this.stopped || this.inFlight) return;
    const fail = (error: Error) => {
      if (this.inFlight !== request) return;
      this.inFlight = undefined;
      this.retryLater(error, () => this.poll(path, params, done));
    };
    const request = http.get(
      this.url(path, { since: this.cursor, ...params }),
      { agent: this.agent, headers: this.options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) request.destroy(new Error('poll answer over the client limit'));
          else chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (this.inFlight !== request) return;
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return fail(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          let body: PollResponse;
          try {
            body = JSON.parse(text) as PollResponse;
          } catch {
            return fail(new Error('poll answer is not JSON'));
          }
          this.inFlight = undefined;
          this.reportOpen();
          if (body.gap) this.reportGap(body.gap);
          this.deliver(body.messages, body.cursor, 'response');
          done();
        });
      },
    );
    this.inFlight = request;
    request.on('error', fail);
    this.emit('request');
  }

  protected async closeTransport(): Promise<void> {
    this.inFlight?.destroy();
    this.inFlight = undefined;
    this.agent.destroy();
  }
}
