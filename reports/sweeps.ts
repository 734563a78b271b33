import type { Scenario } from '../results/results.js';
import { fieldValue, SCENARIO_FIELDS, varyingFields } from '../results/scenario-label.js';
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

function scenarioKey(scenario: Scenario): string {
  return JSON.stringify(SCENARIO_FIELDS.map((f) => fieldValue(scenario, f.key)));
}

/** The fields in which `a` and `b` differ. */
function differences(a: Scenario, b: Scenario): (keyof Scenario)[] {
  return SCENARIO_FIELDS.filter((f) => fieldValue(a, f.key) !== fieldValue(b, f.key)).map((f) => f.key);
}

/** Every sweep in the runs: for each field that varies, the runs equal to the base scenario but for it. */
export function findSweeps(runs: readonly ReportRun[]): Sweep[] {
  const scenarios = new Map<string, Scenario>();
  for (const r of runs) scenarios.set(scenarioKey(r.run.scenario), r.run.scenario);
  const distinct = [...scenarios.values()];
  if (distinct.length < 2) return [];
  // The base is the scenario with most neighbours one field away: the centre of a star, any point of a line.
  const neighbours = (s: Scenario) => distinct.filter((other) => differences(s, other).length === 1).length;
  const base = distinct.reduce((best, s) => (neighbours(s) > neighbours(best) ? s : best), distinct[0]!);
  const sweeps: Sweep[] = [];
  // Not a line to draw: the HTTP version and blocked upgrades have sections of their own (http2-section.ts), and
  // so do the log's source, the server processes and the backoff (scale-out-section.ts).
  const ownSections: readonly (keyof Scenario)[] = ['httpVersion', 'blockedUpgrade', 'source', 'serverProcesses', 'backoff'];
  for (const field of varyingFields(distinct).filter((f) => !ownSections.includes(f))) {
    const onLine = runs.filter((r) => differences(r.run.scenario, base).every((key) => key === field));
    const values = new Set(onLine.map((r) => fieldValue(r.run.scenario, field)));
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

const METRICS: Readonly<Record<string, Metric>> = {
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

/** What each sweep is drawn against: the figures the issue asks for, and the one a field is about. */
const FIELD_METRICS: Partial<Record<keyof Scenario, readonly string[]>> = {
  clients: ['bandwidth', 'requests', 'p99', 'cpu'],
  ratePerSec: ['bandwidth', 'requests', 'p99', 'cpu'],
  pollIntervalMs: ['requests', 'p99', 'cpu'],
  delayMs: ['p50', 'p99'],
  cookieBytes: ['bytesPerMessage', 'bandwidth'],
};
const DEFAULT_METRICS = ['bandwidth', 'p99'];

const AXES: Partial<Record<keyof Scenario, { title: string; unit: string; log: boolean }>> = {
  clients: { title: 'clients (log scale)', unit: '', log: true },
  ratePerSec: { title: 'messages per second (log scale)', unit: '', log: true },
  pollIntervalMs: { title: 'short-poll interval, ms', unit: '', log: false },
  delayMs: { title: 'one-way network delay, ms', unit: '', log: false },
  cookieBytes: { title: 'cookie size, bytes', unit: '', log: false },
};

/** One line chart per metric of the sweep, one line per strategy (and per run of a comparison). */
export function sweepCharts(sweep: Sweep): ChartSpec[] {
  const axis = AXES[sweep.field] ?? { title: String(sweep.field), unit: '', log: false };
  const series = new Map<string, ReportRun[]>();
  for (const r of sweep.runs) {
    const key = `${r.run.strategy.name}\u0000${r.setLabel ?? ''}`;
    series.set(key, [...(series.get(key) ?? []), r]);
  }
  return (FIELD_METRICS[sweep.field] ?? DEFAULT_METRICS).map((name) => {
    const metric = METRICS[name]!;
    const datasets: DatasetSpec[] = [...series.values()].map((runs) => {
      const first = runs[0]!;
      const xy = runs
        .map((r) => ({ x: Number(fieldValue(r.run.scenario, sweep.field)), y: metric.value(r) }))
        .sort((a, b) => a.x - b.x);
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
      x: { ...axis, log: axis.log && Math.min(...datasets.flatMap((d) => d.xy!.map((p) => p.x))) > 0 },
    };
  });
}
