import { capacityProbeName } from '../../results/capacity.js';
import type { Bench, BenchEvents, ProgressEvent } from './harness.js';
import { fmtSeconds } from '../../results/number-format.js';
import { describeStep } from '../../results/scenario.js';
import type { Legacy, Notice } from '../../results/results.js';

const BAR_WIDTH = 24;
/** A terminal that reports no width (0, or none at all, as some CI pseudo-terminals do) gets this many columns. */
export const DEFAULT_COLUMNS = 80;

/** Words a problem for the progress output: the terminal summary's renderer, handed in by bench/cli.ts. */
export type DescribeNotice = (notice: Notice | Legacy) => string;

/**
 * Draws the bench's progress on stderr: a live one-line bar on a terminal, one plain line per finished run
 * otherwise (CI logs, pipes), with the problems of an invalid run under it, so that a long bench can be stopped
 * as soon as a run goes wrong. Only listens; returns a function that detaches it.
 */
export function attachProgress(bench: Bench, describe: DescribeNotice, stream: NodeJS.WriteStream = process.stderr): () => void {
  const live = stream.isTTY === true;
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
  };
  const onProgress = (event: ProgressEvent) => {
    if (!live) return;
    const fraction = event.elapsedMs / Math.max(1, event.elapsedMs + event.etaMs);
    const filled = Math.round(fraction * BAR_WIDTH);
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${event.index + 1}/${event.total} ` +
      `${event.strategy}${event.detail ? ` (${event.detail})` : ''} ${event.phase}  ` +
      `${fmtSeconds(event.elapsedMs)} elapsed, ETA ${fmtSeconds(event.etaMs)}`;
    clear();
    const columns = stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
    // One column short of the width, so that the cursor never wraps onto a new line.
    stream.write(line.slice(0, Math.max(20, columns - 1)));
  };
  const onRunEnd = ({ index, total, run, valid }: BenchEvents['run-end'][0]) => {
    clear();
    const detail = describeStep(
      run.scenario,
      bench.plan.runs.map((planned) => planned.scenario),
      run.strategy,
    );
    const what = `${run.strategy.name}${detail ? ` (${detail})` : ''}`;
    stream.write(`pushbench: run ${index + 1}/${total} ${what} done in ${fmtSeconds(run.wallTimeMs)}${valid ? '' : ' (INVALID)'}\n`);
    if (!valid) for (const problem of run.problems) stream.write(`  - ${describe(problem)}\n`);
  };
  const onCapacityEnd = ({ index, total, result, wallTimeMs }: BenchEvents['capacity-end'][0]) => {
    clear();
    const rate = result.problem ? 'FAILED' : `${Math.round(result.requestsPerSec)} req/s`;
    stream.write(`pushbench: probe ${index + 1}/${total} capacity ${capacityProbeName(result)} ${rate} in ${fmtSeconds(wallTimeMs)}\n`);
    for (const problem of [result.problem, result.floor?.problem]) if (problem) stream.write(`  - ${describe(problem)}\n`);
  };
  const onEnd = () => clear();
  bench.on('progress', onProgress);
  bench.on('run-end', onRunEnd);
  bench.on('capacity-end', onCapacityEnd);
  bench.on('bench-end', onEnd);
  return () => {
    bench.off('progress', onProgress);
    bench.off('run-end', onRunEnd);
    bench.off('capacity-end', onCapacityEnd);
    bench.off('bench-end', onEnd);
    clear();
  };
}
