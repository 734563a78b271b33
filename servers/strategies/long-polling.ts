import { MIN_LONG_POLL_TIMEOUT_MS } from '../constants.js';
import { ROUTES } from '../contract/wire.js';
import type { Message } from '../contract/message.js';
import { HeldPolls } from '../delivery/held-polls.js';
import { parseCursor, parseIntegerParam, parseUserId } from '../http/errors.js';
import { sendPollAnswer } from '../http/answers.js';
import type { MessageLog } from '../log/message-log.js';
import { pollAnswer, pollResult } from '../http/poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/** HTTP long polling: a request with nothing to answer is held until news or a timeout (claim C3). */
export class LongPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'long-polling',
    title: 'Long polling',
    chineseTitle: '长轮询',
    colour: PALETTE.amber,
    direction: 'pull',
    connection: 'held-request',
    claim: 'C3',
    summary: 'The server holds each request until there is news, answers, and the client asks again at once.',
    http2: true,
    capacity: { probe: 'long-poll', path: ROUTES.longPoll },
    inArticle: true,
  };
  readonly info = LongPollingStrategy.info;

  private held?: HeldPolls;
  private source?: MessageLog;

  mount({ source, limits, leanGet }: StrategyContext): void {
    const held = (this.held = new HeldPolls(source, limits, this));
    this.source = source;
    // One subscription for all held polls: per-poll listeners would make every answer an O(n) unsubscribe.
    source.on('message', this.onMessage);
    leanGet(ROUTES.longPoll, 'answer', (exchange, query) => {
      const cursor = parseCursor(query.since);
      const userId = parseUserId(query.user, limits.userIdChars);
      const timeoutMs = parseIntegerParam(query.timeout, 'timeout', MIN_LONG_POLL_TIMEOUT_MS, limits.longPollTimeoutMs) ?? limits.longPollTimeoutMs;
      this.emit('request', userId);
      const result = pollResult(source, cursor, userId, limits);
      // Nothing new: held, unless its connection already holds a poll (then it is answered now, empty).
      if (result.messages.length === 0 && !result.gap && held.hold(exchange, result.cursor, userId, timeoutMs)) return;
      const answer = pollAnswer(result);
      this.emit('response', answer.messageCount, answer.bytes);
      sendPollAnswer(exchange, answer);
    });
  }

  private readonly onMessage = (message: Message): void => this.held?.onMessage(message);

  close(): Promise<void> {
    this.held?.answerAll();
    this.source?.off('message', this.onMessage);
    return Promise.resolve();
  }
}
