import { fmtNumber } from '../results/number-format.js';
import { timePanels, type SmallMultiples } from './charts.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { strategyCell } from './sections.js';
import { describeRestart } from './summary.js';

/**
 * Server memory over the run, a panel per run (servers of a similar size would draw one line over another on a
 * single chart): a server that grows without bound under a steady load (a soak run) shows as a line that keeps
 * climbing. Null when no run carries three samples.
 */
export function memoryChart(runs: readonly ReportRun[]): SmallMultiples | null {
  const sampled = runs.filter((r) => (r.run.server.rssSamples?.length ?? 0) >= 3);
  if (sampled.length === 0) return null;
  return timePanels(
    'chart-memory',
    sampled.map((r) => ({
      run: r,
      titleHtml: strategyCell(r),
      points: (r.run.server.rssSamples ?? []).map(([ms, rss]) => ({ x: Math.round(ms / 100) / 10, y: rss / 2 ** 20 })),
    })),
    { yTitle: 'Server RSS, MiB', unit: 'MiB', decimals: 1 },
  );
}

export function memoryCaption(runs: readonly ReportRun[]): string {
  const lines = runs
    .filter((r) => (r.run.server.rssSamples?.length ?? 0) >= 2)
    .map((r) => {
      const samples = r.run.server.rssSamples!;
      const first = samples[0][1] / 2 ** 20;
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
