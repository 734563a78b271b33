import { WebSocket, WebSocketServer } from 'ws';
import { ROUTES } from '../contract/wire.js';
import { parseCursor, parseUserId } from '../http/errors.js';
import type { GapFrame, Message } from '../contract/message.js';
import { isVisibleTo, messageJson } from '../log/message-source.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { closeGoingAway } from '../delivery/ws-close.js';

interface BareClient {
  ws: WebSocket;
  userId: string | undefined;
}

/**
 * Reference: the least a WebSocket broadcast server can be, to show the limit of the `ws` library itself. The
 * backlog from the client's cursor on connect (resuming is part of the contract), then one serialisation per
 * message and a plain send loop with the per-user check. No pacing, no send-buffer limit, no connection limit:
 * what pushbench's WebSocket strategy adds on top of this loop is what the comparison measures.
 */
export class BareWebSocketStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'ws-bare',
    title: 'Bare ws loop',
    colour: PALETTE.darkGrey,
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'A WebSocketServer and a for-of loop of ws.send(): the floor any WebSocket push server stands on.',
    http2: false,
    reference: true,
  };
  readonly info = BareWebSocketStrategy.info;

  private readonly clients = new Set<BareClient>();
  private stop?: () => void;

  mount({ source, limits, upgrade }: StrategyContext): void {
    const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: limits.wsMaxPayloadBytes });
    upgrade(ROUTES.wsBare, (req, socket, head, url) => {
      const cursor = parseCursor(url.searchParams.get('since') ?? undefined);
      const userId = parseUserId(url.searchParams.get('user') ?? undefined, limits.userIdChars);
      this.emit('request', userId);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const client: BareClient = { ws, userId };
        const { messages, gap } = source.since(cursor, userId);
        if (gap) ws.send(JSON.stringify({ gap } satisfies GapFrame));
        for (const message of messages) ws.send(messageJson(message));
        this.clients.add(client);
        this.emit('attach', userId);
        ws.on('close', () => {
          this.clients.delete(client);
          this.emit('detach', userId);
        });
        ws.on('error', () => ws.terminate());
      });
    });
    const onMessage = (message: Message) => {
      const data = messageJson(message);
      let sent = 0;
      for (const { ws, userId } of this.clients) {
        if (!isVisibleTo(message, userId)) continue;
        ws.send(data);
        sent++;
      }
      this.emit('push', sent);
    };
    source.on('message', onMessage);
    this.stop = () => source.off('message', onMessage);
  }

  async close(): Promise<void> {
    this.stop?.();
    await closeGoingAway([...this.clients].map(({ ws }) => ws));
  }
}
