import { ROUTES } from '../contract/wire.js';
import { SocketIoPeer } from './socket-io-peer.js';
import type { StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/** Reference: Socket.IO restricted to its WebSocket transport, on a path of its own. */
export class SocketIoWebSocketStrategy extends SocketIoPeer {
  static readonly info: StrategyInfo = {
    name: 'socketio-ws',
    title: 'Socket.IO WebSocket',
    colour: PALETTE.midGrey,
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'Socket.IO 4 over its WebSocket transport only: engine.io and Socket.IO packets in every frame, heartbeats included.',
    http2: false,
    reference: true,
  };
  readonly info = SocketIoWebSocketStrategy.info;

  constructor() {
    super('websocket');
  }

  protected mountTransport({ upgrade }: StrategyContext): void {
    upgrade(ROUTES.socketIoWebSocket, (req, socket, head) => {
      this.emit('request', undefined);
      this.engine.handleUpgrade(req, socket, head);
    });
  }
}
