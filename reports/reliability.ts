import { fmtNumber } from '../results/number-format.js';
import type { ChartSpec, DatasetSpec } from './charts.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { describeRestart } from './summary.js';

/** Samples are about a second apart; the chart's x axis is whole seconds since the clients started connecting. */
function secondsAxis(runs: readonly ReportRun[]): number[] {
  const seconds = new Set<number>();
  for (const r of runs) for (const [ms] of r.run.server.rssSamples ?? []) seconds.add(Math.round(ms / 1000));
  return [...seconds].sort((a, b) => a - b);
}

/**
 * Server memory over the run, one line per strategy: a server that grows without bound under a steady load
 * (a soak run) shows as a line that keeps climbing. Null when the runs carry fewer than three samples.
 */
export function memoryChart(runs: readonly ReportRun[]): ChartSpec | null {
  const axis = secondsAxis(runs);
  if (axis.length < 3) return null;
  const datasets: DatasetSpec[] = runs.map((r) => {
    const bySecond = new Map((r.run.server.rssSamples ?? []).map(([ms, rss]) => [Math.round(ms / 1000), rss / 2 ** 20]));
    return { label: r.label, type: 'line', data: axis.map((s) => bySecond.get(s) ?? null), color: r.color };
  });
  return {
    id: 'chart-memory',
    labels: axis.map((s) => `${s} s`),
    datasets,
    stacked: false,
    logY: false,
    yMin: 0,
    yTitle: 'server RSS, MiB',
    unit: 'MiB',
    decimals: 1,
    legend: 'datasets',
    valueLabels: 'none',
    height: 340,
  };
}

export function memoryCaption(runs: readonly ReportRun[]): string {
  const lines = runs
    .filter((r) => (r.run.server.rssSamples?.length ?? 0) >= 2)
    .map((r) => {
      const samples = r.run.server.rssSamples!;
      const first = samples[0]![1] / 2 ** 20;
      const last = samples.at(-1)![1] / 2 ** 20;
      const peak = Math.max(...samples.map(([, rss]) => rss)) / 2 ** 20;
      return `<li><b>${esc(r.label)}</b>: ${fmtNumber(first, 1)} → ${fmtNumber(last, 1)} MiB (peak ${fmtNumber(peak, 1)} MiB)</li>`;
    });
  return `<figcaption><b>Measured:</b> resident memory of the server process, sampled once a second from the moment the
clients start connecting until they are gone. <b>How to read it:</b> a line that levels off is a bounded server; one that
keeps climbing while the load is steady is a leak or an unbounded buffer.<ul>${lines.join('')}</ul></figcaption>`;
}

/** Fault runs: when the server process was killed, and exactly which messages the clients never got. */
export function restartTable(runs: readonly ReportRun[]): string {
  const faulted = runs.filter((r) => r.run.restart);
  if (faulted.length === 0) return '';
  const rows = faulted.map((r) => `<li><b>${esc(r.label)}</b>: ${esc(describeRestart(r.run.restart!))}</li>`);
  return `<h3>Server killed and restarted</h3><p>The server process was killed (SIGKILL) during the schedule and a
new one took its port. With the embedded message source, messages the old process had published but a client had
not yet read died with it; the clients reconnected with backoff and were told of the gap.</p><ul>${rows.join('')}</ul>`;
}
