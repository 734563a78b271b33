import { ROUTES } from '../contract/wire.js';
import type { Message } from '../contract/message.js';
import type { BareResponse } from '../http/bare-routes.js';
import { pollResponseJson } from '../http/poll-response.js';
import type { MessageLog } from '../log/message-log.js';
import { isVisibleTo } from '../log/message-source.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { answerPoll, bareQuery } from './bare-http.js';

interface HeldPoll {
  readonly res: BareResponse;
  readonly cursor: number;
  readonly userId: string | undefined;
  timer?: NodeJS.Timeout;
}

/**
 * Reference: the least a long-polling server can be on node:http (and node:http2) and still be one: a poll with
 * nothing after its cursor is held in a set with a timer; each message answers every held poll it concerns with
 * the messages after that poll's cursor (one answer built per cursor, as the bare ws loop serialises once per
 * message), and the timer answers the rest empty. No limit on held polls, no connection rules, no guard, no
 * statistics beyond the attach and detach the bench waits on. A poll whose client went away is not looked for: it
 * is dropped at the next message or at its timeout, whichever comes first, and nothing is sent for it.
 */
export class BareLongPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'lp-bare',
    title: 'Bare long-poll loop',
    colour: PALETTE.amberGrey,
    direction: 'pull',
    connection: 'held-request',
    claim: 'C3',
    summary: 'A node:http handler that holds a poll in a set until a message or a timer answers it: the floor of long polling.',
    http2: true,
    reference: true,
  };
  readonly info = BareLongPollingStrategy.info;

  private readonly held = new Set<HeldPoll>();
  private source?: MessageLog;

  mount({ source, limits, bareGet }: StrategyContext): void {
    this.source = source;
    source.on('message', this.onMessage);
    bareGet(ROUTES.bareLongPoll, (req, res) => {
      const { cursor, userId, timeout } = bareQuery(req, limits.userIdChars);
      const result = source.since(cursor, userId);
      if (result.messages.length > 0 || result.gap) return answerPoll(res, pollResponseJson(result));
      // A client may ask for a shorter hold than the server's, as on our route.
      const asked = Number(timeout);
      const timeoutMs = asked > 0 && asked < limits.longPollTimeoutMs ? asked : limits.longPollTimeoutMs;
      const poll: HeldPoll = { res, cursor: result.cursor, userId };
      poll.timer = setTimeout(() => this.answer(poll, pollResponseJson(source.since(poll.cursor, poll.userId))), timeoutMs);
      this.held.add(poll);
      this.emit('attach', userId);
    });
  }

  private readonly onMessage = (message: Message): void => {
    const source = this.source!;
    let built: { cursor: number; userId: string | undefined; body: string } | undefined;
    for (const poll of this.held) {
      if (message.seq <= poll.cursor || !isVisibleTo(message, poll.userId)) continue;
      if (built?.cursor !== poll.cursor || built.userId !== poll.userId) {
        built = { cursor: poll.cursor, userId: poll.userId, body: pollResponseJson(source.since(poll.cursor, poll.userId)) };
      }
      this.answer(poll, built.body);
    }
  };

  private answer(poll: HeldPoll, body: string): void {
    if (!this.held.delete(poll)) return;
    clearTimeout(poll.timer);
    this.emit('detach', poll.userId);
    answerPoll(poll.res, body);
  }

  close(): Promise<void> {
    this.source?.off('message', this.onMessage);
    for (const poll of this.held) this.answer(poll, pollResponseJson(this.source!.since(poll.cursor, poll.userId)));
    return Promise.resolve();
  }
}
