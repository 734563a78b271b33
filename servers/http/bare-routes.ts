import type http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { refuse } from './errors.js';
import type { RouteOwner } from './exchange.js';

/**
 * node's own request, of HTTP/1.1 (http.IncomingMessage) or of HTTP/2's compatibility API (Http2ServerRequest):
 * the part of it a bare loop reads.
 */
export interface BareRequest {
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * node's own response, of HTTP/1.1 (http.ServerResponse) or of HTTP/2's compatibility API (Http2ServerResponse):
 * the part a bare loop writes with. Both take headers as a flat [name, value, …] list.
 */
export interface BareResponse {
  writeHead(statusCode: number, headers: string[]): unknown;
  write(chunk: string | Buffer): boolean;
  end(chunk?: string | Buffer): unknown;
  flushHeaders(): void;
  once(event: 'close', listener: () => void): unknown;
  readonly writableEnded: boolean;
}

/** A bare loop's GET handler: one function for both HTTP versions, as `http.createServer` and `http2.createServer` take. */
export type BareHandler = (req: BareRequest, res: BareResponse) => void;

export interface BareRoute {
  readonly owner: RouteOwner;
  readonly handler: BareHandler;
}

/**
 * The reference bare loops' routes: a GET on exactly one path, handed node's own request and response before
 * anything the app does per request on its other routes (the connection rules of Http1Connections, the request
 * guard, the lean path's attribution per answer, the demo's delay). What the app still does per connection (the
 * look at its first bytes for the HTTP/2 preface, its byte ledger) it does for every route alike. What a bare loop
 * then costs is node:http's (or node:http2's) own cost and the loop's: the floor its strategy of ours stands on.
 */
export class BareRoutes {
  private readonly routes = new Map<string, BareRoute>();

  get size(): number {
    return this.routes.size;
  }

  add(path: string, owner: RouteOwner, handler: BareHandler): void {
    if (this.routes.has(path)) throw new Error(`${path} is served twice`);
    this.routes.set(path, { owner, handler });
  }

  /** The route of a GET on exactly its path, query aside; undefined for anything else (and at once when none is mounted). */
  match(method: string | undefined, url: string | undefined): BareRoute | undefined {
    if (this.routes.size === 0 || method !== 'GET' || url === undefined) return undefined;
    const query = url.indexOf('?');
    return this.routes.get(query < 0 ? url : url.slice(0, query));
  }

  /** Runs the handler; whatever it throws (a bad cursor) is answered by the one error path, counted against the loop. */
  serve(route: BareRoute, req: BareRequest, res: BareResponse): void {
    try {
      route.handler(req, res);
    } catch (error) {
      // Either version's response: the error path tells them apart itself.
      refuse(res as unknown as http.ServerResponse, route.owner, error);
    }
  }
}
