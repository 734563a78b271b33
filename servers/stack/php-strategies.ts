import { ROUTES } from '../contract/wire.js';
import { PALETTE } from '../contract/palette.js';
import { PHP_PAGE_PATH } from '../contract/stack.js';
import type { StackStrategy } from '../strategy.js';

/**
 * The article's own stack: short and long polling written in PHP (servers/php/), on PHP-FPM behind nginx, reading
 * the same Redis Stream as our strategies. They speak our HTTP contract on our routes, so our polling clients
 * drive them; what differs is what serves them, and that is what they are for: a held poll holds a PHP worker.
 */
export const PhpShortPollingStrategy: StackStrategy = {
  info: {
    name: 'php-short-polling',
    title: 'PHP short polling',
    chineseTitle: 'PHP 短轮询',
    colour: PALETTE.cyan,
    direction: 'pull',
    connection: 'request-per-poll',
    claim: 'C2',
    summary: 'Short polling in PHP on PHP-FPM behind nginx: every poll is one PHP request, answered at once from the Redis Stream.',
    http2: false,
    servedBy: 'php-fpm',
  },
};

export const PhpLongPollingStrategy: StackStrategy = {
  info: {
    name: 'php-long-polling',
    title: 'PHP long polling',
    chineseTitle: 'PHP 长轮询',
    colour: PALETTE.indigo,
    direction: 'pull',
    connection: 'held-request',
    claim: 'C2',
    summary:
      'Long polling in PHP on PHP-FPM behind nginx: each waiting poll holds one PHP worker in XREAD BLOCK until news or its timeout, ' +
      'so the pool must have a worker per waiting client.',
    http2: false,
    servedBy: 'php-fpm',
  },
};

export { PHP_PAGE_PATH };

/** The routes the PHP site serves, each with its script in servers/php/ (everything else: not-found.php). */
export const PHP_ROUTES: readonly { path: string; script: string }[] = [
  { path: ROUTES.poll, script: 'poll.php' },
  { path: ROUTES.longPoll, script: 'long-poll.php' },
  { path: ROUTES.publish, script: 'publish.php' },
  { path: PHP_PAGE_PATH, script: 'page.php' },
];

/** The route a PHP strategy's clients ask on. */
export function phpStrategyPath(name: string): string {
  if (name === PhpShortPollingStrategy.info.name) return ROUTES.poll;
  if (name === PhpLongPollingStrategy.info.name) return ROUTES.longPoll;
  throw new Error(`no PHP strategy "${name}"`);
}
