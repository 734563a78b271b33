import type { ChartSpec, SmallMultiples } from './charts.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun, RunSet } from './model.js';

/** The HTML shapes every section of the report shares: a section with a heading, a chart figure, its caption. */

export interface ExtraSections {
  html: string;
  charts: ChartSpec[];
}

export const NO_SECTION: ExtraSections = { html: '', charts: [] };

/** What a section of the report is drawn from. */
export interface SectionContext {
  sets: readonly RunSet[];
  /** Every run of every set, pushbench's own strategies first (buildRuns). */
  runs: readonly ReportRun[];
  /** The runs of each set's first scenario: what the claim sections draw. */
  claimRuns: readonly ReportRun[];
}

/** A section of the report: a pure function of the runs, NO_SECTION when it has nothing to draw. */
export type ReportSection = (context: SectionContext) => ExtraSections;

/**
 * A chart's place on the page: its canvas in a box of the chart's height, and room after the box for the legend
 * the page's script adds (HTML, so that long items wrap).
 */
export function chartBlock(chart: ChartSpec): string {
  const canvas = `<canvas id="${chart.id}" role="img" aria-label="${esc(chart.yTitle)}"></canvas>`;
  return `<div class="chart"><div class="chart-box" style="height:${chart.height}px">${canvas}</div></div>`;
}

/** Small multiples: their axes said once, then a titled panel per run. */
export function multiplesBlock(multiples: SmallMultiples): string {
  const panels = multiples.panels.map((p) => `<div class="panel"><div class="panel-title">${p.titleHtml}</div>${chartBlock(p.chart)}</div>`).join('');
  return `<div class="multiples"><p class="multiples-axes">${esc(multiples.axes)}</p><div class="panels">${panels}</div></div>`;
}

export function figure(chart: ChartSpec, caption: string): string {
  return `<figure>${chartBlock(chart)}
${caption}</figure>`;
}

/** Several charts side by side (one column on a narrow screen), under one caption; each part is HTML. */
export function figureRow(parts: readonly string[], caption: string): string {
  return `<figure><div class="figure-pair">${parts.join('')}</div>
${caption}</figure>`;
}

/** `measured` and `reading` are HTML (callers escape what they interpolate). */
export function caption(measured: string, reading: string): string {
  return `<figcaption><p><span class="how">Measured:</span> ${measured}</p><p><span class="how">How to read it:</span> ${reading}</p></figcaption>`;
}

/** `lead` and `body` are HTML. */
export function section(id: string, heading: string, lead: string, body: string): string {
  return `<section class="claim" id="${id}">
<h2>${esc(heading)}</h2><p>${lead}</p>
${body}
</section>`;
}
