import type { Chart, ChartType, Plugin } from 'chart.js';
import type { ChartSpec } from './chart-spec.js';
import { chartNumber } from './number-text.js';

export interface ValueLabelOptions {
  mode: ChartSpec['valueLabels'];
  decimals: number;
  /** " ms", " B" or nothing, after each number. */
  unit: string;
}

declare module 'chart.js' {
  // Declaration merging needs chart.js's own type parameter, by its name, though this part does not use it.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    pushbenchValueLabels?: ValueLabelOptions;
  }
}

const FONT_COLOR = '#1e293b';

/** A bar's top centre and width, as chart.js laid it out. */
function barBox(chart: Chart, datasetIndex: number, index: number): { x: number; y: number; width: number } | null {
  const element = chart.getDatasetMeta(datasetIndex).data[index];
  if (!element) return null;
  const { x, y, width } = element.getProps(['x', 'y', 'width'], true) as { x: number; y: number; width: number };
  return { x, y, width };
}

/** The visible bar datasets, by index. */
function barDatasets(chart: Chart): number[] {
  return chart.data.datasets.flatMap((dataset, i) => (dataset.type === 'bar' && chart.isDatasetVisible(i) ? [i] : []));
}

function valueOf(chart: Chart, datasetIndex: number, index: number): number | null {
  const value = chart.data.datasets[datasetIndex]?.data[index];
  return typeof value === 'number' ? value : null;
}

/** The sum above each stack. */
function drawTotals(chart: Chart, ctx: CanvasRenderingContext2D, options: ValueLabelOptions): void {
  const bars = barDatasets(chart);
  (chart.data.labels ?? []).forEach((_label, index) => {
    let sum = 0;
    let top = Infinity;
    let x: number | null = null;
    for (const i of bars) {
      const value = valueOf(chart, i, index);
      const box = barBox(chart, i, index);
      if (value === null || box === null) continue;
      sum += value;
      top = Math.min(top, box.y);
      x = box.x;
    }
    if (x !== null) ctx.fillText(chartNumber(sum, options.decimals) + options.unit, x, top - 4);
  });
}

/** A value above each bar, where it fits. */
function drawBars(chart: Chart, ctx: CanvasRenderingContext2D, options: ValueLabelOptions, family: string): void {
  for (const i of barDatasets(chart)) {
    chart.getDatasetMeta(i).data.forEach((_element, index) => {
      const value = valueOf(chart, i, index);
      const box = barBox(chart, i, index);
      if (value === null || box === null) return;
      const text = chartNumber(value, options.decimals);
      // Labels wider than their bar would run into the neighbours' (many bars in a comparison): try a smaller
      // font, else leave the number to the tooltip and the tables.
      ctx.font = `600 11px ${family}`;
      if (ctx.measureText(text).width > box.width + 1) ctx.font = `600 9px ${family}`;
      if (ctx.measureText(text).width > box.width + 1) return;
      ctx.fillText(text, box.x, box.y - 4);
    });
  }
}

/** Numbers drawn above the bars, so that a printed or screenshotted chart carries its values. */
export function valueLabels(family: string): Plugin<'bar' | 'line', ValueLabelOptions> {
  return {
    id: 'pushbenchValueLabels',
    afterDatasetsDraw(chart, _args, options) {
      if (options.mode === 'none') return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `600 11px ${family}`;
      ctx.fillStyle = FONT_COLOR;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      if (options.mode === 'totals') drawTotals(chart, ctx, options);
      else drawBars(chart, ctx, options, family);
      ctx.restore();
    },
  };
}
