import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import type { ByteLedger } from '../wire/byte-ledger.js';
import { parseUserId, refuse } from './errors.js';
import { afterInboundDelay, delaySocketWrites, removeSocketDelay } from '../wire/network-delay.js';
import type { LeanExchange, LeanHandler, LeanRequest, LeanRouteKind, RouteOwner } from './exchange.js';

/** The methods a lean route takes: GET (HEAD with it) for the strategies' reads, POST for the API's writes. */
export type LeanMethod = 'GET' | 'POST';

export interface LeanRoute {
  readonly method: LeanMethod;
  readonly path: string;
  readonly kind: LeanRouteKind;
  /** Whose the request's bytes and refusals are: a strategy, or the server's control traffic (the API). */
  readonly owner: RouteOwner;
  /**
   * A strategy's route: its requests may carry `client=` (a tag for their bytes) and take the demo's network
   * delay. The API's routes are control traffic, which has neither (as on express, where they were served before).
   */
  readonly forClients: boolean;
  readonly handler: LeanHandler;
}

export interface LeanRoutesOptions {
  ledger: ByteLedger;
  userIdChars: number;
  /** The embedding application's simulated network delay for a strategy's client (PushServerHooks.networkDelayMs). */
  networkDelayMs?: (route: { owner: string; client: string | undefined }) => number;
}

/**
 * The hot routes, served on node:http itself: the strategies' short poll, long poll and event stream, and the
 * API's publish. A request is chosen by method and exact path before anything else, then goes through the same
 * steps express's wrapper took — the socket's bytes claimed for the route's owner (and a strategy's `client=`
 * tag, and the demo's network delay), the handler, a JSON error for whatever it throws — without
 * a router, a middleware chain or `res.json`. Everything else goes to express (`match` says no).
 *
 * A transport hooks in with two calls: `match(req)` on each request, and, when it matches, `serve(route,
 * exchange)` with a LeanExchange of its own (node:http's is built by Http1Connections).
 */
export class LeanRoutes {
  /** GET (and HEAD) routes, then POST routes, by path: one Map lookup per request. */
  private readonly gets = new Map<string, LeanRoute>();
  private readonly posts = new Map<string, LeanRoute>();

  constructor(readonly options: LeanRoutesOptions) {}

  add(route: LeanRoute): void {
    const routes = route.method === 'GET' ? this.gets : this.posts;
    if (routes.has(route.path)) throw new Error(`${route.method} ${route.path} is served twice`);
    routes.set(route.path, route);
  }

  /** The route of a request on exactly its path (query aside) with its method (HEAD as GET); undefined for anything else. */
  match(req: Pick<LeanRequest, 'method' | 'url'>): LeanRoute | undefined {
    const { method } = req;
    const routes = method === 'GET' || method === 'HEAD' ? this.gets : method === 'POST' ? this.posts : undefined;
    if (routes === undefined || routes.size === 0) return undefined;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    return routes.get(query < 0 ? url : url.slice(0, query));
  }

  /**
   * Per request: no closure, no listener (this runs tens of thousands of times a second on the benchmark's hot
   * path; its bookkeeping is most of what the lean path adds to node:http's own floor).
   */
  serve(route: LeanRoute, exchange: LeanExchange): void {
    const { socket } = exchange.connection;
    const { ledger } = this.options;
    const owner = route.owner.info.name;
    const query = parseQueryOf(exchange.req.url ?? '');
    if (!route.forClients) {
      ledger.claim(socket, owner);
      // A keep-alive socket that carried a strategy's delayed requests before carries control traffic now.
      removeSocketDelay(socket);
      return run(route, exchange, query);
    }
    let client: string | undefined;
    try {
      client = parseUserId(query.client, this.options.userIdChars, 'client');
    } catch (error) {
      ledger.claim(socket, owner);
      return refuse(exchange, route.owner, error);
    }
    ledger.claim(socket, owner, client);
    const delayFor = this.options.networkDelayMs;
    if (!delayFor) return run(route, exchange, query);
    const clientRoute = { owner, client };
    delaySocketWrites(socket, () => delayFor(clientRoute));
    afterInboundDelay(delayFor(clientRoute), () => {
      // The client gave up while its request was "on the way": nothing to answer.
      if (!socket.destroyed) run(route, exchange, query);
    });
  }
}

function run(route: LeanRoute, exchange: LeanExchange, query: ParsedUrlQuery): void {
  try {
    route.handler(exchange, query);
  } catch (error) {
    refuse(exchange, route.owner, error);
  }
}

/**
 * The query of `url` as node:querystring parses it (what express's simple parser uses), without its decoding
 * pass for the plain queries every poll sends: one without any escape ('%', '+') splits to the same keys and
 * values. A query that could reach querystring's 1,000-key cap, or has an escape, goes to querystring itself.
 */
export function parseQueryOf(url: string): ParsedUrlQuery {
  const start = url.indexOf('?') + 1;
  if (start === 0) return new ParsedQuery();
  const text = url.slice(start);
  if (text.length >= 1000 || text.includes('%') || text.includes('+')) return parseQuery(text);
  const query = new ParsedQuery();
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from) {
      const equals = text.indexOf('=', from);
      const paired = equals >= 0 && equals < to;
      const key = text.slice(from, paired ? equals : to);
      const value = paired ? text.slice(equals + 1, to) : '';
      const existing = query[key];
      if (existing === undefined) query[key] = value;
      else if (typeof existing === 'string') query[key] = [existing, value];
      else existing.push(value);
    }
    from = to + 1;
  }
  return query;
}

/**
 * An object with own keys only, as querystring's null-prototype result (no inherited `toString`, `__proto__` is
 * a plain key), but one V8 keeps in its fast mode: a null-prototype object is a hash table from the start, and
 * building one per request cost several times the parse itself.
 */
const ParsedQuery = function ParsedQuery() {} as unknown as new () => ParsedUrlQuery;
ParsedQuery.prototype = Object.create(null) as object;
