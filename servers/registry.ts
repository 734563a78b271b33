import { ExpressLongPollingStrategy } from './peers/express-long-polling.js';
import { ExpressShortPollingStrategy } from './peers/express-short-polling.js';
import { LongPollingStrategy } from './strategies/long-polling.js';
import { ShortPollingStrategy } from './strategies/short-polling.js';
import { SocketIoPollingStrategy } from './peers/socketio-polling.js';
import { SocketIoWebSocketStrategy } from './peers/socketio-ws.js';
import { ServerSentEventsStrategy } from './strategies/sse.js';
import { WebSocketStrategy } from './strategies/websocket.js';
import { BareWebSocketStrategy } from './peers/ws-bare.js';
import { BareShortPollingStrategy } from './peers/sp-bare.js';
import { BareLongPollingStrategy } from './peers/lp-bare.js';
import { BareServerSentEventsStrategy } from './peers/sse-bare.js';
import type { ServerStrategyClass } from './strategy.js';

/**
 * Every strategy's server half, in report order. The server knows nothing of clients: the bench pairs each of
 * these with its simulated client (bench/plan/strategies.ts).
 */
export const SERVER_STRATEGIES: readonly ServerStrategyClass[] = [
  ShortPollingStrategy,
  LongPollingStrategy,
  WebSocketStrategy,
  ServerSentEventsStrategy,
  // References: peers measured for comparison, run only when asked for (see StrategyInfo.reference). First the
  // bare loops, each the floor of one of ours, in the order of ours.
  BareShortPollingStrategy,
  BareLongPollingStrategy,
  BareWebSocketStrategy,
  BareServerSentEventsStrategy,
  SocketIoWebSocketStrategy,
  SocketIoPollingStrategy,
  ExpressShortPollingStrategy,
  ExpressLongPollingStrategy,
];

export const STRATEGY_NAMES: readonly string[] = SERVER_STRATEGIES.map((s) => s.info.name);

/** pushbench's own strategies: what the bench and the demo run unless told otherwise. */
export const OWN_STRATEGY_NAMES: readonly string[] = SERVER_STRATEGIES.filter((s) => !s.info.reference).map((s) => s.info.name);

export function findServerStrategy(name: string): ServerStrategyClass | undefined {
  return SERVER_STRATEGIES.find((s) => s.info.name === name);
}
