import { fmtInt, fmtMs } from '../results/number-format.js';
import { isValidRun, type Results, type RunResult } from '../results/results.js';
import { scenarioValue } from '../results/scenario.js';
import { answersWithStatus } from '../results/stack-metrics.js';
import { timesText, type Verdict } from './judgements.js';

/**
 * The article's claim about its own stack, judged from the PHP runs as the other claims are from theirs: a long
 * poll holds a PHP worker for as long as it waits, so with more waiting clients than workers the pool runs full
 * and whatever else the site serves waits behind the callers on hold. Shown when a run had every worker busy with
 * requests queued, and its ordinary page waited 10× as long as with workers to spare (or, with no such run to
 * compare, 100 ms and more at the median).
 */
export interface PoolJudgement {
  verdict: Verdict;
  finding: string;
}

const ms = (us: number) => `${fmtMs(us)} ms`;
/** With nothing to compare against, a page that waits a tenth of a second at the median waits for a worker. */
const SLOW_PAGE_US = 100_000;

export function judgeWorkerPool(results: Results): PoolJudgement | null {
  const php = results.runs.filter((run) => run.strategy.name === 'php-long-polling' && run.stack?.pool);
  if (php.length === 0) return null;
  const valid = php.filter(isValidRun);
  if (valid.length === 0) {
    return {
      verdict: 'not-measured',
      finding: 'Every PHP long-polling run is invalid (a client missed, repeated or reordered a message), so its figures prove nothing.',
    };
  }
  const workers = (run: RunResult) => scenarioValue(run.scenario, 'phpWorkers');
  const stalled = valid
    .filter((run) => run.scenario.clients > workers(run) && run.stack!.pool!.busyPeak >= workers(run) && run.stack!.pool!.queuePeak > 0)
    .sort((a, b) => pageP50(b) - pageP50(a))[0];
  const roomy = valid.filter((run) => workers(run) > run.scenario.clients).sort((a, b) => workers(b) - workers(a))[0];
  if (stalled === undefined) {
    const run = valid[0];
    return {
      verdict: 'not-shown',
      finding:
        `No run had more waiting clients than its pool could hold and its workers all busy (${describePool(run)}): every poll found a ` +
        `worker, and an ordinary page took ${ms(pageP50(run))} at the median. The claim needs more clients than workers, as with ` +
        `Debian's 5.`,
    };
  }
  const pool = stalled.stack!.pool!;
  const page = stalled.stack!.page!;
  const unanswered = page.failed > 0 ? ` (${fmtInt(page.failed)} of ${fmtInt(page.sent)} not answered before the run ended)` : '';
  const waited =
    page.answered === 0
      ? `no ordinary page of the site was answered at all${unanswered}`
      : `an ordinary page of the site took ${ms(page.latencyUs.p50)} at the median and ${ms(page.latencyUs.p99)} at p99${unanswered}`;
  const against = roomy ? `, against ${ms(pageP50(roomy))} with ${fmtInt(workers(roomy))} workers for ${fmtInt(roomy.scenario.clients)} clients` : '';
  const deliveries = roomy
    ? ` Deliveries: p99 ${ms(stalled.latencyUs.p99)} against ${ms(roomy.latencyUs.p99)} with workers to spare.`
    : ` Deliveries: p99 ${ms(stalled.latencyUs.p99)}.`;
  const publishes = stalled.stack!.publishes
    ? ` Publishes through PHP took ${ms(stalled.stack!.publishes.latencyUs.p99)} at p99, as nginx saw them.`
    : '';
  const gateway = [502, 504].map((status) => ({ status, count: answersWithStatus(stalled, status) })).filter((g) => g.count > 0);
  const errors = gateway.length === 0 ? '' : ` nginx answered ${gateway.map((g) => `${fmtInt(g.count)} × ${g.status}`).join(' and ')}.`;
  const facts =
    `With ${fmtInt(stalled.scenario.clients)} clients waiting on ${fmtInt(workers(stalled))} PHP workers, ${fmtInt(pool.busyPeak)} were ` +
    `busy at once and up to ${fmtInt(pool.queuePeak)} requests queued for one: ${waited}${against}.${deliveries}${publishes}${errors}`;
  const slower = roomy && page.answered > 0 ? page.latencyUs.p50 / Math.max(1, pageP50(roomy)) : null;
  const shown = page.answered === 0 || (slower !== null ? slower >= 10 : page.latencyUs.p50 >= SLOW_PAGE_US);
  if (shown) {
    const times = slower !== null && slower >= 10 ? ` The page waited ${timesText(slower)} as long: for a worker.` : '';
    return { verdict: 'shown', finding: `${facts}${times}` };
  }
  return {
    verdict: 'not-shown',
    finding:
      `${facts} The pool ran full, but the page hardly waited: messages came often enough to free the held workers (each message ` +
      `answers every held poll at once).`,
  };
}

/** The median wait of the run's page probe, µs (0 when none was answered). */
function pageP50(run: RunResult): number {
  return run.stack?.page?.latencyUs.p50 ?? 0;
}

function describePool(run: RunResult): string {
  return `${fmtInt(scenarioValue(run.scenario, 'phpWorkers'))} workers for ${fmtInt(run.scenario.clients)} clients`;
}
