import { ROUTES } from '../contract/wire.js';
import { parseCursor, parseUserId } from '../http-errors.js';
import { sendPollResponse } from '../poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/** AJAX short polling: every request is answered at once, usually with "nothing new" (claims C1, C2). */
export class ShortPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'short-polling',
    title: 'Short polling',
    colour: PALETTE.blue,
    direction: 'pull',
    connection: 'request-per-poll',
    claim: 'C2',
    summary: 'The client asks "anything new?" every poll interval; the server answers at once, often empty.',
    inArticle: true,
  };
  readonly info = ShortPollingStrategy.info;

  mount({ source, limits, get }: StrategyContext): void {
    get(ROUTES.poll, (req, res) => {
      const cursor = parseCursor(req.query.since);
      const userId = parseUserId(req.query.user, limits.userIdChars);
      this.emit('request', userId);
      const result = source.since(cursor, userId, limits.maxMessagesPerResponse);
      this.emit('response', result.messages.length);
      sendPollResponse(res, result);
    });
  }

  async close(): Promise<void> {}
}
