import { CPU_JUDGED_SHARE, cpuJudged, idleCpuShare, serverBusyShare } from '../results/metrics.js';
import { fmtNumber, fmtPercent } from '../results/number-format.js';
import type { RunResult } from '../results/results.js';
import { escapeHtml as esc } from './format.js';

/**
 * How the report and the summary show a server CPU figure: as measured once the server was busy enough for it to
 * mean something (results/metrics.ts, CPU_JUDGED_SHARE), greyed and marked below that, with the words that say
 * why. Every CPU figure per delivered message, per request or per CPU-second goes through here.
 */

/** A bar of the CPU chart below the threshold: grey, as the figure is in the tables. */
export const CPU_NOISE_COLOUR = '#cbd5e1';

/** "10 % of a core". */
export function thresholdText(): string {
  return `${fmtNumber(CPU_JUDGED_SHARE * 100, 0)} % of a core`;
}

/** "2.3 % of a core above idle while publishing", or null for results that recorded no window. */
export function busyText(run: Pick<RunResult, 'server'>): string | null {
  const busy = serverBusyShare(run.server);
  if (busy === null) return null;
  return `${fmtPercent(busy)} of a core${idleCpuShare(run.server) === null ? '' : ' above idle'}`;
}

/** A table cell's figure: as it is when judged, else grey with a tooltip saying why. */
export function cpuFigureHtml(run: RunResult, text: string): string {
  if (cpuJudged(run)) return text;
  const why =
    `the server was busy ${busyText(run) ?? ''} while the messages were published, below ${thresholdText()}: its fixed costs ` +
    `outweigh what delivering cost, so this figure is not compared`;
  return `<span class="noise" title="${esc(why)}">${text}</span>`;
}

/** The summary's figure on the terminal: in parentheses when it is not judged (the footnote says why). */
export function cpuFigureText(run: RunResult, text: string): string {
  return cpuJudged(run) || text === '—' ? text : `(${text})`;
}
