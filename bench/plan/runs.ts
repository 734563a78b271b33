import { PHP_POOL_FIELDS, scenarioField, scenarioKey, scenarioValue, type Scenario } from '../../results/scenario.js';
import { BROWSER_FLEET_STRATEGY_NAMES, FALLING_BACK_STRATEGY_NAMES, findStrategy } from './strategies.js';
import { withField } from './scenarios.js';
import type { RunFilter } from './preset.js';

/** Which strategy runs in which scenario, and the combinations of scenarios and strategies that cannot run. */

/** Browser contexts one run may open: see docs/bench.md, "The real-browser fleet", for what one costs. */
export const MAX_BROWSER_CLIENTS = 300;

/** Whether a strategy's facts give it an HTTP/2 run. */
function hasHttp2Run(name: string): boolean {
  return findStrategy(name)?.info.http2 === true;
}

/**
 * Every strategy for every scenario (that the preset's filter lets it run in), as each strategy runs it (scenarioFor),
 * once, but for the pairs that cannot be run: a strategy without an HTTP/2 run has none in an HTTP/2 scenario (its
 * HTTP/1.1 runs of the same matrix stand for it), one without a browser client none in a real-browser scenario (its
 * simulated runs stand for it), and scenarios that differ only in settings that do not reach a strategy (the PHP
 * pool for our server, a proxy for PHP) run it once.
 */
export function planRuns(
  scenarios: readonly Scenario[],
  strategies: readonly string[],
  runsIn: RunFilter = () => true,
): { strategy: string; scenario: Scenario }[] {
  const seen = new Set<string>();
  return scenarios.flatMap((scenario) =>
    strategies
      .filter((strategy) => scenarioValue(scenario, 'httpVersion') === '1.1' || hasHttp2Run(strategy))
      .filter((strategy) => scenarioValue(scenario, 'fleet') === 'simulated' || BROWSER_FLEET_STRATEGY_NAMES.includes(strategy))
      .filter((strategy) => runsIn(strategy, scenario))
      .map((strategy) => ({ strategy, scenario: scenarioFor(strategy, scenario) }))
      .filter(({ strategy, scenario: run }) => {
        const key = `${strategy} ${scenarioKey(run)}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
  );
}

/**
 * A scenario as `strategy` runs it, its results record it: a PHP strategy reads the Redis Stream (its log) from one
 * stack, always behind nginx, so the source is redis and the settings of our server's processes and proxy are at
 * their defaults; our server's strategies have no PHP pool, nor nginx's timeout without nginx in front.
 *
 * A PHP application publishes from its own requests, so a PHP strategy's server publishing by itself (the default,
 * in-process) is a publish through PHP's /api/publish (http); `--publisher redis` writes straight into the stream.
 */
export function scenarioFor(strategy: string, scenario: Scenario): Scenario {
  const info = findStrategy(strategy)?.info;
  const reset = (run: Scenario, key: keyof Scenario) => withField(run, scenarioField(key), scenarioField(key).default as number | string);
  if (info?.servedBy === 'php-fpm') {
    let run = withField(scenario, scenarioField('source'), 'redis');
    for (const key of ['serverProcesses', 'proxy', 'blockedUpgrade'] as const) run = reset(run, key);
    if (scenarioValue(run, 'publisher') === 'in-process') run = withField(run, scenarioField('publisher'), 'http');
    return run;
  }
  let run = scenario;
  for (const key of PHP_POOL_FIELDS) run = reset(run, key);
  if (scenarioValue(run, 'proxy') === 'none') run = reset(run, 'nginxReadTimeoutSec');
  return run;
}

/**
 * The first reason a real-browser fleet cannot run a scenario, or null. The browser is driven as a user's is: it
 * speaks HTTP/2 only over TLS (never h2c), cannot be told to drop a connection or to carry the bench's
 * blocked-upgrade cue, and each client is a browser context, so its numbers stay in the hundreds.
 */
export function browserFleetProblem(scenarios: readonly Scenario[]): string | null {
  for (const scenario of scenarios.filter((s) => scenarioValue(s, 'fleet') === 'chromium')) {
    if (scenarioValue(scenario, 'httpVersion') === '2' && scenarioValue(scenario, 'tls') === 'off')
      return '--fleet chromium with --http-version 2 needs --tls on: a browser speaks HTTP/2 only over TLS, never h2c';
    if (scenarioValue(scenario, 'tls') === 'no-resumption')
      return '--fleet chromium resumes TLS sessions as every browser does: use --tls on, not no-resumption';
    if (scenarioValue(scenario, 'keepAlive') === 'off')
      return '--fleet chromium keeps its connections alive as every browser does: leave out --keep-alive off';
    if (scenarioValue(scenario, 'churn') > 0) return '--fleet chromium cannot drop its connections on purpose: leave out --churn';
    if (scenarioValue(scenario, 'blockedUpgrade') > 0) return '--fleet chromium cannot carry the blocked-upgrade cue: leave out --blocked-upgrade';
    if (scenario.clients > MAX_BROWSER_CLIENTS) {
      return `--fleet chromium runs at most ${MAX_BROWSER_CLIENTS} clients (a browser context each, on this machine; see docs/bench.md)`;
    }
  }
  return null;
}

/**
 * The first reason the strategies cannot run in these scenarios, or null: a strategy named on the command line
 * that would have no run at all (no HTTP/1.1 scenario, no HTTP/2 run), and a blocked upgrade without a strategy
 * whose clients can fall back.
 */
export function strategyProblem(scenarios: readonly Scenario[], strategies: readonly string[], named: boolean): string | null {
  if (named && scenarios.length > 0 && scenarios.every((s) => scenarioValue(s, 'httpVersion') === '2')) {
    const without = strategies.find((name) => !hasHttp2Run(name));
    if (without !== undefined) {
      return (
        `--http-version 2: ${without} has no HTTP/2 client (a WebSocket upgrade stays HTTP/1.1: ws does not implement RFC 8441); leave ` +
        `it out of --strategies or add 1.1`
      );
    }
  }
  const php = strategies.filter((name) => findStrategy(name)?.info.servedBy === 'php-fpm');
  // A PHP strategy always reads the Redis stream; our server's strategies read it only with --source redis.
  if (strategies.length > php.length && scenarios.some((s) => scenarioValue(s, 'publisher') === 'redis' && scenarioValue(s, 'source') !== 'redis')) {
    return '--publisher redis writes straight into the Redis stream the servers read: it needs --source redis';
  }
  if (php.length > 0 && scenarios.some((s) => scenarioValue(s, 'restartAtSec') !== null)) {
    return `--kill-server-at kills one of our server processes: ${php[0]} runs on PHP-FPM behind nginx, leave it out of --strategies`;
  }
  if (scenarios.some((s) => scenarioValue(s, 'blockedUpgrade') > 0) && !strategies.some((name) => FALLING_BACK_STRATEGY_NAMES.includes(name))) {
    const names = FALLING_BACK_STRATEGY_NAMES.join(' or ');
    return `--blocked-upgrade applies to the ${names} clients: add ${names} to --strategies`;
  }
  return null;
}
