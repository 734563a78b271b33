import type { Response } from 'express';
import { MIN_LONG_POLL_TIMEOUT_MS, type ServerLimits } from '../constants.js';
import type { Message } from '../contract/message.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { ROUTES } from '../contract/wire.js';
import { mountThroughRouter } from './express-reference.js';
import { NO_STORE_JSON_HEADERS } from '../http/answers.js';
import { parseCursor, parseIntegerParam, parseUserId, Refusal, refuse } from '../http/errors.js';
import type { MessageLog } from '../log/message-log.js';
import { isVisibleTo } from '../log/message-source.js';
import { pollResponse, pollResult } from '../http/poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';

interface HeldPoll {
  res: Response;
  cursor: number;
  userId: string | undefined;
  timer: NodeJS.Timeout;
}

/**
 * Reference: long polling as a typical express 5 application serves it (see servers/peers/express-reference.ts), on a path of
 * its own. A held poll is answered the way such an app does it: each one with its own `since()` and its own
 * `res.json()`, however many wait at the same cursor. Same contract, limits and answer bytes as pushbench's
 * long polling; the difference is the framework and the per-poll answer.
 */
export class ExpressLongPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'express-long-polling',
    title: 'Long polling through express',
    colour: PALETTE.midWarmGrey,
    direction: 'pull',
    connection: 'held-request',
    claim: 'C3',
    summary: 'The same long poll served the way a typical app does: an express 5 Router, router.get, and res.json for every held poll.',
    http2: true,
    reference: true,
  };
  readonly info = ExpressLongPollingStrategy.info;

  private readonly held = new Set<HeldPoll>();
  private source?: MessageLog;
  private limits?: ServerLimits;

  mount(context: StrategyContext): void {
    const { source, limits } = context;
    this.source = source;
    this.limits = limits;
    source.on('message', this.onMessage);
    mountThroughRouter(this, context, ROUTES.expressLongPoll, (req, res) => {
      const cursor = parseCursor(req.query.since);
      const userId = parseUserId(req.query.user, limits.userIdChars);
      const timeoutMs =
        parseIntegerParam(req.query.timeout, 'timeout', MIN_LONG_POLL_TIMEOUT_MS, limits.longPollTimeoutMs) ?? limits.longPollTimeoutMs;
      this.emit('request', userId);
      const result = pollResult(source, cursor, userId, limits);
      if (result.messages.length > 0 || result.gap) {
        this.emit('response', result.messages.length);
        res.set(NO_STORE_JSON_HEADERS).json(pollResponse(result));
        return;
      }
      if (this.held.size >= limits.maxHeldLongPolls) {
        throw new Refusal('tooManyHeldPolls', { limit: limits.maxHeldLongPolls });
      }
      const poll: HeldPoll = { res, cursor: result.cursor, userId, timer: setTimeout(() => this.answer(poll), timeoutMs) };
      this.held.add(poll);
      this.emit('attach', userId);
      res.on('close', () => this.release(poll));
    });
  }

  private readonly onMessage = (message: Message): void => {
    // A cursor already past this message (a shared log read further elsewhere) waits for the next one.
    for (const poll of this.held) if (message.seq > poll.cursor && isVisibleTo(message, poll.userId)) this.answer(poll);
  };

  private answer(poll: HeldPoll): void {
    if (!this.release(poll) || !this.source || !this.limits) return;
    try {
      const result = pollResult(this.source, poll.cursor, poll.userId, this.limits);
      this.emit('response', result.messages.length);
      poll.res.set(NO_STORE_JSON_HEADERS).json(pollResponse(result));
    } catch (error) {
      // A released poll must still get an answer, or its client would wait for one forever.
      refuse(poll.res, this, error);
    }
  }

  /** False when the poll was already answered or abandoned. */
  private release(poll: HeldPoll): boolean {
    if (!this.held.delete(poll)) return false;
    clearTimeout(poll.timer);
    this.emit('detach', poll.userId);
    return true;
  }

  close(): Promise<void> {
    for (const poll of [...this.held]) this.answer(poll);
    this.source?.off('message', this.onMessage);
    return Promise.resolve();
  }
}
