import type { Scenario } from '../../results/results.js';
import { scenarioValue } from '../../results/scenario.js';
import type { Preset } from './preset.js';

/*
 * Why article-stack looks like this: the article's own architecture against the one it proposes, on this machine,
 * in a few minutes. PHP long polling on PHP-FPM behind nginx at 5 workers (Debian's pool), 50 and 200; our WebSocket
 * behind nginx (the article's recommendation, with our server standing in for its workerman) and without it (what
 * nginx adds); PHP short polling at one poll a second on Debian's pool; and our node:http long polling at the
 * largest size, for memory and CPU per client. 20, 200 and 1,000 clients at one message a second (fixed, so that
 * every run sees the same 8 messages), long polls held up to 20 s. At 1,000 clients on 5 workers the pool is full a
 * hundred times over: that run shows the stall as it is. Every run publishes through its application's own HTTP API,
 * so on a stalled pool a publish waits for a worker as the polls do (given up after three of nginx's read timeouts).
 * About 20 runs, most of their time the stalled pools.
 */
const BASE: Scenario = {
  clients: 20,
  ratePerSec: 1,
  durationSec: 8,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 19,
  // Each architecture publishes as its application would: through its own HTTP API (PHP's /api/publish, our server's).
  publisher: 'http',
};

const CLIENTS = [20, 200, 1_000];
const POOLS = [5, 50, 200];

export const ARTICLE_STACK_PRESET: Preset = {
  name: 'article-stack',
  description:
    'the article’s stack: PHP long polling on PHP-FPM behind nginx (5, 50, 200 workers), PHP short polling, our WebSocket behind nginx; ' +
    '20, 200 and 1,000 clients at 1 msg/s (needs nginx, php8.2-fpm, php-redis)',
  strategies: ['php-long-polling', 'php-short-polling', 'websocket', 'long-polling'],
  scenarios: CLIENTS.flatMap((clients) => [
    ...POOLS.map((phpWorkers): Scenario => ({ ...BASE, clients, ...(phpWorkers !== 5 && { phpWorkers }) })),
    { ...BASE, clients, proxy: 'nginx' },
  ]),
  runsIn: (strategy, scenario) => {
    const debianPool = scenarioValue(scenario, 'phpWorkers') === 5;
    const direct = scenarioValue(scenario, 'proxy') === 'none';
    switch (strategy) {
      case 'php-long-polling':
        return direct;
      case 'php-short-polling':
        return direct && debianPool;
      case 'websocket':
        return debianPool;
      case 'long-polling':
        return direct && debianPool && scenario.clients === Math.max(...CLIENTS);
      default:
        return true;
    }
  },
};
