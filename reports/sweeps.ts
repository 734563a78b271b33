import {
  differingFields,
  scenarioField,
  scenarioKey,
  scenarioValue,
  varyingFields,
  type Scenario,
  type SweepFigure,
  type SweepReading,
} from '../results/scenario.js';
import type { ChartSpec, DatasetSpec } from './charts.js';
import type { ReportRun } from './model.js';
import { ratesOf } from './rates.js';

/**
 * Sweeps: runs that differ from a base scenario in exactly one field, drawn as lines against that field. A star
 * matrix (the `standard` preset) gives one sweep per factor; a plain list of sizes (the `scale` preset) one
 * sweep over clients.
 */
export interface Sweep {
  field: keyof Scenario;
  base: Scenario;
  /** Runs on the sweep, base included. */
  runs: ReportRun[];
}

/** Every sweep in the runs: for each field that varies, the runs equal to the base scenario but for it. */
export function findSweeps(runs: readonly ReportRun[]): Sweep[] {
  const scenarios = new Map<string, Scenario>();
  for (const r of runs) scenarios.set(scenarioKey(r.run.scenario), r.run.scenario);
  const distinct = [...scenarios.values()];
  if (distinct.length < 2) return [];
  // The base is the scenario with most neighbours one field away: the centre of a star, any point of a line.
  const neighbours = (s: Scenario) => distinct.filter((other) => differingFields(s, other).length === 1).length;
  const base = distinct.reduce((best, s) => (neighbours(s) > neighbours(best) ? s : best), distinct[0]);
  const sweeps: Sweep[] = [];
  // Not a line to draw: a field whose entry says a section of its own shows it (the HTTP version, the source…).
  for (const field of varyingFields(distinct).filter((f) => scenarioField(f).sweep !== false)) {
    const onLine = runs.filter((r) => differingFields(r.run.scenario, base).every((key) => key === field));
    const values = new Set(onLine.map((r) => scenarioValue(r.run.scenario, field)));
    if (values.size >= 2) sweeps.push({ field, base, runs: onLine });
  }
  return sweeps;
}

interface Metric {
  id: string;
  title: string;
  unit: string;
  decimals: number;
  logY: boolean;
  value: (r: ReportRun) => number | null;
}

const METRICS: Readonly<Record<SweepFigure, Metric>> = {
  bandwidth: {
    id: 'bandwidth',
    title: 'throughput, bytes/s, both ways',
    unit: 'B/s',
    decimals: 0,
    logY: true,
    value: (r) => ratesOf(r.run).bytesPerSec,
  },
  requests: { id: 'requests', title: 'HTTP requests / s', unit: 'req/s', decimals: 1, logY: true, value: (r) => ratesOf(r.run).requestsPerSec },
  p50: { id: 'p50', title: 'latency p50, ms', unit: 'ms', decimals: 1, logY: true, value: (r) => latencyMs(r, 'p50') },
  p99: { id: 'p99', title: 'latency p99, ms', unit: 'ms', decimals: 1, logY: true, value: (r) => latencyMs(r, 'p99') },
  cpu: {
    id: 'cpu',
    title: 'server CPU, % of one core',
    unit: '%',
    decimals: 1,
    logY: false,
    value: (r) => {
      const share = ratesOf(r.run).serverCpuShare;
      return share === null ? null : share * 100;
    },
  },
  bytesPerMessage: {
    id: 'bytes-per-message',
    title: 'bytes per delivered message, both ways',
    unit: 'B',
    decimals: 0,
    logY: false,
    value: (r) => r.derived.bytesTotalPerDelivered,
  },
};

function latencyMs(r: ReportRun, key: 'p50' | 'p99'): number | null {
  return r.run.latencyUs.count > 0 ? Math.max(r.run.latencyUs[key], 1) / 1000 : null;
}

/** How a sweep over `field` is drawn and read: its field's entry, or, for a field without one, its description with throughput and p99. */
export function sweepReading(field: keyof Scenario): SweepReading {
  const entry = scenarioField(field);
  if (typeof entry.sweep === 'object') return entry.sweep;
  return {
    heading: entry.description,
    axis: entry.description,
    logAxis: false,
    figures: ['bandwidth', 'p99'],
    reading: 'each line is one strategy; the other factors are those of the base scenario.',
  };
}

/** One line chart per metric of the sweep, one line per strategy (and per run of a comparison). */
export function sweepCharts(sweep: Sweep): ChartSpec[] {
  const reading = sweepReading(sweep.field);
  const series = new Map<string, ReportRun[]>();
  for (const r of sweep.runs) {
    const key = `${r.run.strategy.name}\u0000${r.setLabel ?? ''}`;
    series.set(key, [...(series.get(key) ?? []), r]);
  }
  return reading.figures.map((name) => {
    const metric = METRICS[name];
    const datasets: DatasetSpec[] = [...series.values()].map((runs) => {
      const first = runs[0];
      const xy = runs.map((r) => ({ x: Number(scenarioValue(r.run.scenario, sweep.field)), y: metric.value(r) })).sort((a, b) => a.x - b.x);
      const title = first.run.strategy.title + (first.setLabel === null ? '' : ` · ${first.setLabel}`);
      return { label: title, type: 'line', data: [], xy, color: first.color };
    });
    const values = datasets.flatMap((d) => d.xy!.map((p) => p.y)).filter((v): v is number => v !== null && v > 0);
    const logY = metric.logY && values.length > 0 && Math.max(...values) / Math.min(...values) > 20;
    return {
      id: `chart-sweep-${String(sweep.field)}-${metric.id}`,
      labels: [],
      datasets,
      stacked: false,
      logY,
      yMin: null,
      yTitle: logY ? `${metric.title} (log)` : metric.title,
      unit: metric.unit,
      decimals: metric.decimals,
      legend: 'datasets',
      valueLabels: 'none',
      height: 300,
      x: { title: reading.axis, unit: '', log: reading.logAxis && Math.min(...datasets.flatMap((d) => d.xy!.map((p) => p.x))) > 0 },
    };
  });
}
