import { ROUTES } from '../contract/wire.js';
import { SocketIoPeer } from './socket-io-peer.js';
import type { RouteHandler, StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/**
 * Reference: Socket.IO restricted to its HTTP long-polling transport. A client holds a GET open to receive and
 * POSTs what it sends (its heartbeat answers, its handshake), so the path takes both methods.
 */
export class SocketIoPollingStrategy extends SocketIoPeer {
  static readonly info: StrategyInfo = {
    name: 'socketio-polling',
    title: 'Socket.IO polling',
    colour: PALETTE.lightGrey,
    direction: 'pull',
    connection: 'held-request',
    claim: 'C3',
    summary: 'Socket.IO 4 over its long-polling transport only: a held GET to receive, a POST to send, heartbeats included.',
    http2: false,
    reference: true,
  };
  readonly info = SocketIoPollingStrategy.info;

  constructor() {
    super('polling');
  }

  protected mountTransport({ route }: StrategyContext): void {
    const handle: RouteHandler = (req, res) => {
      this.emit('request', undefined);
      this.engine.handleRequest(req, res);
    };
    route('GET', ROUTES.socketIoPolling, handle);
    route('POST', ROUTES.socketIoPolling, handle);
  }
}
