import type { Results } from '../results/results.js';
import { bytesCaption, connectionsCaption, cpuCaption, latencyCaption, requestsCaption } from './captions.js';
import { bytesChart, connectionsChart, cpuChart, latencyChart, requestsChart, type ChartSpec } from './charts.js';
import { CLAIMS, type ClaimId } from './claims.js';
import { CLIENT_SCRIPT, chartJsBundle } from './client-script.js';
import { fmtDate } from '../results/number-format.js';
import { escapeHtml as esc, inlineJson } from './format.js';
import { buildRuns, type ReportRun, type RunSet } from './model.js';
import {
  correctnessBanner,
  costTable,
  definitionsBlock,
  metaCards,
  scenarioTable,
  summaryTable,
  wallTimeNote,
} from './sections.js';
import { memoryCaption, memoryChart, restartTable } from './reliability.js';
import { peersSection } from './peers-section.js';
import { baseScenarioRuns, matrixSections } from './matrix-sections.js';
import { STYLES } from './styles.js';

/**
 * The HTML report: one self-contained file (chart.js, the data and the styles inlined) that opens from disk
 * with no network. Rendering is a pure function of the results, so the same results.json always gives the same
 * file and a report can be re-rendered at any time.
 */

interface ClaimSection {
  /** The claim the section tests; its statement is the heading. Null: a section of its own `heading`. */
  claim: ClaimId | null;
  heading?: string;
  /** Further claims whose "must show" the same chart answers. */
  also: ClaimId[];
  chart: ChartSpec;
  caption: string;
  /** A sentence under the claims, when the chart answers the claim less directly than its "must show". */
  lead?: string;
  /** HTML after the caption. */
  extra?: string;
}

function claimSections(runs: readonly ReportRun[]): ClaimSection[] {
  const memory = memoryChart(runs);
  const reliability: ClaimSection[] =
    memory === null
      ? []
      : [
          {
            claim: null,
            also: [],
            heading: 'Server memory over time',
            lead: 'Bounded buffers mean bounded memory: under a steady load the server’s memory should level off, whatever the strategy.',
            chart: memory,
            caption: memoryCaption(runs),
            extra: restartTable(runs),
          },
        ];
  return [
    { claim: 'C1', also: ['C5'], chart: latencyChart(runs), caption: latencyCaption(runs) },
    { claim: 'C2', also: [], chart: requestsChart(runs), caption: requestsCaption(runs) },
    { claim: 'C4', also: ['C3', 'C5'], chart: bytesChart(runs), caption: bytesCaption(runs) },
    { claim: 'C3', also: [], chart: connectionsChart(runs), caption: connectionsCaption(runs) },
    {
      claim: 'C5',
      also: ['C2'],
      lead: 'Whether speaking only when there is news costs the server less than answering every “anything new?” shows in its CPU time per delivered message.',
      chart: cpuChart(runs),
      caption: cpuCaption(),
      extra: `<h3>Server cost in detail</h3>${costTable(runs)}`,
    },
    ...reliability,
  ];
}

function renderSection(section: ClaimSection): string {
  if (section.claim === null) {
    return `<section class="claim" id="${section.chart.id}-section">
<h2>${esc(section.heading ?? '')}</h2>${section.lead === undefined ? '' : `<p>${esc(section.lead)}</p>`}
<figure><div class="chart-box" style="height:${section.chart.height}px"><canvas id="${section.chart.id}" role="img" aria-label="${esc(section.chart.yTitle)}"></canvas></div>
${section.caption}</figure>${section.extra ?? ''}
</section>`;
  }
  const main = CLAIMS[section.claim];
  const ids = [section.claim, ...section.also].join(' · ');
  const musts = [main, ...section.also.map((id) => CLAIMS[id])].map((c) =>
    c.id === main.id
      ? `<li><b>Must show:</b> ${esc(c.measured)}</li>`
      : `<li title="${esc(c.statement)}"><b>Also ${c.id} (${esc(c.short)}):</b> ${esc(c.measured)}</li>`,
  );
  return `<section class="claim" id="${main.id.toLowerCase()}">
<h2><span class="claim-ids">${ids}</span>${esc(main.statement)}</h2>
<ul class="claim-list">${musts.join('')}</ul>${section.lead === undefined ? '' : `<p>${esc(section.lead)}</p>`}
<figure><div class="chart-box" style="height:${section.chart.height}px"><canvas id="${section.chart.id}" role="img" aria-label="${esc(section.chart.yTitle)}"></canvas></div>
${section.caption}</figure>${section.extra ?? ''}
</section>`;
}

