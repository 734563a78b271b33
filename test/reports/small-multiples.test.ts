import { describe, expect, it } from 'vitest';
import { niceScale, timePanels } from '../../reports/charts.js';
import { buildRuns } from '../../reports/model.js';
import { makeResults } from './fixture.js';

describe('small multiples', () => {
  it('end their shared axes on a round value at or above the largest, with a step that divides it', () => {
    expect([0, 1, 1.1, 52.5, 100, 105, 122.5 * 1.05, 22, 0.004, 7_000].map(niceScale)).toEqual([
      { max: 1, step: 0.2 },
      { max: 1, step: 0.2 },
      { max: 1.2, step: 0.3 },
      { max: 60, step: 20 },
      { max: 100, step: 20 },
      { max: 120, step: 30 },
      { max: 150, step: 50 },
      { max: 25, step: 5 },
      { max: 0.004, step: 0.001 },
      { max: 8_000, step: 2_000 },
    ]);
  });

  it('give each run a panel of its own, all on the same scales, titled and labelled with the run', () => {
    const runs = buildRuns([{ label: null, results: makeResults() }]);
    const multiples = timePanels(
      'chart-test',
      runs.map((run, i) => ({
        run,
        titleHtml: `<b>${run.label}</b>`,
        points: [
          { x: 0, y: 0 },
          { x: 9.5 + i, y: 10 * (i + 1) },
        ],
      })),
      { yTitle: 'Things', unit: 'u', decimals: 1 },
    );
    expect(multiples.axes).toBe('Things, against seconds since the clients started connecting: one panel per run, all on the same scales.');
    expect(multiples.panels.map((p) => [p.titleHtml, p.chart.id, p.chart.datasets.map((d) => d.label)])).toEqual([
      ['<b>Short polling</b>', 'chart-test-1', ['Short polling']],
      ['<b>Long polling</b>', 'chart-test-2', ['Long polling']],
      ['<b>WebSocket</b>', 'chart-test-3', ['WebSocket']],
    ]);
    for (const { chart } of multiples.panels) {
      // The largest value, 30, with 5 % head room; the last sample at 11.5 s.
      expect([chart.yMin, chart.yMax, chart.yStep]).toEqual([0, 40, 10]);
      expect(chart.x).toEqual({ title: 'seconds since the clients started connecting', log: false, unit: 's', min: 0, max: 12, step: 3 });
      expect(chart.panel).toBe(true);
      expect(chart.legend).toBe('none');
    }
    expect(multiples.panels[2].chart.datasets[0].xy).toEqual([
      { x: 0, y: 0 },
      { x: 11.5, y: 30 },
    ]);
  });
});
