import { LongPollingClient } from '../clients/long-polling.js';
import { ShortPollingClient } from '../clients/short-polling.js';
import { SocketIoPollingClient } from '../clients/socketio-polling.js';
import { SocketIoWebSocketClient } from '../clients/socketio-ws.js';
import { ServerSentEventsClient } from '../clients/sse.js';
import { WebSocketClient } from '../clients/websocket.js';
import { BareWebSocketClient } from '../clients/ws-bare.js';
import type { SimulatedClientClass } from '../clients/client.js';
import { LongPollingStrategy } from './strategies/long-polling.js';
import { ShortPollingStrategy } from './strategies/short-polling.js';
import { SocketIoPollingStrategy } from './strategies/socketio-polling.js';
import { SocketIoWebSocketStrategy } from './strategies/socketio-ws.js';
import { ServerSentEventsStrategy } from './strategies/sse.js';
import { WebSocketStrategy } from './strategies/websocket.js';
import { BareWebSocketStrategy } from './strategies/ws-bare.js';
import type { ServerStrategyClass, StrategyInfo } from './strategy.js';

export interface StrategyEntry {
  info: StrategyInfo;
  server: ServerStrategyClass;
  client: SimulatedClientClass;
}

function entry(server: ServerStrategyClass, client: SimulatedClientClass): StrategyEntry {
  return { info: server.info, server, client };
}

/** Every strategy, in report order. Adding one is a server file, a client file and one line here. */
export const STRATEGIES: readonly StrategyEntry[] = [
  entry(ShortPollingStrategy, ShortPollingClient),
  entry(LongPollingStrategy, LongPollingClient),
  entry(WebSocketStrategy, WebSocketClient),
  entry(ServerSentEventsStrategy, ServerSentEventsClient),
  // References: peers measured for comparison, run only when asked for (see StrategyInfo.reference).
  entry(BareWebSocketStrategy, BareWebSocketClient),
  entry(SocketIoWebSocketStrategy, SocketIoWebSocketClient),
  entry(SocketIoPollingStrategy, SocketIoPollingClient),
];

export const STRATEGY_NAMES: readonly string[] = STRATEGIES.map((s) => s.info.name);

/** pushbench's own strategies: what the bench runs unless told otherwise. */
export const OWN_STRATEGY_NAMES: readonly string[] = STRATEGIES.filter((s) => !s.info.reference).map((s) => s.info.name);

export function findStrategy(name: string): StrategyEntry | undefined {
  return STRATEGIES.find((s) => s.info.name === name);
}
