import { ROUTES } from '../servers/contract/wire.js';
import { WebSocketClient } from './websocket.js';

/** The bare ws loop speaks pushbench's own frames (a message or a gap per frame), on its own path. */
export class BareWebSocketClient extends WebSocketClient {
  protected override readonly path: string = ROUTES.wsBare;
}
