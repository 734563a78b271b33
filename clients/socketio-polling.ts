import { ROUTES } from '../servers/contract/wire.js';
import type { ClientOptions } from './client.js';
import { SocketIoClient } from './socket-io-client.js';

/** Socket.IO's client on its long-polling transport only: a held GET to receive, a POST to send. */
export class SocketIoPollingClient extends SocketIoClient {
  constructor(options: ClientOptions) {
    super(options, 'polling', ROUTES.socketIoPolling);
  }
}
