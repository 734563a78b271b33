import type { Chart } from 'chart.js';
import type { ChartSpec, DatasetSpec } from './chart-spec.js';
import { baseColor, isStriped } from './paint.js';

/** How an item's swatch is drawn: like the marks it explains. */
type SwatchShape = 'square' | 'diamond' | 'circle';

interface Item {
  text: string;
  color: string;
  shape: SwatchShape;
  /** The dataset the item shows and hides; none for a fixed legend (its items explain shades, not datasets). */
  datasetIndex?: number;
}

function datasetShape(spec: ChartSpec, dataset: DatasetSpec): SwatchShape {
  if (dataset.pointsOnly) return 'diamond';
  if (spec.x !== undefined) return 'circle';
  return dataset.type === 'line' ? 'diamond' : 'square';
}

function items(spec: ChartSpec): Item[] {
  if (spec.legend === 'none') return [];
  if (spec.legend === 'datasets') {
    // The unnamed dataset is the gap before the reference peers: nothing to explain.
    return spec.datasets.flatMap((dataset, datasetIndex) => {
      if (dataset.label === '') return [];
      const color = Array.isArray(dataset.color) ? (dataset.color[0] ?? '') : dataset.color;
      return [{ text: dataset.label, color, shape: datasetShape(spec, dataset), datasetIndex }];
    });
  }
  return spec.legend.map((item) => ({ text: item.text, color: item.color, shape: item.line ? 'diamond' : 'square' }));
}

function swatch(item: Item): HTMLSpanElement {
  const mark = document.createElement('span');
  mark.className = `swatch ${item.shape}${isStriped(item.color) ? ' striped' : ''}`;
  mark.style.backgroundColor = baseColor(item.color);
  mark.setAttribute('aria-hidden', 'true');
  return mark;
}

/**
 * The chart's legend as HTML under its canvas. A canvas legend cannot wrap a long item (the short-polling
 * expectation, on a phone) and cuts it at the canvas edge; HTML text wraps. A dataset's item shows and hides it,
 * as chart.js's own legend does.
 */
export function htmlLegend(spec: ChartSpec, chart: Chart, box: HTMLElement): void {
  const list = items(spec);
  if (list.length === 0) return;
  const legend = document.createElement('ul');
  legend.className = 'chart-legend';
  legend.dataset['chart'] = spec.id;
  for (const item of list) {
    const entry = document.createElement('li');
    const index = item.datasetIndex;
    if (index === undefined) {
      entry.append(swatch(item), item.text);
    } else {
      const toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.setAttribute('aria-pressed', 'true');
      toggle.append(swatch(item), item.text);
      toggle.addEventListener('click', () => {
        const shown = !chart.isDatasetVisible(index);
        chart.setDatasetVisibility(index, shown);
        chart.update();
        toggle.setAttribute('aria-pressed', String(shown));
      });
      entry.append(toggle);
    }
    legend.append(entry);
  }
  box.after(legend);
}
