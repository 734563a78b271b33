import type { SimulatedClientClass } from '../../clients/client.js';
import { browserClientOf } from '../../clients/browser/lane-clients.js';
import { ExpressLongPollingClient, ExpressShortPollingClient } from '../../clients/express-polling.js';
import { LongPollingClient } from '../../clients/long-polling.js';
import { ShortPollingClient } from '../../clients/short-polling.js';
import { SocketIoPollingClient } from '../../clients/socketio-polling.js';
import { SocketIoWebSocketClient } from '../../clients/socketio-ws.js';
import { ServerSentEventsClient } from '../../clients/sse.js';
import { WebSocketClient } from '../../clients/websocket.js';
import { WebSocketFallbackClient } from '../../clients/websocket-fallback.js';
import { BareWebSocketClient } from '../../clients/ws-bare.js';
import { BareLongPollingClient, BareServerSentEventsClient, BareShortPollingClient } from '../../clients/bare-http.js';
import { ALL_STRATEGIES } from '../../servers/registry.js';
import { ExpressLongPollingStrategy } from '../../servers/peers/express-long-polling.js';
import { ExpressShortPollingStrategy } from '../../servers/peers/express-short-polling.js';
import { LongPollingStrategy } from '../../servers/strategies/long-polling.js';
import { ShortPollingStrategy } from '../../servers/strategies/short-polling.js';
import { SocketIoPollingStrategy } from '../../servers/peers/socketio-polling.js';
import { SocketIoWebSocketStrategy } from '../../servers/peers/socketio-ws.js';
import { ServerSentEventsStrategy } from '../../servers/strategies/sse.js';
import { WebSocketStrategy } from '../../servers/strategies/websocket.js';
import { BareWebSocketStrategy } from '../../servers/peers/ws-bare.js';
import { PhpLongPollingStrategy, PhpShortPollingStrategy } from '../../servers/stack/php-strategies.js';
import { BareShortPollingStrategy } from '../../servers/peers/sp-bare.js';
import { BareLongPollingStrategy } from '../../servers/peers/lp-bare.js';
import { BareServerSentEventsStrategy } from '../../servers/peers/sse-bare.js';
import { isServedByNode, type ServerStrategyClass, type StrategyHalf } from '../../servers/strategy.js';
import type { StrategyInfo } from '../../servers/contract/strategies.js';

export { OWN_STRATEGY_NAMES, STRATEGY_NAMES } from '../../servers/registry.js';

/** A strategy as the bench runs it: its server half in the server process, its client half in the client processes. */
export interface StrategyPair {
  info: StrategyInfo;
  /** Our server's half; absent for a strategy another stack serves (its facts say `servedBy`). */
  server?: ServerStrategyClass;
  client: SimulatedClientClass;
  /**
   * For a strategy whose facts name a fallback: the strategy the clients fall back to, and the client that tries
   * this one first and falls back when refused (`--blocked-upgrade`).
   */
  fallback?: { strategy: string; client: SimulatedClientClass };
}

/** The client half of one strategy, and for a strategy with a fallback fact, the client that falls back. */
interface ClientHalf {
  client: SimulatedClientClass;
  fallbackClient?: SimulatedClientClass;
}

/** The simulated client that speaks to each server half: one line per strategy. */
const CLIENT_HALVES = new Map<StrategyHalf, ClientHalf>([
  [ShortPollingStrategy, { client: ShortPollingClient }],
  [LongPollingStrategy, { client: LongPollingClient }],
  [WebSocketStrategy, { client: WebSocketClient, fallbackClient: WebSocketFallbackClient }],
  [ServerSentEventsStrategy, { client: ServerSentEventsClient }],
  [BareShortPollingStrategy, { client: BareShortPollingClient }],
  [BareLongPollingStrategy, { client: BareLongPollingClient }],
  [BareWebSocketStrategy, { client: BareWebSocketClient }],
  [BareServerSentEventsStrategy, { client: BareServerSentEventsClient }],
  [SocketIoWebSocketStrategy, { client: SocketIoWebSocketClient }],
  [SocketIoPollingStrategy, { client: SocketIoPollingClient }],
  [ExpressShortPollingStrategy, { client: ExpressShortPollingClient }],
  [ExpressLongPollingStrategy, { client: ExpressLongPollingClient }],
  // The PHP strategies speak our contract on our routes: our polling clients drive them.
  [PhpShortPollingStrategy, { client: ShortPollingClient }],
  [PhpLongPollingStrategy, { client: LongPollingClient }],
]);

/**
 * Every strategy with both halves, in the registry's (report) order. A server half that could be served but never
 * benchmarked, or a fallback fact the bench could not act on, fails at load, not mid-run.
 */
export const STRATEGIES: readonly StrategyPair[] = ALL_STRATEGIES.map((server) => {
  const { info } = server;
  const half = CLIENT_HALVES.get(server);
  if (!half) throw new Error(`strategy "${info.name}" has no client half in bench/plan/strategies.ts`);
  const pair: StrategyPair = { info, client: half.client, ...(isServedByNode(server) && { server }) };
  if (info.fallback) {
    const to = info.fallback.to;
    if (!ALL_STRATEGIES.some((other) => other.info.name === to && other !== server)) {
      throw new Error(`strategy "${info.name}" falls back to "${to}", which is no other registered strategy`);
    }
    if (!half.fallbackClient) throw new Error(`strategy "${info.name}" falls back to "${to}" but has no fallback client in bench/plan/strategies.ts`);
    pair.fallback = { strategy: to, client: half.fallbackClient };
  } else if (half.fallbackClient) {
    throw new Error(`strategy "${info.name}" has a fallback client but its facts name no fallback`);
  }
  return pair;
});

export function findStrategy(name: string): StrategyPair | undefined {
  return STRATEGIES.find((s) => s.info.name === name);
}

/** The strategies whose clients may be refused at the upgrade and fall back (`--blocked-upgrade`). */
export const FALLING_BACK_STRATEGY_NAMES: readonly string[] = STRATEGIES.filter((s) => s.fallback).map((s) => s.info.name);

/**
 * The strategies a real-browser fleet can run (`--fleet chromium`): pushbench's own whose browser client the demo
 * has (clients/browser/lane-clients.ts), on our server. The references' browser clients would be their libraries',
 * not ours; the PHP lane's asks the demo's pass-through to its stack, which a fleet's page (on our server) has not.
 */
export const BROWSER_FLEET_STRATEGY_NAMES: readonly string[] = STRATEGIES.filter(
  (s) => !s.info.reference && s.server !== undefined && browserClientOf(s.info.name),
).map((s) => s.info.name);
