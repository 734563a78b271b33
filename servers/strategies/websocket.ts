import { WebSocket, WebSocketServer } from 'ws';
import { ROUTES, SUBPROTOCOL, WS_CLOSE_GOING_AWAY } from '../constants.js';
import { parseCursor, parseUserId } from '../http-errors.js';
import type { GapFrame, Message } from '../message.js';
import { isVisibleTo, type MessageSource } from '../message-source.js';
import { ServerStrategy, type StrategyContext, type StrategyInfo } from '../strategy.js';

interface Subscriber {
  ws: WebSocket;
  userId: string | undefined;
}

/** WebSocket: one HTTP handshake, then the server pushes one frame per message (claim C5). */
export class WebSocketStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'websocket',
    title: 'WebSocket',
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'One HTTP Upgrade handshake, then one full-duplex connection; the server sends a frame when it has news.',
  };
  readonly info = WebSocketStrategy.info;

  private readonly subscribers = new Set<Subscriber>();
  private wss?: WebSocketServer;
  private source?: MessageSource;

  mount({ source, limits, upgrade }: StrategyContext): void {
    this.source = source;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: limits.wsMaxPayloadBytes,
      // Compression would hide the framing cost the bench measures; browsers offer it, we decline.
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    source.on('message', this.onMessage);
    upgrade(ROUTES.ws, (req, socket, head, url) => {
      const cursor = parseCursor(url.searchParams.get('since') ?? undefined);
      const userId = parseUserId(url.searchParams.get('user') ?? undefined, limits.userIdChars);
      this.emit('request', userId);
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.attach(ws, cursor, userId, source));
    });
  }

  private attach(ws: WebSocket, cursor: number, userId: string | undefined, source: MessageSource): void {
    // The backlog and the subscription are taken in the same tick, so no message falls between them.
    const backlog = source.since(cursor, userId);
    const subscriber: Subscriber = { ws, userId };
    this.subscribers.add(subscriber);
    this.emit('attach', userId);
    ws.on('close', () => {
      this.subscribers.delete(subscriber);
      this.emit('detach', userId);
    });
    // Clients have nothing to say on this channel; frames are read (and bounded by maxPayload) and dropped.
    ws.on('error', () => ws.terminate());
    if (backlog.gap) ws.send(JSON.stringify({ gap: backlog.gap } satisfies GapFrame));
    for (const message of backlog.messages) this.sendFrame(ws, JSON.stringify(message));
  }

  private readonly onMessage = (message: Message): void => {
    // Serialise once per message, not once per subscriber.
    const data = JSON.stringify(message);
    for (const { ws, userId } of this.subscribers) if (isVisibleTo(message, userId)) this.sendFrame(ws, data);
  };

  private sendFrame(ws: WebSocket, data: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(data);
    this.emit('push', 1);
  }

  async close(): Promise<void> {
    this.source?.off('message', this.onMessage);
    const closed = [...this.subscribers].map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(WS_CLOSE_GOING_AWAY, 'server shutting down');
          // A peer that never answers the close handshake is cut off.
          setTimeout(() => ws.terminate(), 1_000).unref();
        }),
    );
    await Promise.all(closed);
    this.wss?.close();
  }
}
