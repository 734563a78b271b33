import { fmtInt, fmtMs } from '../results/number-format.js';
import { publisherFiguresOf, type RunResult } from '../results/results.js';
import { describeStep, scenarioValue, type Scenario } from '../results/scenario.js';
import { causesText } from './summary-notices.js';

/**
 * One line per run whose messages a publisher process sent (--publisher http or redis): its publishes' own latency
 * and what became of them. When the bench mixes publishers, one line says what the in-process runs' latency means.
 */
export function publishingLines(runs: readonly RunResult[]): string[] {
  const scenarios = runs.map((run) => run.scenario);
  const lines: string[] = [];
  for (const run of runs) {
    const p = publisherFiguresOf(run);
    if (!p) continue;
    const failures = Object.keys(p.failuresByCause).length === 0 ? '' : ` (failed attempts: ${causesText(p.failuresByCause)})`;
    const latency = p.latencyUs.count === 0 ? 'no publish answered' : `p50 ${fmtMs(p.latencyUs.p50)} ms, p99 ${fmtMs(p.latencyUs.p99)} ms`;
    lines.push(
      `PUBLISH ${run.strategy.name}${tag(run, scenarios)}: ${fmtInt(p.answered)}/${fmtInt(p.planned)} answered by ${p.target}, ` +
        `${latency}; ${fmtInt(p.failed)} failed, ${fmtInt(p.retries)} retried${failures}, ${fmtInt(p.waited)} waited for one of ` +
        `${fmtInt(p.concurrencyLimit)} places; publisher CPU ${fmtInt(p.cpuMs)} ms`,
    );
  }
  if (lines.length === 0) return [];
  // A run that never got to publish (its clients did not connect) has no publisher's figures, and published nothing.
  if (runs.some((run) => !publisherFiguresOf(run) && scenarioValue(run.scenario, 'publisher') === 'in-process' && run.messages.published > 0)) {
    lines.push('the other runs published in-process: their latency counts from when the server process stored each message');
  }
  return [
    ...lines,
    'PUBLISH: each publish from its first request to its answer (retries included); the clients’ latency above counts from',
    'its scheduled time, so a slow publish path shows there too.',
    '',
  ];
}

/** What sets a run's scenario apart from the others', in brackets; nothing for one scenario. */
function tag(run: RunResult, all: readonly Scenario[]): string {
  const step = describeStep(run.scenario, all, run.strategy);
  return step === '' ? '' : ` (${step})`;
}
