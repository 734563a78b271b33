import type { Scenario } from '../results/results.js';
import { DEFINITIONS } from './claims.js';
import {
  fmtBytes,
  fmtDate,
  fmtDuration,
  fmtGibibytes,
  fmtInt,
  fmtMebibytes,
  fmtMs,
  fmtNumber,
  fmtPercent,
  fmtRatio,
} from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun, RunSet } from './model.js';

/** The HTML blocks around the charts: run metadata, scenario, correctness banner and the tables. */

export function runTag(label: string | null): string {
  return label === null ? '' : `<span class="run-tag">${esc(label)}</span>`;
}

/** Strategy name with its colour swatch, as in the charts, and a tag on a reference peer. */
export function strategyCell(r: ReportRun): string {
  const swatch = `<span class="swatch${r.striped ? ' striped' : ''}" style="background-color:${r.color}"></span>`;
  const reference = r.reference ? '<span class="tag reference-tag">reference</span>' : '';
  return `<span class="strategy">${swatch}${esc(r.run.strategy.title)}${runTag(r.setLabel)}</span>${reference}`;
}

/** The row that opens the reference peers in a table of runs (buildRuns puts them last), or nothing. */
export function referenceHeadRow(runs: readonly ReportRun[], index: number, columns: number): string {
  const r = runs[index]!;
  if (!r.reference || (index > 0 && runs[index - 1]!.reference)) return '';
  return `<tr class="reference-head"><td colspan="${columns}">Reference peers: measured in the same harness for comparison, not pushbench strategies</td></tr>`;
}

export function metaCards(sets: readonly RunSet[]): string {
  const cards = sets.map((set) => {
    const m = set.results.meta;
    // The command line gets a row of its own: it is long, and the one thing a reader copies.
    const rows: [string, string, boolean?][] = [
      ['Date', esc(fmtDate(m.date))],
      ['Preset', esc(m.preset)],
      ['Node', esc(m.nodeVersion)],
      ['CPU', `${esc(m.cpuModel)} × ${fmtInt(m.cpuCount)}`],
      ['Platform', esc(m.platform)],
      ['Memory', fmtGibibytes(m.totalMemoryBytes)],
      ['pushbench', esc(m.pushbenchVersion)],
      ['Wall time', fmtDuration(m.wallTimeMs)],
      ['Command', `<code>${esc(m.command)}</code>`, true],
    ];
    const title = set.label === null ? 'Run' : `Run ${esc(set.label)}`;
    const items = rows.map(([k, v, wide]) => `<div${wide ? ' class="wide"' : ''}><dt>${k}</dt><dd>${v}</dd></div>`).join('');
    return `<div class="card"><h3>${title}</h3><dl>${items}</dl></div>`;
  });
  return `<div class="meta">${cards.join('')}</div>`;
}

function scenarioKey(s: Scenario): string {
  return JSON.stringify([
    s.clients, s.ratePerSec, s.durationSec, s.payloadBytes, s.pollIntervalMs, s.longPollTimeoutMs, s.arrivals, s.seed,
    s.delayMs ?? 0, s.jitterMs ?? 0, s.bandwidthBytesPerSec ?? 0, s.cookieBytes ?? 0, s.churn ?? 0, s.restartAtSec ?? null,
  ]);
}

/** The emulated network, identity headers and churn of a scenario, or a dash when it has none. */
function networkCell(s: Scenario): string {
  const parts: string[] = [];
  if (s.delayMs || s.jitterMs) parts.push(`delay ${fmtInt(s.delayMs ?? 0)} ms${s.jitterMs ? ` ± ${fmtInt(s.jitterMs)} ms` : ''}`);
  if (s.bandwidthBytesPerSec) parts.push(`${fmtInt(s.bandwidthBytesPerSec)} B/s`);
  if (s.cookieBytes) parts.push(`cookie ${fmtInt(s.cookieBytes)} B`);
  if (s.churn) parts.push(`churn ${fmtNumber(s.churn * 100, 0)} %`);
  return parts.length === 0 ? '—' : esc(parts.join(', '));
}

/**
 * One row when every run shares the scenario (the normal case: a fair comparison), otherwise one row per group
 * of runs that share one, so that a difference between A and B is impossible to miss.
 */
