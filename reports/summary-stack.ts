import { fmtInt, fmtMebibytes, fmtMs, fmtNumber } from '../results/number-format.js';
import type { Results } from '../results/results.js';
import { describeStep, scenarioValue } from '../results/scenario.js';
import { answersWithStatus, servingCost } from '../results/stack-metrics.js';
import { VERDICT_WORDS } from './judgements.js';
import { judgeWorkerPool } from './stack-judgement.js';

/**
 * The article's stack in the terminal: a line per PHP run (its pool, its page probe, the gateway's errors, what it
 * cost), a line per run behind nginx, and the verdict on the pool. Raw numbers, one line each, for grep.
 */
export function stackLines(results: Results): string[] {
  const scenarios = results.runs.map((run) => run.scenario);
  const lines: string[] = [];
  for (const run of results.runs) {
    const stack = run.stack;
    if (!stack) continue;
    const step = describeStep(run.scenario, scenarios, run.strategy);
    const tag = step === '' ? '' : ` (${step})`;
    const gateway = `502 ×${fmtInt(answersWithStatus(run, 502))}, 504 ×${fmtInt(answersWithStatus(run, 504))}`;
    const cost = servingCost(run);
    if (stack.kind === 'php-fpm') {
      const pool = stack.pool;
      const page = stack.page;
      const parts = [
        `${fmtInt(scenarioValue(run.scenario, 'phpWorkers'))} workers (${scenarioValue(run.scenario, 'phpPm')})`,
        ...(pool ? [`busy peak ${fmtInt(pool.busyPeak)}, queued peak ${fmtInt(pool.queuePeak)}`] : []),
        ...(page
          ? [`page p50 ${fmtMs(page.latencyUs.p50)} ms p99 ${fmtMs(page.latencyUs.p99)} ms (${fmtInt(page.answered)}/${fmtInt(page.sent)} answered)`]
          : []),
        ...(stack.publishes ? [`publish p99 ${fmtMs(stack.publishes.latencyUs.p99)} ms`] : []),
        gateway,
        `CPU ${fmtNumber(cost.cpuUsPerRequest, 0)} µs/request`,
        `RSS nginx ${fmtMebibytes(stack.nginx.peakRssBytes)}, PHP-FPM ${fmtMebibytes(stack.phpFpm?.peakRssBytes)}`,
      ];
      lines.push(`STACK ${run.strategy.name}${tag}: ${parts.join('; ')}`);
    } else {
      lines.push(
        `NGINX in front of ${run.strategy.name}${tag}: CPU ${fmtNumber(stack.nginx.cpuMs, 0)} ms, RSS ${fmtMebibytes(stack.nginx.peakRssBytes)}, ` +
          `${gateway}, ${fmtInt(run.requests.reconnects)} reconnects`,
      );
    }
  }
  const judged = judgeWorkerPool(results);
  if (judged) lines.push(`workers held by waiting (C2): ${VERDICT_WORDS[judged.verdict]}. ${judged.finding}`);
  return lines.length === 0 ? [] : [...lines, ''];
}
