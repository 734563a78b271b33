import { scenarioValue } from '../results/scenario.js';
import { answersWithStatus } from '../results/stack-metrics.js';
import { fmtInt } from '../results/number-format.js';
import { niceScale, type ChartSpec, type DatasetSpec, type SmallMultiples } from './charts.js';
import { withAlpha, type ReportRun } from './model.js';
import { strategyCell } from './sections.js';

/** The charts of "The article's stack": the pool over time, latency by worker count, the gateway's errors. */

/** A PHP run's name in a chart: its pool and its clients. */
export function poolLabel(r: ReportRun): string {
  const { scenario } = r.run;
  const workers = scenarioValue(scenario, 'phpWorkers');
  return `${fmtInt(workers)} worker${workers === 1 ? '' : 's'} · ${fmtInt(scenario.clients)} clients${r.setLabel === null ? '' : ` · ${r.setLabel}`}`;
}

/**
 * Busy workers and requests queued for one, over time: a panel per run, all on one time range and one scale, the
 * busy workers in the strategy's colour, the queue pale. A flat busy line at the pool's size with a queue above
 * zero is a pool held full.
 */
export function poolPanels(runs: readonly ReportRun[]): SmallMultiples | null {
  const sampled = runs.filter((r) => (r.run.stack?.pool?.samples.length ?? 0) >= 2);
  if (sampled.length === 0) return null;
  const series = sampled.map((r) => {
    const samples = r.run.stack!.pool!.samples;
    const at = (ms: number) => Math.round(ms / 100) / 10;
    return {
      r,
      busy: samples.map(([ms, busy]) => ({ x: at(ms), y: busy })),
      queued: samples.map(([ms, , , queued]) => ({ x: at(ms), y: queued < 0 ? null : queued })),
    };
  });
  const x = niceScale(Math.max(...series.flatMap((s) => s.busy.map((p) => p.x))));
  const y = niceScale(Math.max(1, ...series.flatMap((s) => [...s.busy, ...s.queued].map((p) => p.y ?? 0))) * 1.05);
  const xTitle = 'seconds since the clients started connecting';
  return {
    axes: `PHP workers busy (solid) and requests queued for one (pale), against ${xTitle}: one panel per run, all on the same scales.`,
    panels: series.map((s, i) => ({
      titleHtml: `${strategyCell(s.r)} <span class="kind">${poolLabel(s.r)}</span>`,
      chart: {
        id: `chart-pool-${i + 1}`,
        labels: [],
        x: { title: xTitle, log: false, unit: 's', min: 0, max: x.max, step: x.step },
        datasets: [
          { label: 'busy workers', type: 'line', data: [], xy: s.busy, color: s.r.color },
          { label: 'queued for a worker', type: 'line', data: [], xy: s.queued, color: withAlpha(s.r.color, 0.4) },
        ],
        stacked: false,
        logY: false,
        yMin: 0,
        yMax: y.max,
        yStep: y.step,
        yTitle: `busy workers and queue: ${s.r.label}`,
        unit: '',
        decimals: 0,
        legend: 'none',
        valueLabels: 'none',
        height: 150,
        panel: true,
      },
    })),
  };
}

/** Figures, not strategies: greys for the deliveries, ochre for the page, none of the strategies' colours. */
const LATENCIES: readonly { label: string; color: string; pick: (r: ReportRun) => number | null }[] = [
  { label: 'delivery p50', color: '#1e293b', pick: (r) => (r.run.latencyUs.count > 0 ? r.run.latencyUs.p50 : null) },
  { label: 'delivery p99', color: '#64748b', pick: (r) => (r.run.latencyUs.count > 0 ? r.run.latencyUs.p99 : null) },
  { label: 'ordinary page p50', color: '#a16207', pick: (r) => pageLatency(r, 'p50') },
  { label: 'ordinary page p99', color: '#ca8a04', pick: (r) => pageLatency(r, 'p99') },
  { label: 'publish through PHP p99', color: '#94a3b8', pick: (r) => r.run.stack?.publishes?.latencyUs.p99 ?? null },
];

function pageLatency(r: ReportRun, key: 'p50' | 'p99'): number | null {
  const page = r.run.stack?.page;
  return page && page.answered > 0 ? page.latencyUs[key] : null;
}

/** Latency by worker count: for each PHP run, its deliveries, its ordinary page and its publishes, ms on a log axis. */
export function poolLatencyChart(runs: readonly ReportRun[]): ChartSpec {
  const datasets: DatasetSpec[] = LATENCIES.map(({ label, color, pick }): DatasetSpec => ({
    label,
    type: 'bar',
    data: runs.map((r) => {
      const us = pick(r);
      return us === null || us <= 0 ? null : us / 1000;
    }),
    color,
  })).filter((d) => d.data.some((v) => v !== null));
  const values = datasets.flatMap((d) => d.data).filter((v): v is number => v !== null && v > 0);
  return {
    id: 'chart-pool-latency',
    labels: runs.map(poolLabel),
    datasets,
    stacked: false,
    logY: true,
    yMin: values.length === 0 ? null : 10 ** Math.floor(Math.log10(Math.min(...values))),
    yTitle: 'latency, ms (log scale)',
    unit: 'ms',
    decimals: 1,
    legend: 'datasets',
    valueLabels: 'none',
    height: 320,
  };
}

/** 502 and 504 answers of each run (nginx's: it gave up on the upstream, or could not reach it). */
export function gatewayErrorsChart(runs: readonly ReportRun[]): ChartSpec | null {
  if (!runs.some((r) => answersWithStatus(r.run, 502) + answersWithStatus(r.run, 504) > 0)) return null;
  return {
    id: 'chart-gateway-errors',
    labels: runs.map((r) => (r.run.stack?.kind === 'php-fpm' ? poolLabel(r) : r.label)),
    datasets: [
      { label: '504 Gateway Time-out', type: 'bar', data: runs.map((r) => answersWithStatus(r.run, 504)), color: '#a16207' },
      { label: '502 Bad Gateway', type: 'bar', data: runs.map((r) => answersWithStatus(r.run, 502)), color: '#64748b' },
    ],
    stacked: true,
    logY: false,
    yMin: 0,
    yTitle: 'answers from nginx itself',
    unit: '',
    decimals: 0,
    legend: 'datasets',
    valueLabels: 'totals',
    height: 240,
  };
}
