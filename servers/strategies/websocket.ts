import { WebSocket, WebSocketServer } from 'ws';
import { ROUTES, SUBPROTOCOL, WS_CLOSE_TRY_AGAIN_LATER } from '../contract/wire.js';
import { parseCursor, parseUserId, Refusal } from '../http/errors.js';
import type { GapFrame } from '../contract/message.js';
import { PushFanout, type PushChannel } from '../delivery/push-fanout.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { closeGoingAway } from '../delivery/ws-close.js';

/** WebSocket: one HTTP handshake, then the server pushes one frame per message (claim C5). */
export class WebSocketStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'websocket',
    title: 'WebSocket',
    chineseTitle: 'WebSocket',
    colour: PALETTE.green,
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'One HTTP Upgrade handshake, then one full-duplex connection; the server sends a frame when it has news.',
    http2: false,
    fallback: { to: 'long-polling' },
    inArticle: true,
  };
  readonly info = WebSocketStrategy.info;

  private wss?: WebSocketServer;
  private fanout?: PushFanout<WebSocketChannel>;

  mount({ source, limits, upgrade }: StrategyContext): void {
    const fanout = (this.fanout = new PushFanout<WebSocketChannel>(source, limits, this, 'WebSocket clients'));
    const wss = (this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: limits.wsMaxPayloadBytes,
      // Browsers offer permessage-deflate on every upgrade; whether we accept is the limit's (see its comment).
      perMessageDeflate: limits.wsPerMessageDeflate,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    }));
    // ws hands over the 101 answer's lines just before writing them: the handshake as it goes on the wire.
    wss.on('headers', (lines, req) => this.emit('handshake', req, [...lines]));
    upgrade(ROUTES.ws, (req, socket, head, url) => {
      const cursor = parseCursor(url.searchParams.get('since') ?? undefined);
      const userId = parseUserId(url.searchParams.get('user') ?? undefined, limits.userIdChars);
      const offered = req.headers['sec-websocket-protocol'];
      if (offered !== undefined && !offered.split(',').some((p) => p.trim() === SUBPROTOCOL)) {
        throw new Refusal('badSubprotocol');
      }
      fanout.checkRoom();
      this.emit('request', userId);
      wss.handleUpgrade(req, socket, head, (ws) => {
        fanout.attach(webSocketChannel(ws), cursor, userId);
        // Clients have nothing to say on this channel; frames are read (bounded by maxPayload) and dropped.
        ws.on('error', () => ws.terminate());
      });
    });
  }

  override bufferedBytes(): number {
    return this.fanout?.bufferedBytes() ?? 0;
  }

  async close(): Promise<void> {
    this.fanout?.stop();
    await closeGoingAway((this.fanout?.channels() ?? []).map((channel) => channel.ws));
    this.wss?.close();
  }
}

interface WebSocketChannel extends PushChannel {
  readonly ws: WebSocket;
}

function webSocketChannel(ws: WebSocket): WebSocketChannel {
  return {
    ws,
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    get bufferedBytes() {
      return ws.bufferedAmount;
    },
    sendMessage: (_message, json, flushed) => ws.send(json, flushed && (() => flushed())),
    sendGap: (gap) => ws.send(JSON.stringify({ gap } satisfies GapFrame)),
    cutOff: () => {
      ws.close(WS_CLOSE_TRY_AGAIN_LATER, 'send buffer over the limit; reconnect from your cursor');
      // The close frame sits behind the full buffer; drop the connection instead of waiting for it.
      ws.terminate();
    },
    onClose: (listener) => {
      if (ws.readyState === WebSocket.CLOSED) listener();
      else ws.once('close', () => listener());
    },
  };
}
