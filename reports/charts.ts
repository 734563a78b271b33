import { fmtInt } from '../results/number-format.js';
import { isIntervalPolling, paint, withAlpha, type ReportRun } from './model.js';

/**
 * Chart descriptions computed here, in typed code, and drawn by the small browser script in client-script.ts.
 * Keeping the numbers out of the browser script means the tests can check what each chart shows.
 */

export interface DatasetSpec {
  label: string;
  type: 'bar' | 'line';
  data: (number | null)[];
  /** One colour, or one per category; "stripe:<colour>" is drawn hatched (run B of a comparison). */
  color: string | string[];
  /** Datasets with different stacks are not added up: keeps a reference line off the stacked bars. */
  stack?: string;
  /** On a chart with a numeric x axis (ChartSpec.x): the points, in place of `data`. */
  xy?: { x: number; y: number | null }[];
  /** Markers without a connecting line (a model value beside a measured bar). */
  pointsOnly?: boolean;
}

export interface LegendItem {
  text: string;
  color: string;
  /** A line item (reference or payload marker) is drawn as a diamond, like its points. */
  line?: boolean;
}

export interface ChartSpec {
  /** Id of the <canvas>. */
  id: string;
  labels: string[];
  datasets: DatasetSpec[];
  stacked: boolean;
  logY: boolean;
  /** Lowest value of the y axis: on a log axis the power of ten below the smallest bar, so every bar shows. */
  yMin: number | null;
  yTitle: string;
  /** Unit in tooltips and bar labels. */
  unit: string;
  decimals: number;
  /** 'datasets': chart.js's own legend; a list: a fixed legend for bars coloured by strategy. */
  legend: 'datasets' | 'none' | LegendItem[];
  /** 'bars': a value above each bar; 'totals': the sum above each stack. */
  valueLabels: 'none' | 'bars' | 'totals';
  /** Pixel height: grouped charts with many bars need more room than a single row of bars. */
  height: number;
  /** A numeric x axis (a sweep: clients, rate, delay…) drawn as lines through `xy`; absent: categories from `labels`. */
  x?: { title: string; log: boolean; unit: string };
}

const NEUTRAL = '#64748b';
const REFERENCE = '#0f172a';
/** The empty place between pushbench's strategies and the reference peers. */
const GAP_COLOR = 'transparent';

/** A place in a chart: a run, or (null) the gap that keeps the references apart from pushbench's own strategies. */
export type Slot = ReportRun | null;

/** The runs with a gap before the first reference, when there are runs of both kinds (buildRuns puts references last). */
export function withReferenceGap(runs: readonly ReportRun[]): Slot[] {
  const first = runs.findIndex((r) => r.reference);
  if (first <= 0) return [...runs];
  return [...runs.slice(0, first), null, ...runs.slice(first)];
}

/** One bar dataset per run for charts grouped by category, with an empty dataset where the gap goes. */
function runDatasets(runs: readonly ReportRun[], categories: number, data: (r: ReportRun) => (number | null)[]): DatasetSpec[] {
  return withReferenceGap(runs).map((r): DatasetSpec =>
    r === null
      ? { label: '', type: 'bar', data: Array.from({ length: categories }, () => null), color: GAP_COLOR }
      : { label: r.label, type: 'bar', data: data(r), color: paint(r, r.color) },
  );
}

