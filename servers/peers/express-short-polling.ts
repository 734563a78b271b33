import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { ROUTES } from '../contract/wire.js';
import { mountThroughRouter } from './express-reference.js';
import { NO_STORE_JSON_HEADERS } from '../http/answers.js';
import { parseCursor, parseUserId } from '../http/errors.js';
import { pollResponse, pollResult } from '../http/poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';

/**
 * Reference: short polling as a typical express 5 application serves it (see servers/peers/express-reference.ts), on a path
 * of its own. Same contract and same answer bytes as pushbench's short polling; the difference is the framework.
 */
export class ExpressShortPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'express-short-polling',
    title: 'Short polling through express',
    colour: PALETTE.darkWarmGrey,
    direction: 'pull',
    connection: 'request-per-poll',
    claim: 'C2',
    summary: 'The same short poll served the way a typical app does: an express 5 Router with its JSON body parser, router.get and res.json.',
    http2: true,
    reference: true,
  };
  readonly info = ExpressShortPollingStrategy.info;

  mount(context: StrategyContext): void {
    const { source, limits } = context;
    mountThroughRouter(this, context, ROUTES.expressPoll, (req, res) => {
      const cursor = parseCursor(req.query.since);
      const userId = parseUserId(req.query.user, limits.userIdChars);
      this.emit('request', userId);
      const result = pollResult(source, cursor, userId, limits);
      this.emit('response', result.messages.length);
      res.set(NO_STORE_JSON_HEADERS).json(pollResponse(result));
    });
  }

  async close(): Promise<void> {}
}
