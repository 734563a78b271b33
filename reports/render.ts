import { describeBench, type Results } from '../results/results.js';
import { claimSections } from './claim-sections.js';
import { chartDrawingScript, chartJsBundle } from './page-scripts.js';
import { fmtDate } from '../results/number-format.js';
import { escapeHtml as esc, inlineJson } from './format.js';
import { buildRuns, type ReportRun, type RunSet } from './model.js';
import { correctnessBanner, definitionsBlock, metaCards, scenarioTable, summaryTable, wallTimeNote } from './sections.js';
import { peersSection } from './peers-section.js';
import { baseScenarioRuns, matrixSections } from './matrix-sections.js';
import { recoverySection } from './recovery-section.js';
import { fallbackSection } from './fallback-section.js';
import { agreementSection } from './agreement-section.js';
import { http2Section } from './http2-section.js';
import { tlsSection } from './tls-section.js';
import { scaleOutSection } from './scale-out-section.js';
import { memorySection } from './memory-section.js';
import { shootoutSection } from './shootout.js';
import { stackSection } from './stack-section.js';
import { publishingSection } from './publishing-section.js';
import { networkSection } from './network-section.js';
import type { ExtraSections, ReportSection } from './section-html.js';
import { STYLES } from './styles.js';
import { interruptionBanner } from './notice-html.js';
import { verdictStrip } from './verdict-strip.js';

/**
 * The HTML report: one self-contained file (chart.js, the data and the styles inlined) that opens from disk
 * with no network. Rendering is a pure function of the results, so the same results.json always gives the same
 * file and a report can be re-rendered at any time.
 *
 * Its order: the verdict strip (what this run shows, in ten seconds), the scenario and the summary table, the
 * sections that answer the article's claims, then every further section in SECTIONS_AFTER_CLAIMS.
 */

/**
 * The sections after the article's claims, in order. Each draws only what its results hold (an empty section
 * returns NO_SECTION), so a quick report is unchanged by a section it has no data for. A new section is a module
 * of its own and one line here.
 */
const SECTIONS_AFTER_CLAIMS: readonly ReportSection[] = [
  ({ sets }) => ({ html: peersSection(sets), charts: [] }),
  ({ sets, runs }) => matrixSections(sets, runs),
  shootoutSection,
  memorySection,
  scaleOutSection,
  stackSection,
  publishingSection,
  recoverySection,
  http2Section,
  tlsSection,
  networkSection,
  fallbackSection,
  agreementSection,
];

function rawJson(sets: readonly RunSet[]): string {
  return sets
    .map((set) => {
      const name =
        set.label === null ? 'Raw results (results.json)' : `Raw results of run ${esc(set.label)} (${esc(fmtDate(set.results.meta.date))})`;
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
  const when = sets
    .map((s) => `${s.label === null ? '' : `${s.label}: `}${fmtDate(s.results.meta.date)}, ${describeBench(s.results.meta)}`)
    .join(' vs ');
  const title = `${comparison ? 'pushbench comparison' : 'pushbench report'} — ${when}`;
  // Several scenarios (a sweep): the claim charts show each file's first scenario, the sweeps show the rest.
  const claimRuns = baseScenarioRuns(sets, runs);
  const claims: ExtraSections = runs.length === 0 ? { html: '', charts: [] } : claimSections(sets, claimRuns);
  const later = SECTIONS_AFTER_CLAIMS.map((section) => section({ sets, runs, claimRuns }));
  const laterHtml = later
    .map((part) => part.html)
    .filter((html) => html !== '')
    .join('\n');
  const charts = [...claims.charts, ...later.flatMap((part) => part.charts)];
  const baseNote =
    claimRuns.length < runs.length
      ? `<p class="muted">The sections on the article’s claims show the first scenario of these results ` +
        `(${esc(claimRuns[0]?.scenarioTag ?? '')}); the sweeps after them show every scenario.</p>`
      : '';
  const interrupted = sets.some((set) => set.results.interrupted);
  // An interrupted bench with no finished run is said so by its banner, not reported as broken.
  const body =
    runs.length === 0
      ? laterHtml || (interrupted ? '' : '<p class="banner invalid">These results contain no runs.</p>')
      : `<h2>Summary</h2>
<p class="muted">Per delivered message, so that strategies${comparison ? ' and runs' : ''} compare whatever the run’s length.</p>
${summaryTable(runs)}
${wallTimeNote(runs)}
${baseNote}
${claims.html}
${laterHtml}`;
  return (
    `<!doctype html>
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
<h1>${comparison ? 'Comparison: ' : ''}${esc(runs.length === 0 && laterHtml ? 'Capacity of the HTTP endpoints' : strategyTitles(runs))}</h1>
<p class="subtitle">${esc(when)} · the same messages from one source, every request, byte and millisecond counted on the wire.</p>
</header>
${sets.map((set) => interruptionBanner(set.results, set.label)).join('')}
${runs.length === 0 ? '' : correctnessBanner(runs)}
${runs.length === 0 ? '' : verdictStrip(sets)}
<h2>Scenario</h2>
${runs.length === 0 ? '' : scenarioTable(runs, sets)}
${metaCards(sets)}
${body}
${definitionsBlock()}
${rawJson(sets)}
<footer>Generated by pushbench ${esc(sets.map((s) => s.results.meta.pushbenchVersion).join(' / '))}. Self-contained: this file needs no ` +
    `network.</footer>
</main>
<script type="application/json" id="pushbench-results">${inlineJson(data)}</script>
<script type="application/json" id="pushbench-charts">${inlineJson(charts)}</script>
<script>${chartJsBundle()}</script>
<script>${chartDrawingScript()}</script>
</body>
</html>
`
  );
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
