import { ExpressLongPollingStrategy } from './peers/express-long-polling.js';
import { ExpressShortPollingStrategy } from './peers/express-short-polling.js';
import { LongPollingStrategy } from './strategies/long-polling.js';
import { ShortPollingStrategy } from './strategies/short-polling.js';
import { SocketIoPollingStrategy } from './peers/socketio-polling.js';
import { SocketIoWebSocketStrategy } from './peers/socketio-ws.js';
import { ServerSentEventsStrategy } from './strategies/sse.js';
import { WebSocketStrategy } from './strategies/websocket.js';
import { BareWebSocketStrategy } from './peers/ws-bare.js';
import { PhpLongPollingStrategy, PhpShortPollingStrategy } from './stack/php-strategies.js';
import { BareShortPollingStrategy } from './peers/sp-bare.js';
import { BareLongPollingStrategy } from './peers/lp-bare.js';
import { BareServerSentEventsStrategy } from './peers/sse-bare.js';
import type { ServerStrategyClass, StackStrategy, StrategyHalf } from './strategy.js';

/**
 * Every strategy our server serves, in report order. The server knows nothing of clients: the bench pairs each of
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

/** Strategies another stack serves (StrategyInfo.servedBy): the article's own, PHP on PHP-FPM behind nginx. */
export const STACK_STRATEGIES: readonly StackStrategy[] = [PhpShortPollingStrategy, PhpLongPollingStrategy];

/** Every strategy, in report order: ours on our server, ours on the article's stack, then the references. */
export const ALL_STRATEGIES: readonly StrategyHalf[] = [
  ...SERVER_STRATEGIES.filter((s) => !s.info.reference),
  ...STACK_STRATEGIES,
  ...SERVER_STRATEGIES.filter((s) => s.info.reference),
];

/** Every strategy's name: what `--strategies` takes. */
export const STRATEGY_NAMES: readonly string[] = ALL_STRATEGIES.map((s) => s.info.name);

/** What our server mounts by default (`npm run serve`). */
export const SERVED_STRATEGY_NAMES: readonly string[] = SERVER_STRATEGIES.map((s) => s.info.name);

/**
 * pushbench's own strategies on our server: what the bench and the demo run unless told otherwise. The PHP
 * strategies are ours too, but they need Debian's nginx and PHP-FPM: they run when named.
 */
export const OWN_STRATEGY_NAMES: readonly string[] = SERVER_STRATEGIES.filter((s) => !s.info.reference).map((s) => s.info.name);

export function findServerStrategy(name: string): ServerStrategyClass | undefined {
  return SERVER_STRATEGIES.find((s) => s.info.name === name);
}
