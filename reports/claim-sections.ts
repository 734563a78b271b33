import { bytesCaption, cpuCaption, latencyCaption, requestsCaption } from './captions.js';
import { bytesChart, connectionsChart, cpuChart, latencyChart, requestsChart, type ChartSpec } from './charts.js';
import { CLAIMS, type ClaimId } from './claims.js';
import { escapeHtml as esc } from './format.js';
import { heldCaption, heldChart, heldTable } from './held-section.js';
import { headerBytesTable } from './header-bytes-table.js';
import { costFinding, judgeClaims, VERDICT_WORDS, type Judgement } from './judgements.js';
import type { ReportRun, RunSet } from './model.js';
import { memoryCaption, memoryChart, restartTable } from './reliability.js';
import { chartBlock, figure, figureRow, multiplesBlock, type ExtraSections } from './section-html.js';
import { costTable, runTag } from './sections.js';

/**
 * The sections that answer the article: each heading is a reader's question, the claim is quoted under it, and
 * the run's own verdict follows, naming the numbers, before the chart that shows them.
 */

type Judged = { set: RunSet; judgements: Record<ClaimId, Judgement> }[];

function verdicts(judged: Judged, claim: ClaimId): string {
  return judged
    .map(({ set, judgements }) => {
      const j = judgements[claim];
      return `<p class="verdict ${j.verdict}">${runTag(set.label)}<span class="verdict-tag">${VERDICT_WORDS[j.verdict]}</span> ${esc(j.finding)}</p>`;
    })
    .join('\n');
}

function claimSection(judged: Judged, claim: ClaimId, body: string): string {
  const c = CLAIMS[claim];
  return `<section class="claim" id="${claim.toLowerCase()}">
<h2>${esc(c.question)}</h2>
<p class="article"><span class="claim-id">${c.id}</span> The article: “${esc(c.statement)}”</p>
${verdicts(judged, claim)}
${body}
</section>`;
}

function plainSection(id: string, heading: string, lead: string, body: string): string {
  return `<section class="claim" id="${id}">
<h2>${esc(heading)}</h2>${lead}
${body}
</section>`;
}

/** `runs` are the runs of each file's first scenario (a sweep's other scenarios have sections of their own). */
export function claimSections(sets: readonly RunSet[], runs: readonly ReportRun[]): ExtraSections {
  const judged: Judged = sets.map((set) => ({ set, judgements: judgeClaims(set.results) }));
  const charts: ChartSpec[] = [];
  const html: string[] = [];
  const add = (...specs: ChartSpec[]) => charts.push(...specs);

  const latency = latencyChart(runs);
  add(latency);
  html.push(claimSection(judged, 'C1', figure(latency, latencyCaption(runs))));

  const requests = requestsChart(runs);
  add(requests);
  html.push(claimSection(judged, 'C2', figure(requests, requestsCaption(runs))));

  const held = heldChart(runs);
  const connections = connectionsChart(runs);
  if (held === null) {
    add(connections);
    html.push(claimSection(judged, 'C3', figure(connections, heldCaption()) + heldTable(runs)));
  } else {
    add(...held.panels.map((p) => p.chart), connections);
    html.push(claimSection(judged, 'C3', figureRow([multiplesBlock(held), chartBlock(connections)], heldCaption()) + heldTable(runs)));
  }

  const bytes = bytesChart(runs);
  add(bytes);
  html.push(claimSection(judged, 'C4', figure(bytes, bytesCaption(runs)) + headerBytesTable(runs)));
  // C5 is judged from figures the charts above already draw: its own section is the verdict alone.
  html.push(claimSection(judged, 'C5', ''));

  const cpu = cpuChart(runs);
  add(cpu);
  const costs = sets
    .map((set) => ({ set, finding: costFinding(set.results) }))
    .filter((c): c is { set: RunSet; finding: string } => c.finding !== null)
    .map(({ set, finding }) => `<p class="finding">${runTag(set.label)}${esc(finding)}</p>`)
    .join('\n');
  html.push(
    plainSection(
      'cost',
      'What does a delivered message cost the server?',
      costs,
      `${figure(cpu, cpuCaption(runs))}<h3>Server cost in detail</h3>${costTable(runs)}`,
    ),
  );

  const memory = memoryChart(runs);
  if (memory !== null) {
    add(...memory.panels.map((p) => p.chart));
    html.push(
      plainSection(
        'memory',
        'Does the server’s memory level off?',
        '<p>Bounded buffers mean bounded memory: under a steady load the server’s memory should level off, whatever the strategy.</p>',
        `<figure>${multiplesBlock(memory)}\n${memoryCaption(runs)}</figure>${restartTable(runs)}`,
      ),
    );
  }
  return { html: html.join('\n'), charts };
}
