import http from 'node:http';
import http2 from 'node:http2';
import type { Express } from 'express';
import { CONNECTION_HEADERS, Refusal, refuse, type RefusalOwner } from '../http/errors.js';

type Handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

/**
 * Serves HTTP/2 requests (node's compatibility API) with an express 5 app.
 *
 * express gives each request it serves its own prototypes, `app.request` and `app.response`, which it builds
 * on node:http's IncomingMessage and ServerResponse. An HTTP/2 compatibility request would lose its own getters
 * (`url`, `method`, `headers`) that way, so express alone cannot serve it. Here the same express methods are
 * laid over http2's compatibility classes instead, and the request goes to the app's router as `app.handle` would
 * send it: the routes, the body parsers and the error handlers are the app's own, shared with HTTP/1.1.
 */
export function expressOverHttp2(app: Express, control: RefusalOwner): Handler {
  const request = rebase(app.request, http.IncomingMessage.prototype, http2.Http2ServerRequest.prototype);
  const response = rebase(app.response, http.ServerResponse.prototype, http2.Http2ServerResponse.prototype);
  // http2's own setHeader, called on each response with `.call(this, …)` below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setHeader = http2.Http2ServerResponse.prototype.setHeader;
  Object.defineProperty(response, 'setHeader', {
    value: function (this: http2.Http2ServerResponse, name: string, value: number | string | readonly string[]) {
      if (CONNECTION_HEADERS.has(name.toLowerCase())) return this;
      return setHeader.call(this, name, value);
    },
  });
  const router = app.router as unknown as { handle(req: object, res: object, done: (error?: unknown) => void): void };
  return (req, res) => {
    Object.assign(req, { res });
    Object.assign(res, { req, locals: Object.create(null) as object });
    Object.setPrototypeOf(req, request);
    Object.setPrototypeOf(res, response);
    router.handle(req, res, (error) => lastResort(req, res, control, error));
  };
}

/** A copy of `proto`'s chain down to `base`, laid over `newBase` instead. */
function rebase(proto: object, base: object, newBase: object): object {
  const descriptors: PropertyDescriptorMap = {};
  const chain: object[] = [];
  for (let p: object | null = proto; p !== null && p !== base; p = Object.getPrototypeOf(p) as object | null) chain.push(p);
  // The nearest definition wins, as it would along the original chain.
  for (const p of chain.reverse()) Object.assign(descriptors, Object.getOwnPropertyDescriptors(p));
  return Object.create(newBase, descriptors) as object;
}

/** Reached only if the app's own 404 and error handlers did not answer: answer anyway, never hang. */
function lastResort(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, control: RefusalOwner, error: unknown): void {
  const path = new URL(req.url, 'http://localhost').pathname;
  refuse(res, control, error === undefined ? new Refusal('noRoute', { method: req.method, path }) : error);
}