export function scenarioTable(runs: readonly ReportRun[], sets: readonly RunSet[]): string {
  const groups = new Map<string, { scenario: Scenario; runs: ReportRun[] }>();
  for (const r of runs) {
    const key = scenarioKey(r.run.scenario);
    const group = groups.get(key) ?? { scenario: r.run.scenario, runs: [] };
    group.runs.push(r);
    groups.set(key, group);
  }
  const rows = [...groups.values()].map((g) => {
    const s = g.scenario;
    let who: string;
    if (groups.size === 1) who = 'all runs';
    else {
      // Name a whole results file when the group is exactly its runs; otherwise list the runs.
      const whole = sets.find((set) => set.results.runs.length === g.runs.length && g.runs.every((r) => set.results.runs.includes(r.run)));
      who = whole ? `every run of ${esc(whole.label ?? 'this file')}` : g.runs.map((r) => esc(r.label)).join(', ');
    }
    return `<tr><td>${who}</td><td class="num">${fmtInt(s.clients)}</td><td class="num">${fmtNumber(s.ratePerSec, s.ratePerSec % 1 === 0 ? 0 : 2)}</td>
<td class="num">${fmtNumber(s.durationSec, s.durationSec % 1 === 0 ? 0 : 1)} s</td><td class="num">${fmtInt(s.payloadBytes)} B</td>
<td class="num">${fmtInt(s.pollIntervalMs)} ms</td><td class="num">${fmtInt(s.longPollTimeoutMs)} ms</td><td>${esc(s.arrivals)}</td><td class="num">${fmtInt(s.seed)}</td>
<td>${networkCell(s)}</td></tr>`;
  });
  return `<div class="table-wrap"><table><thead><tr><th>Scenario of</th><th class="num">Clients</th><th class="num">Rate / s</th>
<th class="num">Duration</th><th class="num">Payload</th><th class="num">Poll interval</th><th class="num">Long-poll timeout</th>
<th>Arrivals</th><th class="num">Seed</th><th>Network · identity · churn</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function plural(n: number, word: string): string {
  return `${fmtInt(n)} ${word}`;
}

/** Red when any client lost, repeated or reordered a message: every other number of that run is suspect. */
export function correctnessBanner(runs: readonly ReportRun[]): string {
  const invalid = runs.filter((r) => !r.valid);
  const warned = runs.filter((r) => r.run.warnings.length > 0);
  const warnings =
    warned.length === 0
      ? ''
      : `<div class="banner warn"><strong>Read with care:</strong><ul>${warned
          .map((r) => `<li><b>${esc(r.label)}</b>: ${r.run.warnings.map(esc).join('; ')}</li>`)
          .join('')}</ul></div>`;
  if (invalid.length === 0) {
    return `<div class="banner valid">✓ Every client received every message exactly once, in order.</div>${warnings}`;
  }
  const items = invalid.map((r) => {
    const m = r.run.messages;
    const counts = `${plural(m.missed, 'missed')}, ${plural(m.duplicated, 'duplicated')}, ${plural(m.outOfOrder, 'out of order')}`;
    const problems = r.run.problems.length === 0 ? '' : `<ul class="problems">${r.run.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`;
    return `<li><b>${esc(r.label)}</b>: ${counts} (delivered ${fmtInt(m.delivered)} of ${fmtInt(m.expected)})${problems}</li>`;
  });
  const what = invalid.length === 1 ? 'A run is invalid' : `${invalid.length} runs are invalid`;
  return `<div class="banner invalid" role="alert"><strong>⚠ ${what}: a client lost, repeated or reordered a message, or the run could not be measured.</strong>
<p>The figures of an invalid run measure a broken delivery; do not compare them.</p><ul>${items.join('')}</ul></div>${warnings}`;
}

function head(label: string, title: string): string {
  return `<th class="num" title="${esc(title)}">${label}</th>`;
}

export function summaryTable(runs: readonly ReportRun[]): string {
  const header = [
    '<th>Strategy</th>',
    head('Delivered', 'Distinct messages that arrived / messages that should have arrived (published × clients)'),
    head('Requests / msg', 'HTTP requests (a WebSocket handshake counts as one) per delivered message'),
    head('Empty', 'Share of requests that came back with nothing new'),
    head('Bytes ↑ / msg', 'Client → server TCP bytes per delivered message'),
    head('Bytes ↓ / msg', 'Server → client TCP bytes per delivered message'),
    head('Overhead', 'All TCP bytes, both directions ÷ payload bytes delivered'),
    head('p50 ms', 'Median latency from publish to receive'),
    head('p99 ms', '99th percentile latency'),
    head('CPU ms / 1k', 'Server CPU time per 1,000 delivered messages'),
    head('Conn. opened / peak', 'TCP connections opened during the run / most open at once'),
    head('Missed / dup. / order', 'Messages missed, duplicated, received out of order'),
  ].join('');
  const rows = runs.map((r, i) => {
    const { run, derived: d } = r;
    const m = run.messages;
    const hasLatency = run.latencyUs.count > 0;
    const errors = [m.missed, m.duplicated, m.outOfOrder].map((n) => (n > 0 ? `<span class="bad">${fmtInt(n)}</span>` : '0')).join(' / ');
    const groupStart = i > 0 && r.setLabel !== null && runs[i - 1]!.run.strategy.name !== run.strategy.name;
    const tags = `<div class="kind">${esc(run.strategy.direction)} · ${esc(run.strategy.connection)}</div>`;
    return `${referenceHeadRow(runs, i, 12)}<tr${groupStart ? ' class="group-start"' : ''}><td>${strategyCell(r)}${tags}</td>
<td class="num">${fmtInt(m.delivered)} / ${fmtInt(m.expected)}</td><td class="num">${fmtNumber(d.requestsPerDelivered, 2)}</td>
<td class="num">${fmtPercent(d.emptyShare)}</td><td class="num">${fmtBytes(d.bytesUpPerDelivered)}</td>
<td class="num">${fmtBytes(d.bytesDownPerDelivered)}</td><td class="num">${fmtRatio(d.overheadRatio)}</td>
<td class="num">${hasLatency ? fmtMs(run.latencyUs.p50) : '—'}</td><td class="num">${hasLatency ? fmtMs(run.latencyUs.p99) : '—'}</td>
<td class="num">${fmtNumber(d.cpuMsPerThousand, 1)}</td>
<td class="num">${fmtInt(run.connections.opened)} / ${fmtInt(run.connections.peak)}</td><td class="num">${errors}</td></tr>`;
  });
  return `<div class="table-wrap"><table class="summary"><thead><tr>${header}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The server-cost details the CPU chart leaves out: memory and event-loop delay are where push pays. */
export function costTable(runs: readonly ReportRun[]): string {
  const rows = runs.map((r, i) => {
    const { server, clientProcesses } = r.run;
    const perConnection = server.rssPerConnectionBytes === undefined ? '—' : `${fmtNumber(server.rssPerConnectionBytes / 1024, 1)} KiB`;
    const bottleneck = r.run.bottleneck;
    const verdict = !bottleneck
      ? '—'
      : `<span title="${esc(bottleneck.reason)}"${bottleneck.verdict === 'load-generator' ? ' class="bad"' : ''}>${esc(bottleneck.verdict === 'none' ? 'neither' : bottleneck.verdict.replace('-', ' '))}</span>`;
    return `${referenceHeadRow(runs, i, 8)}<tr><td>${strategyCell(r)}</td><td class="num">${fmtInt(server.cpuMs)}</td><td class="num">${fmtNumber(r.derived.cpuMsPerThousand, 1)}</td>
<td class="num">${fmtMebibytes(server.peakRssBytes)}</td><td class="num">${perConnection}</td><td class="num">${fmtMs(server.eventLoopDelayP99Us)}</td>
<td class="num">${fmtInt(clientProcesses.cpuMs)} (${fmtInt(clientProcesses.count)} proc.)</td><td>${verdict}</td></tr>`;
  });
  return `<div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Server CPU ms</th><th class="num">CPU ms / 1k msg</th>
<th class="num">Peak RSS</th><th class="num" title="(RSS with every client connected − RSS before any) ÷ connections">RSS / connection</th>
<th class="num">Event-loop delay p99 ms</th><th class="num">Client CPU ms</th>
<th title="Who limited the run (hover for why): a saturated load generator measures itself, not the server">Bottleneck</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
}

export function definitionsBlock(): string {
  const items = DEFINITIONS.map((d) => `<dt>${esc(d.term)}</dt><dd>${esc(d.text)}</dd>`).join('');
  return `<details open><summary>How it was measured</summary><dl class="definitions">${items}</dl></details>`;
}

/** Each run's own wall time (server start to last result), which the summary table has no room for. */
export function wallTimeNote(runs: readonly ReportRun[]): string {
  const parts = runs.map((r) => `${esc(r.label)} ${fmtDuration(r.run.wallTimeMs)}`);
  return `<p class="muted">Wall time per run: ${parts.join(' · ')}.</p>`;
}
