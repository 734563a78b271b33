import type { Response } from 'express';
import { MIN_LONG_POLL_TIMEOUT_MS, type ServerLimits } from '../constants.js';
import { ROUTES } from '../contract/wire.js';
import { HttpError, parseCursor, parseIntegerParam, parseUserId, sendError } from '../http-errors.js';
import type { Message } from '../contract/message.js';
import { isVisibleTo, type MessageSource } from '../message-source.js';
import { sendPollResponse } from '../poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

interface HeldPoll {
  res: Response;
  cursor: number;
  userId: string | undefined;
  timer: NodeJS.Timeout;
}

/** HTTP long polling: a request with nothing to answer is held until news or a timeout (claim C3). */
export class LongPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'long-polling',
    title: 'Long polling',
    colour: PALETTE.amber,
    direction: 'pull',
    connection: 'held-request',
    claim: 'C3',
    summary: 'The server holds each request until there is news, answers, and the client asks again at once.',
    inArticle: true,
  };
  readonly info = LongPollingStrategy.info;

  private readonly held = new Set<HeldPoll>();
  private source?: MessageSource;
  private limits?: ServerLimits;

  mount({ source, limits, get }: StrategyContext): void {
    this.source = source;
    this.limits = limits;
    // One subscription for all held polls: per-poll listeners would make every answer an O(n) unsubscribe.
    source.on('message', this.onMessage);
    get(ROUTES.longPoll, (req, res) => {
      const cursor = parseCursor(req.query.since);
      const userId = parseUserId(req.query.user, limits.userIdChars);
      const timeoutMs =
        parseIntegerParam(req.query.timeout, 'timeout', MIN_LONG_POLL_TIMEOUT_MS, limits.longPollTimeoutMs) ??
        limits.longPollTimeoutMs;
      this.emit('request', userId);
      const result = source.since(cursor, userId, limits.maxMessagesPerResponse);
      if (result.messages.length > 0 || result.gap) {
        this.emit('response', result.messages.length);
        sendPollResponse(res, result);
        return;
      }
      if (this.held.size >= limits.maxHeldLongPolls) {
        throw new HttpError(503, `too many held long polls (limit ${limits.maxHeldLongPolls})`, { 'Retry-After': '1' });
      }
      const poll: HeldPoll = { res, cursor: result.cursor, userId, timer: setTimeout(() => this.answer(poll), timeoutMs) };
      this.held.add(poll);
      this.emit('attach', userId);
      // The client went away while held: forget the poll, nothing was sent so nothing is lost.
      res.on('close', () => this.release(poll));
    });
  }

  get heldCount(): number {
    return this.held.size;
  }

  private readonly onMessage = (message: Message): void => {
    for (const poll of this.held) if (isVisibleTo(message, poll.userId)) this.answer(poll);
  };

  private answer(poll: HeldPoll): void {
    if (!this.release(poll) || !this.source || !this.limits) return;
    try {
      const result = this.source.since(poll.cursor, poll.userId, this.limits.maxMessagesPerResponse);
      this.emit('response', result.messages.length);
      sendPollResponse(poll.res, result);
    } catch {
      // A released poll must still get an answer, or its client would wait for one forever.
      this.emit('failed', 500);
      sendError(poll.res, 500, 'internal error');
    }
  }

  /** Returns false when the poll was already answered or abandoned. */
  private release(poll: HeldPoll): boolean {
    if (!this.held.delete(poll)) return false;
    clearTimeout(poll.timer);
    this.emit('detach', poll.userId);
    return true;
  }

  async close(): Promise<void> {
    for (const poll of [...this.held]) this.answer(poll);
    this.source?.off('message', this.onMessage);
  }
}
