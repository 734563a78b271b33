import { WebSocket } from 'ws';
import { ROUTES, SUBPROTOCOL } from '../servers/contract/wire.js';
import type { GapFrame, Message } from '../servers/contract/message.js';
import { DEFAULT_WS_CLOSE_TIMEOUT_MS, SimulatedClient } from './client.js';

/** One handshake, then frames pushed by the server; after a drop it reconnects with ?since=cursor. */
export class WebSocketClient extends SimulatedClient {
  /** Where the server's upgrade handler listens; a subclass may speak the same frames on another path. */
  protected readonly path: string = ROUTES.ws;
  private ws?: WebSocket;
  /** Not kept alive: after the handshake the connection belongs to the WebSocket, not to the agent. */
  private readonly agent = this.wire.agent();

  protected connect(): void {
    if (this.stopped) return;
    const url = this.url(this.path, { since: this.cursor }).replace(/^http/, 'ws');
    // Under a browser's profile the upgrade is the browser's, line for line: ws writes its own key, version and
    // subprotocol into the same places (same names, so the same keys of the object), and offers permessage-deflate
    // exactly when the browser does, with the browser's parameters (ws's default offer is Chromium's).
    const profiled = this.profiledHeaders('websocket');
    const ws = new WebSocket(url, SUBPROTOCOL, {
      headers: profiled ? Object.fromEntries(profiled) : this.options.headers,
      perMessageDeflate:
        profiled?.some(([name, value]) => name.toLowerCase() === 'sec-websocket-extensions' && value.includes('permessage-deflate')) ?? false,
      agent: this.agent,
    });
    this.ws = ws;
    this.emit('request');
    let failed = false;
    const fail = (error: Error) => {
      if (failed || this.ws !== ws) return;
      failed = true;
      disarm();
      this.retryLater(error, () => this.connect());
    };
    // A handshake the server does not answer in time is given up (the connection cut) and retried.
    const disarm = this.attemptDeadline((error) => {
      fail(error);
      ws.terminate();
    });
    // Any answer to the upgrade, the 101 or a refusal, is the server's: the rest has no deadline.
    ws.once('upgrade', disarm);
    ws.on('message', (data) => {
      let frame: Message | GapFrame;
      try {
        frame = JSON.parse((data as Buffer).toString()) as Message | GapFrame;
      } catch {
        fail(new Error('frame is not JSON'));
        return ws.terminate();
      }
      if ('gap' in frame) this.reportGap(frame.gap);
      else this.deliver([frame], frame.seq, 'frame');
    });
    // An HTTP answer instead of the 101 is read to its end (so both ends count its bytes), then reported as a
    // failure; a subclass may take the refusal over instead (a client that falls back to another transport).
    ws.on('unexpected-response', (_request, response) => {
      disarm();
      response.resume();
      response.once('end', () => {
        if (this.ws !== ws) return;
        const status = response.statusCode ?? 0;
        if (this.refused(status)) this.ws = undefined;
        else fail(new Error(`Unexpected server response: ${status}`));
        ws.terminate();
      });
    });
    ws.on('open', () => this.reportOpen());
    ws.on('error', (error) => fail(error));
    ws.on('close', (code) => fail(new Error(`WebSocket closed (${code})`)));
  }

  /** The upgrade was answered with `status` instead of 101: true when a subclass takes over (no retry then). */
  protected refused(_status: number): boolean {
    return false;
  }

  protected async closeTransport(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
      // A server that never answers the close handshake is cut off, generously (see DEFAULT_WS_CLOSE_TIMEOUT_MS).
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, this.options.closeTimeoutMs ?? DEFAULT_WS_CLOSE_TIMEOUT_MS).unref();
    });
  }
}
