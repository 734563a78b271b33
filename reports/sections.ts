import { clientRequestsPerCpuSecond } from '../results/metrics.js';
import { describeSettings, scenarioKey, type Scenario } from '../results/scenario.js';
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
import { bottleneckHtml, noticeHtml } from './notice-html.js';
import { cpuFigureHtml } from './server-cpu.js';
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
  const r = runs[index];
  if (!r.reference || (index > 0 && runs[index - 1].reference)) return '';
  return (
    `<tr class="reference-head"><td colspan="${columns}">Reference peers: measured in the same harness for comparison, not pushbench ` +
    `strategies</td></tr>`
  );
}

export function metaCards(sets: readonly RunSet[]): string {
  const cards = sets.map((set) => {
    const m = set.results.meta;
    // The command line gets a row of its own: it is long, and the one thing a reader copies.
    const rows: [string, string, boolean?][] = [
      ['Date', esc(fmtDate(m.date))],
      ['Preset', esc(m.preset)],
      ...(m.changed?.length ? [['Changed by flags', esc(m.changed.join(', '))] as [string, string]] : []),
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

/** The settings of a scenario away from their defaults (network, identity, transport, processes, fault), or a dash. */
function settingsCell(s: Scenario): string {
  const parts = describeSettings(s);
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
    return (
      `<tr><td>${who}</td><td class="num">${fmtInt(s.clients)}</td><td ` +
      `class="num">${fmtNumber(s.ratePerSec, s.ratePerSec % 1 === 0 ? 0 : 2)}</td>
<td class="num">${fmtNumber(s.durationSec, s.durationSec % 1 === 0 ? 0 : 1)} s</td><td class="num">${fmtInt(s.payloadBytes)} B</td>
<td class="num">${fmtInt(s.pollIntervalMs)} ms</td><td class="num">${fmtInt(s.longPollTimeoutMs)} ms</td><td>${esc(s.arrivals)}</td><td ` +
      `class="num">${fmtInt(s.seed)}</td>
<td>${settingsCell(s)}</td></tr>`
    );
  });
  return `<div class="table-wrap"><table><thead><tr><th>Scenario of</th><th class="num">Clients</th><th class="num">Rate / s</th>
<th class="num">Duration</th><th class="num">Payload</th><th class="num">Poll interval</th><th class="num">Long-poll timeout</th>
<th>Arrivals</th><th class="num">Seed</th><th>Other settings</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
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
          .map((r) => {
            const notices =
              r.run.warnings.length === 1
                ? noticeHtml(r.run.warnings[0])
                : `<ul>${r.run.warnings.map((w) => `<li>${noticeHtml(w)}</li>`).join('')}</ul>`;
            return `<li><b>${esc(r.label)}</b>: ${notices}</li>`;
          })
          .join('')}</ul></div>`;
  if (invalid.length === 0) {
    return `<div class="banner valid">✓ Every client received every message exactly once, in order.</div>${warnings}`;
  }
  const items = invalid.map((r) => {
    const m = r.run.messages;
    const counts = `${plural(m.missed, 'missed')}, ${plural(m.duplicated, 'duplicated')}, ${plural(m.outOfOrder, 'out of order')}`;
    const problems =
      r.run.problems.length === 0 ? '' : `<ul class="problems">${r.run.problems.map((p) => `<li>${noticeHtml(p)}</li>`).join('')}</ul>`;
    return `<li><b>${esc(r.label)}</b>: ${counts} (delivered ${fmtInt(m.delivered)} of ${fmtInt(m.expected)})${problems}</li>`;
  });
  const what = invalid.length === 1 ? 'A run is invalid' : `${invalid.length} runs are invalid`;
  return (
    `<div class="banner invalid" role="alert"><strong>⚠ ${what}: a client lost, repeated or reordered a message, or the run could not ` +
    `be measured.</strong>
<p>The figures of an invalid run measure a broken delivery; do not compare them.</p><ul>${items.join('')}</ul></div>${warnings}`
  );
}

interface SummaryColumn {
  label: string;
  /** What the column means: shown under the table (a tooltip alone cannot be read on a touch screen). */
  meaning: string;
}

const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { label: 'Delivered', meaning: 'distinct messages that arrived / messages that should have arrived (published × clients)' },
  { label: 'Requests / msg', meaning: 'HTTP requests (a WebSocket handshake counts as one) per delivered message' },
  { label: 'Empty', meaning: 'share of requests that came back with nothing new' },
  { label: 'Bytes ↑ / msg', meaning: 'client → server TCP bytes per delivered message' },
  { label: 'Bytes ↓ / msg', meaning: 'server → client TCP bytes per delivered message' },
  { label: 'Overhead', meaning: 'all TCP bytes, both directions, ÷ payload bytes delivered' },
  { label: 'p50 ms', meaning: 'median latency from publish to receipt' },
  { label: 'p99 ms', meaning: '99th percentile latency' },
  {
    label: 'CPU ms / 1k',
    meaning: 'server CPU time per 1,000 delivered messages, above the idle baseline; grey where the server was too idle for it to mean anything',
  },
  { label: 'Conn. opened / peak', meaning: 'TCP connections opened during the run / most open at once' },
  { label: 'Missed / dup. / order', meaning: 'messages missed, duplicated, received out of order' },
];

/** A numeric cell that carries its column's name, so that a narrow screen can show each row as a card. */
function cell(label: string, html: string): string {
  return `<td class="num" data-label="${esc(label)}">${html}</td>`;
}

export function summaryTable(runs: readonly ReportRun[]): string {
  const header = ['<th>Strategy</th>', ...SUMMARY_COLUMNS.map((c) => `<th class="num" title="${esc(c.meaning)}">${esc(c.label)}</th>`)].join('');
  const rows = runs.map((r, i) => {
    const { run, derived: d } = r;
    const m = run.messages;
    const hasLatency = run.latencyUs.count > 0;
    const errors = [m.missed, m.duplicated, m.outOfOrder].map((n) => (n > 0 ? `<span class="bad">${fmtInt(n)}</span>` : '0')).join(' / ');
    const groupStart = i > 0 && r.setLabel !== null && runs[i - 1].run.strategy.name !== run.strategy.name;
    const tags = `<div class="kind">${esc(run.strategy.direction)} · ${esc(run.strategy.connection)}</div>`;
    const values = [
      `${fmtInt(m.delivered)} / ${fmtInt(m.expected)}`,
      fmtNumber(d.requestsPerDelivered, 2),
      fmtPercent(d.emptyShare),
      fmtBytes(d.bytesUpPerDelivered),
      fmtBytes(d.bytesDownPerDelivered),
      fmtRatio(d.overheadRatio),
      hasLatency ? fmtMs(run.latencyUs.p50) : '—',
      hasLatency ? fmtMs(run.latencyUs.p99) : '—',
      cpuFigureHtml(run, fmtNumber(d.cpuMsPerThousand, 1)),
      `${fmtInt(run.connections.opened)} / ${fmtInt(run.connections.peak)}`,
      errors,
    ];
    const cells = values.map((v, k) => cell(SUMMARY_COLUMNS[k].label, v)).join('');
    return `${referenceHeadRow(runs, i, 12)}<tr${groupStart ? ' class="group-start"' : ''}><td>${strategyCell(r)}${tags}</td>${cells}</tr>`;
  });
  const meanings = SUMMARY_COLUMNS.map((c) => `<div><dt>${esc(c.label)}</dt><dd>${esc(c.meaning)}</dd></div>`).join('');
  return `<div class="table-wrap"><table class="summary cards"><thead><tr>${header}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<details class="columns"><summary>What the columns mean</summary><dl>${meanings}</dl></details>`;
}

/**
 * The server-cost details the CPU chart leaves out: memory and event-loop delay are where push pays. The memory
 * per connection is measured only with enough connections to rise above the noise; without it the column is left
 * out rather than filled with dashes.
 */
export function costTable(runs: readonly ReportRun[]): string {
  const perConnectionMeasured = runs.some((r) => r.run.server.rssPerConnectionBytes !== undefined);
  const columns = perConnectionMeasured ? 9 : 8;
  const rows = runs.map((r, i) => {
    const { server, clientProcesses } = r.run;
    const perConnection = !perConnectionMeasured
      ? ''
      : cell('RSS / connection', server.rssPerConnectionBytes === undefined ? '—' : `${fmtNumber(server.rssPerConnectionBytes / 1024, 1)} KiB`);
    const bottleneck = r.run.bottleneck;
    const verdictWord = bottleneck ? (bottleneck.verdict === 'none' ? 'neither' : bottleneck.verdict.replace('-', ' ')) : '';
    const verdict = !bottleneck
      ? '—'
      : `<span${bottleneck.verdict === 'load-generator' ? ' class="bad"' : ''}>${esc(verdictWord)}</span>` +
        `<div class="kind wrap">${bottleneckHtml(bottleneck.reason)}</div>`;
    return `${referenceHeadRow(runs, i, columns)}<tr><td>${strategyCell(r)}</td>${cell('Server CPU ms', fmtInt(server.cpuMs))}
${cell('CPU ms / 1k msg', cpuFigureHtml(r.run, fmtNumber(r.derived.cpuMsPerThousand, 1)))}
${cell('Peak RSS', fmtMebibytes(server.peakRssBytes))}${perConnection}${cell(
      'Event-loop delay p99 ms',
      // PHP-FPM's workers have no event loop: what waiting costs them is their pool ("The article's stack").
      r.run.strategy.servedBy === undefined ? fmtMs(server.eventLoopDelayP99Us) : '—',
    )}
${cell(
  'Client CPU ms',
  `${fmtInt(clientProcesses.cpuMs)} (${fmtInt(clientProcesses.count)} ` + `proc.)`,
)}${cell('Requests / client CPU-s', fmtInt(clientRequestsPerCpuSecond(r.run.steady)))}<td data-label="Bottleneck">${verdict}</td></tr>`;
  });
  const perConnectionHead = perConnectionMeasured ? '<th class="num">RSS / connection</th>' : '';
  const note = perConnectionMeasured
    ? '<p class="muted">RSS / connection: (RSS with every client connected − RSS before any) ÷ connections. Bottleneck: who limited the ' +
      'run; a saturated load generator measures itself, not the server.</p>'
    : '<p class="muted">Bottleneck: who limited the run; a saturated load generator measures itself, not the server. Memory per connection ' +
      'is measured from 1,000 connections on; this run had fewer, so that column is left out.</p>';
  return (
    `<div class="table-wrap"><table class="cards"><thead><tr><th>Strategy</th><th class="num">Server CPU ms</th><th class="num">CPU ms ` +
    `/ 1k msg</th>
<th class="num">Peak RSS</th>${perConnectionHead}
<th class="num">Event-loop delay p99 ms</th><th class="num">Client CPU ms</th>
<th class="num" title="HTTP requests the clients sent per second of their own CPU, from the start of the schedule until they stopped: how much load ` +
    `one core of load generator makes (— for push strategies, which send none then)">Requests / client CPU-s</th>
<th>Bottleneck</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>${note}`
  );
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
