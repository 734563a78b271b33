import { parse as parseQuery } from 'node:querystring';
import type { ByteLedger } from '../byte-ledger.js';
import { HttpError, parseUserId } from '../http-errors.js';
import { afterInboundDelay, delaySocketWrites } from '../network-delay.js';
import type { ServerStrategy } from '../strategy.js';
import { sendErrorAnswer } from './answers.js';
import type { LeanExchange, LeanHandler, LeanRequest, LeanRouteKind } from './exchange.js';

export interface LeanRoute {
  readonly path: string;
  readonly kind: LeanRouteKind;
  readonly strategy: ServerStrategy;
  readonly handler: LeanHandler;
}

export interface LeanRoutesOptions {
  ledger: ByteLedger;
  userIdChars: number;
  /** The embedding application's simulated network delay for a strategy's client (PushServerHooks.networkDelayMs). */
  networkDelayMs?: (route: { owner: string; client: string | undefined }) => number;
}

/**
 * The strategies' hot routes (short poll, long poll, event stream), served on node:http itself: chosen by exact
 * path before anything else, then the same steps express's wrapper took — the socket's bytes claimed for the
 * strategy and its `client=` tag, the demo's network delay, the handler, a JSON error for whatever it throws —
 * without a router, a middleware chain or `res.json`. Everything else goes to express (`match` says no).
 *
 * A transport hooks in with two calls: `match(req)` on each request, and, when it matches, `serve(route,
 * exchange)` with a LeanExchange of its own (node:http's is built by Http1Connections).
 */
export class LeanRoutes {
  private readonly routes = new Map<string, LeanRoute>();

  constructor(readonly options: LeanRoutesOptions) {}

  add(path: string, kind: LeanRouteKind, strategy: ServerStrategy, handler: LeanHandler): void {
    if (this.routes.has(path)) throw new Error(`${path} is served twice`);
    this.routes.set(path, { path, kind, strategy, handler });
  }

  /** The route of a GET (or HEAD) on exactly its path, query aside; undefined for anything else. */
  match(req: LeanRequest): LeanRoute | undefined {
    if (this.routes.size === 0 || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    return this.routes.get(query < 0 ? url : url.slice(0, query));
  }

  serve(route: LeanRoute, exchange: LeanExchange): void {
    const { strategy } = route;
    const owner = strategy.info.name;
    const { socket } = exchange.connection;
    const fail = (error: unknown) => {
      strategy.emit('failed', error instanceof HttpError ? error.status : 500);
      sendErrorAnswer(exchange, error);
    };
    const url = exchange.req.url ?? '';
    const search = url.indexOf('?');
    const query = parseQuery(search < 0 ? '' : url.slice(search + 1));
    let client: string | undefined;
    try {
      client = parseUserId(query.client, this.options.userIdChars, 'client');
    } catch (error) {
      this.options.ledger.claim(socket, owner);
      return fail(error);
    }
    this.options.ledger.claim(socket, owner, client);
    const run = () => {
      try {
        route.handler(exchange, query);
      } catch (error) {
        fail(error);
      }
    };
    const delayFor = this.options.networkDelayMs;
    if (!delayFor) return run();
    const clientRoute = { owner, client };
    delaySocketWrites(socket, () => delayFor(clientRoute));
    afterInboundDelay(delayFor(clientRoute), () => {
      // The client gave up while its request was "on the way": nothing to answer.
      if (!socket.destroyed) run();
    });
  }
}
