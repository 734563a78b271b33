import { scenarioValue, type Scenario } from '../../results/scenario.js';
import { FALLING_BACK_STRATEGY_NAMES, findStrategy } from './strategies.js';

/** Which strategy runs in which scenario, and the combinations of scenarios and strategies that cannot run. */

/** Whether a strategy's facts give it an HTTP/2 run. */
function hasHttp2Run(name: string): boolean {
  return findStrategy(name)?.info.http2 === true;
}

/**
 * Every strategy for every scenario, but for the pairs that cannot be run: a strategy without an HTTP/2 run
 * has none in an HTTP/2 scenario (its HTTP/1.1 runs of the same matrix stand for it).
 */
export function planRuns(scenarios: readonly Scenario[], strategies: readonly string[]): { strategy: string; scenario: Scenario }[] {
  return scenarios.flatMap((scenario) =>
    strategies
      .filter((strategy) => scenarioValue(scenario, 'httpVersion') === '1.1' || hasHttp2Run(strategy))
      .map((strategy) => ({ strategy, scenario })),
  );
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
  if (scenarios.some((s) => scenarioValue(s, 'blockedUpgrade') > 0) && !strategies.some((name) => FALLING_BACK_STRATEGY_NAMES.includes(name))) {
    const names = FALLING_BACK_STRATEGY_NAMES.join(' or ');
    return `--blocked-upgrade applies to the ${names} clients: add ${names} to --strategies`;
  }
  return null;
}
