import type { ChartConfiguration, ChartDataset, Plugin, ScaleOptions, TooltipItem } from 'chart.js';
import type { ChartSpec, DatasetSpec } from './chart-spec.js';
import { paintAll } from './paint.js';
import { chartNumber, tickText } from './number-text.js';
import type { ValueLabelOptions } from './value-labels.js';

type Kind = 'bar' | 'line';
type Point = { x: number; y: number | null };
type Config = ChartConfiguration<Kind, (number | null | Point)[], string>;
type Dataset = ChartDataset<Kind, (number | null | Point)[]>;

function dataset(spec: ChartSpec, ds: DatasetSpec): Dataset {
  const sweep = spec.x !== undefined;
  // A sweep (or a run over time) is drawn as solid lines through its points; a model marker as a point alone.
  if (sweep || ds.pointsOnly) {
    return {
      type: 'line',
      label: ds.label,
      data: sweep ? (ds.xy ?? []) : ds.data,
      backgroundColor: paintAll(ds.color),
      borderColor: ds.color,
      borderWidth: 2,
      showLine: sweep && !ds.pointsOnly,
      pointRadius: ds.pointsOnly ? 6 : spec.panel ? 2.5 : 4,
      pointStyle: ds.pointsOnly ? 'rectRot' : 'circle',
      order: 0,
      spanGaps: true,
      // A panel's axes end where its first and last samples sit: their points are drawn whole.
      clip: spec.panel ? false : undefined,
    };
  }
  if (ds.type === 'line') {
    return {
      type: 'line',
      label: ds.label,
      data: ds.data,
      stack: ds.stack,
      backgroundColor: paintAll(ds.color),
      borderColor: ds.color,
      borderWidth: 2,
      borderDash: [6, 4],
      pointRadius: 4,
      pointStyle: 'rectRot',
      order: 0,
    };
  }
  return {
    type: 'bar',
    label: ds.label,
    data: ds.data,
    stack: ds.stack,
    backgroundColor: paintAll(ds.color),
    borderColor: 'transparent',
    borderWidth: 0,
    pointStyle: 'rect',
    borderRadius: 3,
    maxBarThickness: 72,
    order: 1,
  };
}

/** A panel's axes are named once above the panels; a chart of its own names them on the axes. */
function axisTitle(spec: ChartSpec, text: string) {
  return { display: !spec.panel && text !== '', text };
}

function xScale(spec: ChartSpec): ScaleOptions<'linear' | 'logarithmic' | 'category'> {
  const x = spec.x;
  if (x === undefined) return { stacked: spec.stacked, grid: { display: false } };
  const unit = x.unit ? ` ${x.unit}` : '';
  return {
    type: x.log ? 'logarithmic' : 'linear',
    min: x.min,
    max: x.max,
    title: axisTitle(spec, x.title),
    ticks: { stepSize: x.step, callback: (value) => tickText(Number(value), { log: x.log, decimals: 2 }) + unit },
  } as ScaleOptions<'linear' | 'logarithmic'>;
}

function yScale(spec: ChartSpec): ScaleOptions<'linear' | 'logarithmic'> {
  return {
    type: spec.logY ? 'logarithmic' : 'linear',
    stacked: spec.stacked,
    beginAtZero: !spec.logY,
    min: spec.yMin ?? undefined,
    max: spec.yMax,
    // Head room for the value labels above the tallest bar (a shared scale has its own).
    grace: spec.logY || spec.yMax !== undefined ? undefined : '8%',
    title: axisTitle(spec, spec.yTitle),
    // Every log tick is kept (most have no label): skipping ticks could drop a power of ten's label.
    ticks: {
      autoSkip: !spec.logY,
      stepSize: spec.yStep,
      callback: (value) => tickText(Number(value), { log: spec.logY, decimals: spec.decimals, decadesOnly: true }),
    },
  } as ScaleOptions<'linear' | 'logarithmic'>;
}

/** The chart.js configuration of one chart description. */
export function chartConfig(spec: ChartSpec, plugins: Plugin<Kind, ValueLabelOptions>[]): Config {
  const suffix = spec.unit ? ` ${spec.unit}` : '';
  const sweep = spec.x !== undefined;
  return {
    type: sweep ? 'line' : 'bar',
    data: { labels: spec.labels, datasets: spec.datasets.map((ds) => dataset(spec, ds)) },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: spec.panel ? 6 : 22 } },
      interaction: { mode: 'nearest', intersect: true },
      scales: { x: xScale(spec), y: yScale(spec) },
      plugins: {
        // The legend is HTML under the canvas (legend.ts), where long items wrap.
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<Kind>) => {
              // A sweep's point is {x, y}: the value is its y.
              const value = sweep ? item.parsed.y : (item.raw as number | null);
              return ` ${item.dataset.label ?? ''}: ${chartNumber(value, spec.decimals)}${suffix}`;
            },
          },
        },
        pushbenchValueLabels: { mode: spec.valueLabels, decimals: spec.decimals, unit: suffix },
      },
    },
    plugins,
  };
}
