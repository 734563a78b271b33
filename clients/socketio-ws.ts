import { ROUTES } from '../servers/contract/wire.js';
import type { ClientOptions } from './client.js';
import { SocketIoClient } from './socket-io-client.js';

/** Socket.IO's client on its WebSocket transport only: one upgrade, then engine.io frames. */
export class SocketIoWebSocketClient extends SocketIoClient {
  constructor(options: ClientOptions) {
    super(options, 'websocket', ROUTES.socketIoWebSocket);
  }
}
