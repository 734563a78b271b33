import type { SimulatedClientClass } from '../../clients/client.js';
import { ExpressLongPollingClient, ExpressShortPollingClient } from '../../clients/express-polling.js';
import { LongPollingClient } from '../../clients/long-polling.js';
import { ShortPollingClient } from '../../clients/short-polling.js';
import { SocketIoPollingClient } from '../../clients/socketio-polling.js';
import { SocketIoWebSocketClient } from '../../clients/socketio-ws.js';
import { ServerSentEventsClient } from '../../clients/sse.js';
import { WebSocketClient } from '../../clients/websocket.js';
import { WebSocketFallbackClient } from '../../clients/websocket-fallback.js';
import { BareWebSocketClient } from '../../clients/ws-bare.js';
import { SERVER_STRATEGIES } from '../../servers/registry.js';
import { ExpressLongPollingStrategy } from '../../servers/peers/express-long-polling.js';
import { ExpressShortPollingStrategy } from '../../servers/peers/express-short-polling.js';
import { LongPollingStrategy } from '../../servers/strategies/long-polling.js';
import { ShortPollingStrategy } from '../../servers/strategies/short-polling.js';
import { SocketIoPollingStrategy } from '../../servers/peers/socketio-polling.js';
import { SocketIoWebSocketStrategy } from '../../servers/peers/socketio-ws.js';
import { ServerSentEventsStrategy } from '../../servers/strategies/sse.js';
import { WebSocketStrategy } from '../../servers/strategies/websocket.js';
import { BareWebSocketStrategy } from '../../servers/peers/ws-bare.js';
import type { ServerStrategyClass } from '../../servers/strategy.js';
import type { StrategyInfo } from '../../servers/contract/strategies.js';

export { OWN_STRATEGY_NAMES, STRATEGY_NAMES } from '../../servers/registry.js';

/** A strategy as the bench runs it: its server half in the server process, its client half in the client processes. */
export interface StrategyPair {
  info: StrategyInfo;
  server: ServerStrategyClass;
  client: SimulatedClientClass;
}

/** The simulated client that speaks to each server half. */
const CLIENT_HALVES = new Map<ServerStrategyClass, SimulatedClientClass>([
  [ShortPollingStrategy, ShortPollingClient],
  [LongPollingStrategy, LongPollingClient],
  [WebSocketStrategy, WebSocketClient],
  [ServerSentEventsStrategy, ServerSentEventsClient],
  [BareWebSocketStrategy, BareWebSocketClient],
  [SocketIoWebSocketStrategy, SocketIoWebSocketClient],
  [SocketIoPollingStrategy, SocketIoPollingClient],
  [ExpressShortPollingStrategy, ExpressShortPollingClient],
  [ExpressLongPollingStrategy, ExpressLongPollingClient],
]);

/** Every strategy with both halves, in the registry's (report) order. */
export const STRATEGIES: readonly StrategyPair[] = SERVER_STRATEGIES.map((server) => {
  const client = CLIENT_HALVES.get(server);
  // A server half without a client half could be served but never benchmarked: fail at load, not mid-run.
  if (!client) throw new Error(`strategy "${server.info.name}" has no client half in bench/plan/strategies.ts`);
  return { info: server.info, server, client };
});

export function findStrategy(name: string): StrategyPair | undefined {
  return STRATEGIES.find((s) => s.info.name === name);
}

/**
 * `--blocked-upgrade`: the strategy whose clients a proxy may refuse at the upgrade, the client that then falls
 * back, and the strategy it falls back to (which the server must mount beside it).
 */
export const UPGRADE_FALLBACK: { strategy: string; client: SimulatedClientClass; fallbackStrategy: string } = {
  strategy: WebSocketStrategy.info.name,
  client: WebSocketFallbackClient,
  fallbackStrategy: LongPollingStrategy.info.name,
};
