/**
 * What the report's page draws: chart descriptions computed in typed Node code (reports/charts.ts and the
 * sections) and drawn by the page's script (this folder). The numbers stay out of the browser, so the tests can
 * check what each chart shows; this file is the one shape both halves agree on, and holds types only.
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
  /** Highest value of the y axis, when charts drawn side by side must share one scale (small multiples). */
  yMax?: number;
  /** The y axis's tick step, with yMax: the same ticks on every chart that shares the scale. */
  yStep?: number;
  yTitle: string;
  /** Unit in tooltips and bar labels. */
  unit: string;
  decimals: number;
  /** 'datasets': one item per named dataset; a list: a fixed legend for bars coloured by strategy. */
  legend: 'datasets' | 'none' | LegendItem[];
  /** 'bars': a value above each bar; 'totals': the sum above each stack. */
  valueLabels: 'none' | 'bars' | 'totals';
  /** Pixel height: grouped charts with many bars need more room than a single row of bars. */
  height: number;
  /** A numeric x axis (a sweep: clients, rate, delay…) drawn as lines through `xy`; absent: categories from `labels`. */
  x?: { title: string; log: boolean; unit: string; min?: number; max?: number; step?: number };
  /**
   * A panel of small multiples: its axes are named once above the panels (not on each), and its title is the
   * run it shows, in HTML beside the canvas.
   */
  panel?: boolean;
}
