import { fmtInt } from '../results/number-format.js';
import { timePanels, type SmallMultiples } from './charts.js';
import { escapeHtml as esc } from './format.js';
import { heldFigures, heldMeanText } from './held.js';
import type { ReportRun } from './model.js';
import { referenceHeadRow, strategyCell } from './sections.js';

/**
 * Claim C3 made visible: what each strategy held attached on the server over the run (a long poll parked until
 * there is news, an open WebSocket or event stream), beside the TCP connections. With keep-alive, a short-polling
 * client keeps its connection open too; what it does not keep is a request waiting on the server.
 */

/**
 * One panel per run, each on its own time line (seconds since its clients started connecting): on one chart, the
 * strategies that hold one request or stream per client draw the same line, and all but the top one would hide.
 * Null when no run carries at least two samples (results written before the server took them).
 */
export function heldChart(runs: readonly ReportRun[]): SmallMultiples | null {
  const sampled = runs.filter((r) => (r.run.server.attachedSamples?.length ?? 0) >= 2);
  if (sampled.length === 0) return null;
  return timePanels(
    'chart-held',
    sampled.map((r) => ({
      run: r,
      titleHtml: strategyCell(r),
      points: (r.run.server.attachedSamples ?? []).map(([ms, count]) => ({ x: Math.round(ms / 100) / 10, y: count })),
    })),
    { yTitle: 'Held on the server (requests or streams)', unit: '', decimals: 0 },
  );
}

/** What each kind of strategy holds, in the words of the table. */
function heldKind(r: ReportRun): string {
  switch (r.run.strategy.connection) {
    case 'held-request':
      return 'parked requests';
    case 'persistent':
      return 'open streams';
    default:
      return 'requests (answered at once)';
  }
}

export function heldTable(runs: readonly ReportRun[]): string {
  const rows = runs.map((r, i) => {
    const held = heldFigures(r.run);
    const figures =
      held === null
        ? '<td class="num">—</td><td class="num">—</td>'
        : `<td class="num" data-label="Held, mean">${heldMeanText(held.mean)}</td><td class="num" data-label="Held, peak">${fmtInt(held.peak)}</td>`;
    return (
      `${referenceHeadRow(runs, i, 6)}<tr><td>${strategyCell(r)}<div class="kind">${esc(heldKind(r))}</div></td><td class="num" ` +
      `data-label="Clients">${fmtInt(r.run.scenario.clients)}</td>${figures}
<td class="num" data-label="TCP connections, peak">${fmtInt(r.run.connections.peak)}</td><td class="num" ` +
      `data-label="TCP connections opened">${fmtInt(r.run.connections.opened)}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap"><table class="cards"><thead><tr><th>Strategy</th><th class="num">Clients</th><th class="num">Held on the ` +
    `server, mean while publishing</th>
<th class="num">Held, peak</th><th class="num">TCP connections, peak</th><th class="num">TCP connections opened</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

export function heldCaption(): string {
  return (
    `<figcaption><p><span class="how">Measured:</span> what the server held for each strategy, read from its own counters about once a ` +
    `second from the moment the clients start connecting: a long poll waiting for news counts one, an open WebSocket or event stream counts ` +
    `one, a short poll (answered at once) none. The table gives the mean while messages were published and the peak the server counted; ` +
    `beside them, the TCP connections.</p>
<p><span class="how">How to read it:</span> a flat line at the number of clients is a request or a stream parked for every client, for ` +
    `the whole run. Short polling’s connections stay open too (keep-alive), so the connection counts look alike; the difference is that
nothing waits on them.</p></figcaption>`
  );
}
