import { DASH, fmtNumber, fmtSetting } from '../../results/number-format.js';

/**
 * Numbers on the charts, spelled by the one formatter the tables use: fixed decimals on values (bar labels,
 * tooltips), trimmed ones on axis ticks. Fewer decimals as values grow, as the tables do.
 */
export function chartNumber(value: number | null | undefined, decimals: number, trim = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const shown = Math.abs(value) >= 1000 ? 0 : Math.abs(value) >= 10 ? Math.min(decimals, 1) : decimals;
  return trim ? fmtSetting(value, shown) : fmtNumber(value, shown);
}

export interface TickAxis {
  log: boolean;
  decimals: number;
  /** On a log axis, label the powers of ten alone (1, 10, 100: a scale read at a glance). */
  decadesOnly?: boolean;
}

/**
 * A log axis gets a tick at every integer multiple of each power of ten. The y axis labels the powers of ten
 * alone; a sweep's x axis also 2 and 5, where its points sit. Unlabelled ticks keep their grid line.
 */
export function tickText(value: number, axis: TickAxis): string {
  if (!axis.log) return chartNumber(value, axis.decimals, true);
  if (!(value > 0)) return '';
  const mantissa = Math.round(value / 10 ** Math.floor(Math.log10(value) + 1e-9));
  const labelled = axis.decadesOnly ? mantissa === 1 : mantissa === 1 || mantissa === 2 || mantissa === 5;
  return labelled ? chartNumber(value, 3, true) : '';
}
