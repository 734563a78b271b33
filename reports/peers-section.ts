import { fmtInt, fmtRatio } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import { bottleneckHtml } from './notice-html.js';
import type { RunSet } from './model.js';
import {
  BARE_LOOP_GOAL,
  comparePeers,
  frameworkFindings,
  goalFindings,
  goalText,
  meetsGoal,
  PEER_METRICS,
  peerFindings,
  toleranceText,
  type PeerComparison,
  type PeerRow,
  type PeerVerdict,
} from './peers.js';

/** The summary of pushbench against the reference peers of the same run: ratios, then the findings in words. */

const READINGS: Record<PeerVerdict, string> = {
  better: 'pushbench better',
  'on-par': 'on par',
  worse: '<b class="bad">pushbench worse</b>',
  'not-comparable': '—',
};

function comparisonRows(c: PeerComparison): string {
  const head =
    `<tr class="group-start"><td rowspan="${c.rows.length}"><b>pushbench ${esc(c.ours.title)}</b> vs ${esc(c.peer.title)}` +
    `<div class="kind">${fmtInt(c.clients)} clients${c.problem === null ? '' : ` · ${esc(c.problem)}`}</div></td>`;
  return (
    c.rows
      .map((row, i) => {
        const spec = PEER_METRICS[row.metric];
        const cells =
          `<td>${esc(spec.label)}</td><td class="num">${row.ours === null ? '—' : esc(spec.format(row.ours))}</td>` +
          `<td class="num">${row.peer === null ? '—' : esc(spec.format(row.peer))}</td><td class="num">${fmtRatio(row.ratio)}</td>` +
          `<td>${row.withheld ? `<span class="muted">not compared: ${esc(row.withheld)}</span>` : READINGS[row.verdict] + goalHtml(row)}</td></tr>`;
        return (i === 0 ? head : '<tr>') + cells;
      })
      .join('') + `<tr><td colspan="6" class="muted">What differs: ${esc(c.differs)}</td></tr>`
  );
}

/** Under the reading of a measure with a goal: the share of the peer's efficiency kept, and whether that meets it. */
function goalHtml(row: PeerRow): string {
  const met = meetsGoal(row);
  if (met === null) return '';
  const text = esc(goalText(row));
  return `<div class="kind">${met ? text : `<b class="bad">${text}</b>`}</div>`;
}

/** What a framework costs per request, in words, when the run compared our polling with the same through one. */
function frameworkBlock(comparisons: readonly PeerComparison[]): string {
  const findings = frameworkFindings(comparisons);
  if (findings.length === 0) return '';
  return (
    `<p><b>What the framework costs per request</b> (server CPU of the whole run ÷ requests the clients ` +
    `sent):</p><ul>${findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`
  );
}

function findingsBlock(comparisons: readonly PeerComparison[]): string {
  const missed = goalFindings(comparisons);
  const goals =
    missed.length === 0 ? '' : `<p><b>Where pushbench misses its goal:</b></p><ul>${missed.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>`;
  return goals + behindBlock(comparisons);
}

function behindBlock(comparisons: readonly PeerComparison[]): string {
  const findings = peerFindings(comparisons);
  const caveats = comparisons.flatMap((c) => c.caveats);
  const caveatList =
    caveats.length === 0
      ? ''
      : `<p class="muted">Read the latencies with care:</p><ul ` +
        `class="muted">${caveats.map((c) => `<li>${esc(c.title)}: ${bottleneckHtml(c.reason)}</li>`).join('')}</ul>`;
  if (comparisons.every((c) => c.problem !== null)) return caveatList;
  if (findings.length === 0) {
    return `<p>On every measure compared here, pushbench was at least as efficient as its peer, or ${toleranceText()}.</p>${caveatList}`;
  }
  return `<p><b>Where pushbench is behind its peer:</b></p><ul>${findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>${caveatList}`;
}

/** Empty when no set holds both halves of any pair (the references were not run). */
export function peersSection(sets: readonly RunSet[]): string {
  const blocks = sets
    .map((set) => ({ set, comparisons: comparePeers(set.results.runs) }))
    .filter((b) => b.comparisons.length > 0)
    .map(({ set, comparisons }) => {
      const title = set.label === null ? '' : `<h3>Run ${esc(set.label)}</h3>`;
      return `${title}<div class="table-wrap"><table class="peers"><thead><tr><th>Comparison</th><th>Measure</th>
<th class="num">pushbench</th><th class="num">peer</th><th class="num" title="pushbench ÷ peer">ratio</th><th>Reading</th></tr></thead>
<tbody>${comparisons.map(comparisonRows).join('')}</tbody></table></div>${frameworkBlock(comparisons)}${findingsBlock(comparisons)}`;
    });
  if (blocks.length === 0) return '';
  return (
    `<section class="claim" id="peers">
<h2>pushbench against reference peers</h2>
<p>Each pair ran the same scenario and publish schedule in this run. The ratio is pushbench ÷ peer, ${esc(toleranceText())}: the spread ` +
    `we measured between runs of the same code on a shared 2-core machine. Deliveries per second of server CPU are delivered messages ÷ server
CPU seconds: the open-loop schedule makes every valid run deliver the same messages in the same time, so the throughput limit shows as ` +
    `the share of a core each needed — the most one core could sustain at that cost.</p>
<p>Against its own <b>bare loop</b> — the same contract on node:http (or ws) with nothing else: no limits, no checks of who may ask, no ` +
    `attribution or statistics, no caching or sniffing headers — a strategy’s ratio is what those cost it. The goal is to keep at least ` +
    `${fmtRatio(BARE_LOOP_GOAL)} of its bare loop’s efficiency in deliveries per second of server CPU and in bytes per delivered message.</p>
${blocks.join('\n')}
</section>`
  );
}