function rawJson(sets: readonly RunSet[]): string {
  return sets
    .map((set) => {
      const name = set.label === null ? 'Raw results (results.json)' : `Raw results of run ${esc(set.label)} (${esc(fmtDate(set.results.meta.date))})`;
      return `<details class="raw"><summary>${name}</summary><pre>${esc(JSON.stringify(set.results, null, 2))}</pre></details>`;
    })
    .join('\n');
}

function strategyTitles(runs: readonly ReportRun[]): string {
  const titles: string[] = [];
  for (const r of runs) if (!titles.includes(r.run.strategy.title)) titles.push(r.run.strategy.title);
  return titles.length === 0 ? 'no runs' : titles.join(' vs ');
}

function renderDocument(sets: readonly RunSet[], data: unknown): string {
  const runs = buildRuns(sets);
  const comparison = sets.length > 1;
  const when = sets.map((s) => `${s.label === null ? '' : `${s.label}: `}${fmtDate(s.results.meta.date)}, ${s.results.meta.preset} preset`).join(' vs ');
  const title = `${comparison ? 'pushbench comparison' : 'pushbench report'} — ${when}`;
  // Several scenarios (a sweep): the claim charts show each file's first scenario, the sweeps show the rest.
  const claimRuns = baseScenarioRuns(sets, runs);
  const sections = claimSections(claimRuns);
  const extra = matrixSections(sets, runs);
  const baseNote =
    claimRuns.length < runs.length
      ? `<p class="muted">The charts per claim below show the first scenario of these results (${esc(claimRuns[0]?.scenarioTag ?? '')}); the sweeps after them show every scenario.</p>`
      : '';
  const body =
    runs.length === 0
      ? extra.html || '<p class="banner invalid">These results contain no runs.</p>'
      : `<h2>Summary</h2>
<p class="muted">Per delivered message, so that strategies${comparison ? ' and runs' : ''} compare whatever the run’s length. Hover a column heading for its definition.</p>
${summaryTable(runs)}
${wallTimeNote(runs)}
${peersSection(sets)}
${baseNote}
${sections.map(renderSection).join('\n')}
${extra.html}
<p class="muted" style="margin-top:32px">${esc(CLAIMS.C6.id)} (fallback from WebSocket to long polling) and ${esc(CLAIMS.C7.id)} (publish API and presence) are about behaviour, not cost; this benchmark does not measure them.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pushbench">
<title>${esc(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<header>
<h1>${comparison ? 'Comparison: ' : ''}${esc(runs.length === 0 && extra.html ? 'Capacity of the HTTP endpoints' : strategyTitles(runs))}</h1>
<p class="subtitle">${esc(when)} · the same messages from one source, every request, byte and millisecond counted on the wire.</p>
</header>
${correctnessBanner(runs)}
${metaCards(sets)}
<h2>Scenario</h2>
${runs.length === 0 ? '' : scenarioTable(runs, sets)}
${body}
${definitionsBlock()}
${rawJson(sets)}
<footer>Generated by pushbench ${esc(sets.map((s) => s.results.meta.pushbenchVersion).join(' / '))}. Self-contained: this file needs no network.</footer>
</main>
<script type="application/json" id="pushbench-results">${inlineJson(data)}</script>
<script type="application/json" id="pushbench-charts">${inlineJson([...(runs.length === 0 ? [] : sections.map((s) => s.chart)), ...extra.charts])}</script>
<script>${chartJsBundle()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** The report of one results.json; the results are inlined unchanged in #pushbench-results. */
export function renderReport(results: Results): string {
  return renderDocument([{ label: null, results }], results);
}

/** Two runs side by side, labelled A and B; #pushbench-results holds [a, b]. */
export function renderComparison(a: Results, b: Results): string {
  return renderDocument(
    [
      { label: 'A', results: a },
      { label: 'B', results: b },
    ],
    [a, b],
  );
}
