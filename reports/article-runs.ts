import type { Results, RunResult, Scenario } from '../results/results.js';
import { sameScenario } from '../results/scenario.js';

/**
 * The runs of one results file that the article's claims are judged on: pushbench's own strategies (never a
 * reference peer) in the file's first scenario, picked by their facts — short polling asks once per interval,
 * long polling holds a request, and the push strategy is the article's WebSocket (claim C5) or else any
 * persistent push. A sweep's other scenarios belong to the sweep charts.
 */
export interface ArticleRuns {
  scenario: Scenario | null;
  /** Every own run of the base scenario, in file order. */
  own: RunResult[];
  short?: RunResult;
  long?: RunResult;
  push?: RunResult;
}

export function articleRuns(results: Results): ArticleRuns {
  const base = results.runs[0]?.scenario;
  if (base === undefined) return { scenario: null, own: [] };
  const own = results.runs.filter((run) => run.strategy.reference !== true && sameScenario(run.scenario, base));
  const persistent = own.filter((run) => run.strategy.connection === 'persistent');
  // Our server's run of a kind before one another stack served (PHP), which stands in only when ours did not run.
  const ofKind = (connection: RunResult['strategy']['connection']) =>
    own.find((run) => run.strategy.connection === connection && run.strategy.servedBy === undefined) ??
    own.find((run) => run.strategy.connection === connection);
  return {
    scenario: base,
    own,
    short: ofKind('request-per-poll'),
    long: ofKind('held-request'),
    push: persistent.find((run) => run.strategy.claim === 'C5') ?? persistent[0],
  };
}
