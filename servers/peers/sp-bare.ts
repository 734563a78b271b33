import { ROUTES } from '../contract/wire.js';
import { pollResponseJson } from '../http/poll-response.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { answerPoll, bareQuery } from './bare-http.js';

/**
 * Reference: the least a short-polling server can be on node:http (and node:http2): read the cursor, answer the
 * messages after it. What pushbench's short polling adds on top of this handler — the connection rules, the
 * request guard, attribution per answer, its limits on an answer's messages and bytes, statistics, and the
 * no-store and nosniff headers — is what the ratio between the two measures.
 */
export class BareShortPollingStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'sp-bare',
    title: 'Bare short-poll loop',
    colour: PALETTE.blueGrey,
    direction: 'pull',
    connection: 'request-per-poll',
    claim: 'C2',
    summary: 'A node:http handler that answers the messages after the cursor at once: the floor any short-polling server stands on.',
    http2: true,
    reference: true,
  };
  readonly info = BareShortPollingStrategy.info;

  mount({ source, limits, bareGet }: StrategyContext): void {
    bareGet(ROUTES.barePoll, (req, res) => {
      const { cursor, userId } = bareQuery(req, limits.userIdChars);
      answerPoll(res, pollResponseJson(source.since(cursor, userId)));
    });
  }

  async close(): Promise<void> {}
}
