import { ratio } from '../results/metrics.js';
import { fmtBytes, fmtInt, fmtMs, fmtNumber, fmtPercent } from '../results/number-format.js';
import type { ClientGroup } from '../results/results.js';
import { escapeHtml as esc } from './format.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';

const GROUP_TITLES: Readonly<Record<ClientGroup['transport'], string>> = {
  websocket: 'upgraded: WebSocket',
  'long-polling': 'refused: fell back to long polling',
};

/**
 * Claim C6 measured: the runs where a share of the WebSocket clients was refused at the upgrade
 * (`--blocked-upgrade`), both groups side by side — what falling back costs, and whether every client still got
 * every message exactly once, in order.
 */
export function fallbackSection({ runs }: SectionContext): ExtraSections {
  const blocked = runs.filter((r) => r.run.fallback);
  if (blocked.length === 0) return NO_SECTION;
  const rows = blocked.flatMap((r) =>
    r.run.fallback!.groups.map((group) => {
      const requestsPerClient = ratio(group.requests.total, group.clients);
      const exact = group.missed === 0 && group.duplicated === 0 && group.outOfOrder === 0;
      return (
        `<tr><td>${strategyCell(r)}<div class="kind">${esc(GROUP_TITLES[group.transport])}</div></td><td ` +
        `class="num">${fmtInt(group.clients)}</td>
<td class="num">${fmtNumber(requestsPerClient, 1)}</td><td class="num">${fmtNumber(ratio(group.requests.total, group.delivered), 2)}</td>
<td class="num">${fmtBytes(ratio(group.bytes.clientToServer, group.delivered))}</td><td ` +
        `class="num">${fmtBytes(ratio(group.bytes.serverToClient, group.delivered))}</td>
<td class="num">${fmtMs(group.latencyUs.p50)}</td><td class="num">${fmtMs(group.latencyUs.p99)}</td>
<td class="num">${fmtNumber(group.timeToReadyMs.p50, 1)} · ${fmtNumber(group.timeToReadyMs.p99, 1)}</td>
<td class="num">${fmtNumber(group.firstMessageLatencyMs.p50, 1)} · ${fmtNumber(group.firstMessageLatencyMs.p99, 1)}</td>
<td class="num${exact ? '' : ' bad'}">${fmtInt(group.delivered)} · ${fmtInt(group.missed)}/${fmtInt(group.duplicated)}/${fmtInt(group.outOfOrder)}</td></tr>`
      );
    }),
  );
  const verdicts = blocked.map((r) => {
    const fallback = r.run.fallback!;
    const all = fallback.groups.every((g) => g.missed === 0 && g.duplicated === 0 && g.outOfOrder === 0);
    return (
      `<li>${esc(r.label)}: ${fmtInt(fallback.blockedClients)} of ${fmtInt(r.run.scenario.clients)} clients ` +
      `(${fmtPercent(fallback.blockedShare)}) refused at the upgrade; ${
        all
          ? 'every client of both groups received every message exactly once, in order.'
          : '<span class="bad">some client missed, repeated or reordered a message</span> (see the problems above).'
      }</li>`
    );
  });
  const table =
    `<div class="table-wrap"><table><thead><tr><th>Run · group</th><th class="num">Clients</th>
<th class="num" title="HTTP requests per client over the run; the refused upgrade counts as one failed request">Requests / client</th>
<th class="num">Requests / message</th><th class="num">Up B / message</th><th class="num">Down B / message</th>
<th class="num">p50 ms</th><th class="num">p99 ms</th>
<th class="num" title="per client, from the first connection attempt until it could receive (the WebSocket open; after a refusal, the first long poll ` +
    `sent), ms, p50 · p99">Time to ready, ms</th>
<th class="num" title="per client, publish → receipt of its first message, ms, p50 · p99">First message latency, ms</th>
<th class="num" title="delivered · missed/duplicated/out of order">Delivered · m/d/o</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div><ul>${verdicts.join('')}</ul>
<p class="muted">The refusal is the bench’s stand-in for a proxy: the refused clients ask the bench’s server, by a header only the bench ` +
    `sends, to answer their upgrade with the 403 a blocking proxy would. Their failed upgrade’s bytes and round trip are counted at both ends
as they would be between the client and the proxy; a real proxy would spare the server that one answer per refused client. With a message ` +
    `already waiting, a client’s time to a first message is its time to ready plus one round trip.</p>`;
  return {
    html: section(
      'fallback',
      'When the upgrade is blocked: falling back to long polling (C6)',
      'A share of the WebSocket clients is refused at the upgrade, as by a corporate proxy that does not know WebSocket; every client runs ' +
        'the same code — try WebSocket, fall back to long polling from the same cursor on a refusal — and the two groups are measured apart.',
      table,
    ),
    charts: [],
  };
}
