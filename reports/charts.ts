import { fmtInt } from '../results/number-format.js';
import { isIntervalPolling, paint, withAlpha, type ReportRun } from './model.js';
import type { ChartSpec, DatasetSpec, LegendItem } from './browser/chart-spec.js';
import { cpuJudged } from '../results/metrics.js';
import { CPU_NOISE_COLOUR } from './server-cpu.js';

/**
 * Chart descriptions computed here, in typed code, and drawn by the page's script (reports/browser/). Keeping the
 * numbers out of the browser script means the tests can check what each chart shows.
 */

export type { ChartSpec, DatasetSpec, LegendItem };

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
  return referencePoints(
    label,
    Array.from({ length: count }, () => value),
  );
}

/** A line through one expected value per category, drawn apart from the bars. */
function referencePoints(label: string, data: number[]): DatasetSpec {
  return { label, type: 'line', data, color: REFERENCE, stack: 'reference' };
}

/** The value all runs share, or null when they differ (a comparison of two scenarios). */
export function shared<T>(values: readonly T[]): T | null {
  if (values.length === 0) return null;
  return values.every((v) => v === values[0]) ? values[0] : null;
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
        // A figure too close to idle to mean anything is drawn grey, as the tables show it (reports/server-cpu.ts).
        color: slots.map((r) => (r === null ? GAP_COLOR : paint(r, cpuJudged(r.run) ? r.color : CPU_NOISE_COLOUR))),
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

/** One chart per run on the same axes: lines that would lie on top of each other each get a panel of their own. */
export interface SmallMultiples {
  /** What the panels' axes measure, said once above them (plain text). */
  axes: string;
  /** Each panel's title is HTML: the run's name with its swatch, as in the tables. */
  panels: { chart: ChartSpec; titleHtml: string }[];
}

/** Axis ends and their tick steps: 3 to 5 intervals of a round size. */
const NICE_ENDS: readonly [end: number, step: number][] = [
  [1, 0.2],
  [1.2, 0.3],
  [1.5, 0.5],
  [2, 0.5],
  [2.5, 0.5],
  [3, 1],
  [4, 1],
  [5, 1],
  [6, 2],
  [8, 2],
  [10, 2],
];

/**
 * The smallest round axis end at or above `value` (1 for nothing to show), with a tick step that divides it, so
 * that panels sharing the scale all get the same ticks.
 */
export function niceScale(value: number): { max: number; step: number } {
  if (!(value > 0)) return { max: 1, step: 0.2 };
  const power = 10 ** Math.floor(Math.log10(value));
  const [end, step] = NICE_ENDS.find(([e]) => e * power >= value * (1 - 1e-12)) ?? NICE_ENDS.at(-1)!;
  const round = (n: number) => Number((n * power).toPrecision(12));
  return { max: round(end), step: round(step) };
}

/** A run's values over time: seconds since its clients started connecting, and the value then. */
export interface TimeSeries {
  run: ReportRun;
  titleHtml: string;
  points: { x: number; y: number }[];
}

/**
 * Runs over time as small multiples: a panel per run, all on one time range and one y scale from zero (with a
 * little head room), so that equal lines look equal and none hides another.
 */
export function timePanels(
  idPrefix: string,
  series: readonly TimeSeries[],
  axis: { yTitle: string; unit: string; decimals: number },
): SmallMultiples {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const x = niceScale(xs.length === 0 ? 0 : Math.max(...xs));
  // A little head room, so that a line at the highest value is not drawn on the frame.
  const y = niceScale((ys.length === 0 ? 0 : Math.max(...ys)) * 1.05);
  const xTitle = 'seconds since the clients started connecting';
  return {
    axes: `${axis.yTitle}, against ${xTitle}: one panel per run, all on the same scales.`,
    panels: series.map((s, i) => ({
      titleHtml: s.titleHtml,
      chart: {
        id: `${idPrefix}-${i + 1}`,
        labels: [],
        x: { title: xTitle, log: false, unit: 's', min: 0, max: x.max, step: x.step },
        datasets: [{ label: s.run.label, type: 'line', data: [], xy: s.points, color: s.run.color }],
        stacked: false,
        logY: false,
        yMin: 0,
        yMax: y.max,
        yStep: y.step,
        yTitle: `${axis.yTitle}: ${s.run.label}`,
        unit: axis.unit,
        decimals: axis.decimals,
        legend: 'none',
        valueLabels: 'none',
        height: 150,
        panel: true,
      },
    })),
  };
}