/** Drawn on a log axis, where zero has no place. */
function positiveOrNull(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

function anyPositive(data: (number | null)[]): boolean {
  return data.some((v) => v !== null && v > 0);
}

/** The power of ten at or below the smallest positive value drawn. */
function logFloor(datasets: readonly DatasetSpec[]): number | null {
  const values = datasets.flatMap((d) => d.data).filter((v): v is number => v !== null && v > 0);
  return values.length === 0 ? null : 10 ** Math.floor(Math.log10(Math.min(...values)));
}

/** A flat line across every category, e.g. the number of clients. */
function referenceLine(label: string, value: number, count: number): DatasetSpec {
  return referencePoints(label, Array.from({ length: count }, () => value));
}

/** A line through one expected value per category, drawn apart from the bars. */
function referencePoints(label: string, data: number[]): DatasetSpec {
  return { label, type: 'line', data, color: REFERENCE, stack: 'reference' };
}

/** The value all runs share, or null when they differ (a comparison of two scenarios). */
export function shared<T>(values: readonly T[]): T | null {
  if (values.length === 0) return null;
  return values.every((v) => v === values[0]) ? values[0]! : null;
}

/**
 * The latency chart's groups, each with what short polling should show there: a message published at a random
 * moment waits for the next poll, so its wait is spread evenly over one interval — a mean of half an interval,
 * p90 at 0.9 of one, and a maximum of one whole interval.
 */
const PERCENTILES = [
  { label: 'mean', key: 'mean', ofInterval: 0.5 },
  { label: 'p50', key: 'p50', ofInterval: 0.5 },
  { label: 'p90', key: 'p90', ofInterval: 0.9 },
  { label: 'p99', key: 'p99', ofInterval: 0.99 },
  { label: 'p99.9', key: 'p999', ofInterval: 0.999 },
  { label: 'max', key: 'max', ofInterval: 1 },
] as const;

/** C1: one group per percentile, one bar per strategy, on a log axis so sub-millisecond pushes stay visible. */
export function latencyChart(runs: readonly ReportRun[]): ChartSpec {
  const datasets = runDatasets(runs, PERCENTILES.length, (r) =>
    PERCENTILES.map((p) => (r.run.latencyUs.count > 0 ? positiveOrNull(r.run.latencyUs[p.key] / 1000) : null)),
  );
  const pollers = runs.filter((r) => isIntervalPolling(r.run));
  const interval = shared(pollers.map((r) => r.run.scenario.pollIntervalMs));
  if (interval !== null && interval > 0) {
    datasets.push(
      referencePoints(
        `short polling expected: the wait spread evenly over one ${fmtInt(interval)} ms interval`,
        PERCENTILES.map((p) => interval * p.ofInterval),
      ),
    );
  }
  return {
    id: 'chart-latency',
    labels: PERCENTILES.map((p) => p.label),
    datasets,
    stacked: false,
    logY: true,
    yMin: logFloor(datasets),
    yTitle: 'latency, ms (log scale)',
    unit: 'ms',
    decimals: 2,
    legend: 'datasets',
    valueLabels: 'bars',
    height: 400,
  };
}

/** Stacked parts of one bar per run (and nothing in the gap); each part shades the run's own colour. */
function stackedParts(
  slots: readonly Slot[],
  parts: { label: string; alpha: number; values: (r: ReportRun) => number | null }[],
): { datasets: DatasetSpec[]; legend: LegendItem[] } {
  const datasets: DatasetSpec[] = [];
  const legend: LegendItem[] = [];
  for (const part of parts) {
    const data = slots.map((r) => (r === null ? null : part.values(r)));
    if (!anyPositive(data)) continue;
    datasets.push({
      label: part.label,
      type: 'bar',
      data,
      color: slots.map((r) => (r === null ? GAP_COLOR : paint(r, withAlpha(r.color, part.alpha)))),
      stack: 'bars',
    });
    legend.push({ text: part.label, color: withAlpha(NEUTRAL, part.alpha) });
  }
  return { datasets, legend };
}

/** C2: requests per delivered message, split by what each request brought back. */
export function requestsChart(runs: readonly ReportRun[]): ChartSpec {
  const slots = withReferenceGap(runs);
  const { datasets, legend } = stackedParts(slots, [
    { label: 'with messages', alpha: 1, values: (r) => r.derived.withMessagesPerDelivered },
    { label: 'handshake / other', alpha: 0.6, values: (r) => r.derived.otherPerDelivered },
    { label: 'empty (“nothing new”)', alpha: 0.22, values: (r) => r.derived.emptyPerDelivered },
  ]);
  const failed = slots.map((r) => (r === null ? null : r.derived.failedPerDelivered));
  if (anyPositive(failed)) {
    datasets.push({ label: 'failed', type: 'bar', data: failed, color: '#dc2626', stack: 'bars' });
    legend.push({ text: 'failed', color: '#dc2626' });
  }
  return {
    id: 'chart-requests',
    labels: slots.map((r) => r?.label ?? ''),
    datasets,
    stacked: true,
    logY: false,
    yMin: null,
    yTitle: 'requests per delivered message',
    unit: '',
    decimals: 2,
    legend,
    valueLabels: 'totals',
    height: 340,
  };
}

/** C3/C4: bytes on the wire per delivered message by direction, against the payload they carried. */
export function bytesChart(runs: readonly ReportRun[]): ChartSpec {
  const slots = withReferenceGap(runs);
  const { datasets, legend } = stackedParts(slots, [
    { label: 'server → client', alpha: 1, values: (r) => r.derived.bytesDownPerDelivered },
    { label: 'client → server', alpha: 0.4, values: (r) => r.derived.bytesUpPerDelivered },
  ]);
  const payload = slots.map((r) => (r === null ? null : r.derived.payloadPerDelivered));
  if (anyPositive(payload)) {
    datasets.push({ label: 'payload per message', type: 'line', data: payload, color: REFERENCE, stack: 'reference' });
    legend.push({ text: 'payload per message', color: REFERENCE, line: true });
  }
  return {
    id: 'chart-bytes',
    labels: slots.map((r) => r?.label ?? ''),
    datasets,
    stacked: true,
    logY: false,
    yMin: null,
    yTitle: 'bytes per delivered message',
    unit: 'B',
    decimals: 0,
    legend,
    valueLabels: 'totals',
    height: 340,
  };
}

/**
 * C3: connections opened and held. A log axis only when one strategy churns connections so much that the others
 * would vanish on a linear one.
 */
export function connectionsChart(runs: readonly ReportRun[]): ChartSpec {
  const datasets = runDatasets(runs, 2, (r) => [r.run.connections.opened, r.run.connections.peak]);
  const clients = shared(runs.map((r) => r.run.scenario.clients));
  if (clients !== null && clients > 0) datasets.push(referenceLine(`clients = ${clients}`, clients, 2));
  const values = runs.flatMap((r) => [r.run.connections.opened, r.run.connections.peak]).filter((v) => v > 0);
  const logY = values.length > 0 && Math.max(...values) / Math.min(...values) > 100;
  return {
    id: 'chart-connections',
    labels: ['opened during the run', 'peak concurrent'],
    datasets,
    stacked: false,
    logY,
    yMin: logY ? logFloor(datasets) : null,
    yTitle: logY ? 'TCP connections (log scale)' : 'TCP connections',
    unit: '',
    decimals: 0,
    legend: 'datasets',
    valueLabels: 'bars',
    height: 320,
  };
}

/** C2/C5: server CPU per 1,000 delivered messages. */
export function cpuChart(runs: readonly ReportRun[]): ChartSpec {
  const slots = withReferenceGap(runs);
  return {
    id: 'chart-cpu',
    labels: slots.map((r) => r?.label ?? ''),
    datasets: [
      {
        label: 'server CPU per 1,000 delivered messages',
        type: 'bar',
        data: slots.map((r) => (r === null ? null : r.derived.cpuMsPerThousand)),
        color: slots.map((r) => (r === null ? GAP_COLOR : paint(r, r.color))),
      },
    ],
    stacked: false,
    logY: false,
    yMin: null,
    yTitle: 'server CPU ms per 1,000 messages',
    unit: 'ms',
    decimals: 1,
    legend: 'none',
    valueLabels: 'bars',
    height: 300,
  };
}
