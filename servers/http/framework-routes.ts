import type { Express } from 'express';
import { parseUserId, refuse } from './errors.js';
import { afterInboundDelay, delaySocketWrites } from '../wire/network-delay.js';
import type { Request, Response } from 'express';
import type { LeanRoutesOptions } from './dispatch.js';
import type { RouteOwner } from './exchange.js';

/**
 * A strategy route served through express (the reference peers: Socket.IO's polling transport, the express
 * references), with the same steps as a lean route: the socket's bytes claimed for the strategy and its
 * `client=` tag, the demo's network delay, a JSON error for whatever the handler throws.
 */
export function mountFrameworkRoute(
  app: Express,
  strategy: RouteOwner,
  method: 'GET' | 'POST',
  path: string,
  handler: (req: Request, res: Response) => void,
  { ledger, userIdChars, networkDelayMs }: LeanRoutesOptions,
): void {
  const owner = strategy.info.name;
  app[method === 'GET' ? 'get' : 'post'](path, (req, res) => {
    ledger.claim(req.socket, owner);
    const fail = (error: unknown) => refuse(res, strategy, error);
    const run = () => {
      try {
        handler(req, res);
      } catch (error) {
        fail(error);
      }
    };
    let client: string | undefined;
    try {
      client = parseUserId(req.query.client, userIdChars, 'client');
    } catch (error) {
      return fail(error);
    }
    ledger.claim(req.socket, owner, client);
    if (!networkDelayMs) return run();
    const route = { owner, client };
    delaySocketWrites(req.socket, () => networkDelayMs(route));
    afterInboundDelay(networkDelayMs(route), () => {
      // The client gave up while its request was "on the way": nothing to answer.
      if (!req.socket.destroyed) run();
    });
  });
}
