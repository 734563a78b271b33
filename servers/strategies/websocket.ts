import { WebSocket, WebSocketServer } from 'ws';
import { ROUTES, SUBPROTOCOL, WS_CLOSE_GOING_AWAY, WS_CLOSE_TRY_AGAIN_LATER, type ServerLimits } from '../constants.js';
import { HttpError, parseCursor, parseUserId } from '../http-errors.js';
import type { GapFrame, Message } from '../message.js';
import { isVisibleTo, type MessageSource } from '../message-source.js';
import { ServerStrategy, type StrategyContext, type StrategyInfo } from '../strategy.js';

interface Subscriber {
  ws: WebSocket;
  userId: string | undefined;
  /** The seq of the last message handed to this client (or passed over as someone else's). */
  cursor: number;
  /** Sending its backlog from the ring: live messages wait in the ring too, so order is kept. */
  replaying: boolean;
}

/** Frames read from the ring per step of a replay. */
const REPLAY_BATCH = 100;

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
  private limits?: ServerLimits;

  mount({ source, limits, upgrade }: StrategyContext): void {
    this.source = source;
    this.limits = limits;
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
      const offered = req.headers['sec-websocket-protocol'];
      if (offered !== undefined && !offered.split(',').some((p) => p.trim() === SUBPROTOCOL)) {
        throw new HttpError(400, `unsupported subprotocol; offer ${SUBPROTOCOL} or none`);
      }
      if (this.subscribers.size >= limits.maxWebSockets) {
        throw new HttpError(503, `too many WebSocket clients (limit ${limits.maxWebSockets})`, { 'Retry-After': '1' });
      }
      this.emit('request', userId);
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.attach(ws, cursor, userId, source));
    });
  }

  private attach(ws: WebSocket, cursor: number, userId: string | undefined, source: MessageSource): void {
    const subscriber: Subscriber = { ws, userId, cursor, replaying: true };
    this.subscribers.add(subscriber);
    this.emit('attach', userId);
    ws.on('close', () => {
      this.subscribers.delete(subscriber);
      this.emit('detach', userId);
    });
    // Clients have nothing to say on this channel; frames are read (and bounded by maxPayload) and dropped.
    ws.on('error', () => ws.terminate());
    this.replay(subscriber, source);
  }

  /**
   * Sends the backlog after the client's cursor at the pace the client reads it: half the send buffer at a
   * time, continuing when the last frame of a step has been flushed. A reconnecting client can be far behind;
   * queueing its whole backlog at once would be the unbounded buffer the limit exists to prevent.
   */
  private replay(subscriber: Subscriber, source: MessageSource): void {
    const { ws, userId } = subscriber;
    const budget = this.limits!.sendBufferBytes / 2;
    while (ws.readyState === WebSocket.OPEN) {
      const { messages, cursor, gap } = source.since(subscriber.cursor, userId, REPLAY_BATCH);
      if (gap) ws.send(JSON.stringify({ gap } satisfies GapFrame));
      if (messages.length === 0) {
        subscriber.cursor = cursor;
        subscriber.replaying = false;
        return;
      }
      for (const message of messages) {
        subscriber.cursor = message.seq;
        this.emit('push', 1);
        if (ws.bufferedAmount < budget) {
          ws.send(JSON.stringify(message));
          continue;
        }
        // The buffer is half full: the rest follows once this frame has been flushed to the kernel.
        ws.send(JSON.stringify(message), () => this.replay(subscriber, source));
        return;
      }
      subscriber.cursor = cursor;
    }
  }

  private readonly onMessage = (message: Message): void => {
    // Serialise once per message, not once per subscriber.
    const data = JSON.stringify(message);
    for (const subscriber of this.subscribers) {
      if (subscriber.replaying) continue;
      subscriber.cursor = message.seq;
      if (isVisibleTo(message, subscriber.userId)) this.sendFrame(subscriber.ws, data);
    }
  };

  private sendFrame(ws: WebSocket, data: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount + data.length > this.limits!.sendBufferBytes) return this.cutOff(ws);
    ws.send(data);
    this.emit('push', 1);
  }

  /**
   * A client that stopped reading would make the server queue every message for it forever. It is cut off
   * instead; its cursor lets it resume from the ring when it comes back.
   */
  private cutOff(ws: WebSocket): void {
    this.emit('cut');
    ws.close(WS_CLOSE_TRY_AGAIN_LATER, 'send buffer over the limit; reconnect from your cursor');
    // The close frame sits behind the full buffer; drop the connection instead of waiting for it.
    ws.terminate();
  }

  override bufferedBytes(): number {
    let total = 0;
    for (const { ws } of this.subscribers) total += ws.bufferedAmount;
    return total;
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
