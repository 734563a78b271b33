import { fmtNumber } from '../results/number-format.js';
import type { RunResult } from '../results/results.js';

/**
 * What a strategy held attached on the server (claim C3): a long poll parked until there is news, an open
 * WebSocket or event stream. Taken from the server's own counters, sampled about once a second.
 */
export interface HeldFigures {
  /** The most held at once, counted by the server at every attach; else the largest sample. */
  peak: number;
  /** Mean of the samples taken while the schedule published (all samples when the span is unknown). */
  mean: number;
  samples: number;
}

/** Null for results written before the server sampled what it held. */
export function heldFigures(run: RunResult): HeldFigures | null {
  const samples = run.server.attachedSamples;
  if (samples === undefined || samples.length === 0) return null;
  const span = run.server.publishingSpanMs;
  const during = span === undefined ? samples : samples.filter(([at]) => at >= span[0] && at <= span[1]);
  const used = during.length > 0 ? during : samples;
  const mean = used.reduce((sum, [, count]) => sum + count, 0) / used.length;
  const peak = run.server.attachedPeak ?? Math.max(...samples.map(([, count]) => count));
  return { peak, mean, samples: used.length };
}

/** A mean of held counts: whole numbers as such, a fraction below ten with one decimal. */
export function heldMeanText(mean: number): string {
  return fmtNumber(mean, mean < 10 && !Number.isInteger(mean) ? 1 : 0);
}
