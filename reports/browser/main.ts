import type { ChartSpec } from './chart-spec.js';
import { chartConfig } from './chart-config.js';
import { chartLibrary } from './chart-library.js';
import { htmlLegend } from './legend.js';
import { valueLabels } from './value-labels.js';

/**
 * The report page's script: draws the chart descriptions inlined in #pushbench-charts with chart.js (inlined
 * before this script). Bundled by esbuild when the report is rendered (reports/page-scripts.ts).
 */
function drawCharts(): void {
  const Chart = chartLibrary();
  const source = document.getElementById('pushbench-charts');
  if (Chart === undefined || source === null) return;
  const specs = JSON.parse(source.textContent ?? '[]') as ChartSpec[];
  const family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.family = family;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#334155';
  Chart.defaults.borderColor = '#e2e8f0';
  // A report is read, printed and screenshotted: bars that are still growing help none of that.
  Chart.defaults.animation = false;
  const labels = valueLabels(family);
  for (const spec of specs) {
    const canvas = document.getElementById(spec.id);
    const box = canvas?.parentElement;
    if (!(canvas instanceof HTMLCanvasElement) || !box) continue;
    box.style.height = `${spec.height}px`;
    const chart = new Chart(canvas, chartConfig(spec, [labels]));
    htmlLegend(spec, chart, box);
  }
}

drawCharts();
