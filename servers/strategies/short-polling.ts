import { ROUTES } from '../contract/wire.js';
import { parseCursor, parseUserId } from '../http/errors.js';
import { sendPollAnswer } from '../http/answers.js';
import { pollAnswer, pollResult } from '../http/poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/** AJAX short polling: every request is answered at once, usually with "nothing new" (claims C1, C2). */
export class ShortPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'short-polling',
    title: 'Short polling',
    chineseTitle: '短轮询',
    colour: PALETTE.blue,
    direction: 'pull',
    connection: 'request-per-poll',
    claim: 'C2',
    summary: 'The client asks "anything new?" every poll interval; the server answers at once, often empty.',
    http2: true,
    capacity: { probe: 'short-poll', path: ROUTES.poll },
    inArticle: true,
  };
  readonly info = ShortPollingStrategy.info;

  mount({ source, limits, leanGet }: StrategyContext): void {
    leanGet(ROUTES.poll, 'answer', (exchange, query) => {
      const cursor = parseCursor(query.since);
      const userId = parseUserId(query.user, limits.userIdChars);
      this.emit('request', userId);
      const answer = pollAnswer(pollResult(source, cursor, userId, limits));
      this.emit('response', answer.messageCount, answer.bytes);
      sendPollAnswer(exchange, answer);
    });
  }

  async close(): Promise<void> {}
}
