import { ROUTES } from '../contract/wire.js';
import { SocketIoPeer } from '../socket-io-peer.js';
import type { StrategyContext, StrategyInfo } from '../strategy.js';

/** Reference: Socket.IO restricted to its WebSocket transport, on a path of its own. */
export class SocketIoWebSocketStrategy extends SocketIoPeer {
  static readonly info: StrategyInfo = {
    name: 'socketio-ws',
    title: 'Socket.IO WebSocket',
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'Socket.IO 4 over its WebSocket transport only: engine.io and Socket.IO packets in every frame, heartbeats included.',
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
