import type { Chart } from 'chart.js';

/** The chart.js class, as the page's script sees it. */
export type ChartJs = typeof Chart;

/**
 * chart.js's UMD build is inlined in a script before this one and sets the global `Chart`, with every chart
 * type, scale and plugin registered. Undefined if that script did not run: the page then keeps its tables.
 */
export function chartLibrary(): ChartJs | undefined {
  return (globalThis as { Chart?: ChartJs }).Chart;
}
