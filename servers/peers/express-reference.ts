import express, { type RequestHandler } from 'express';
import { Refusal, refuse } from '../http/errors.js';
import type { ServerStrategy, StrategyContext } from '../strategy.js';

/**
 * How the express references are mounted: as a typical express 5 application serves its API. A request goes
 * through the app's router to the route the context lends (the app is pushbench's, so its settings hold: no
 * `X-Powered-By`, no `ETag`, express's simple query parser), then through an `express.Router` of the strategy's
 * own with the JSON body parser an API router usually has (`router.use(express.json())`; on a GET without a
 * body it looks and passes), to `router.get(path, handler)`, whose handler reads `req.query` and answers with
 * `res.set(NO_STORE_JSON_HEADERS).json(...)`: the headers a production API sends, and the same ones as
 * pushbench's lean answers (type, nosniff, length, no caching; Node adds Date and the keep-alive headers), in
 * express's order. Refusals go through the one error path, as the lean ' +
   'routes' do. What that costs per request, against pushbench's own polling routes, is what these references measure;
 * they answer the same bytes, so only the framework differs.
 */
export function mountThroughRouter(strategy: ServerStrategy, { get }: StrategyContext, path: string, handler: RequestHandler): void {
  const router = express.Router();
  router.use(express.json());
  router.get(path, handler);
  get(path, (req, res) => {
    // The router catches what its handlers throw and passes it on here, as an app's error handler would get it.
    router(req, res, (error?: unknown) => {
      // Without an error (or with express's 'route'/'router' skips) no handler answered: as an app's 404.
      const unanswered = error === undefined || error === null || typeof error === 'string';
      refuse(res, strategy, unanswered ? new Refusal('noRoute', { method: req.method, path: req.path }) : error);
    });
  });
}
