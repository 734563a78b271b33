import {
  headerBitsPerSecond,
  headerBytesPerPoll,
  LUBBERS_CLIENTS,
  LUBBERS_HEADER_BYTES_PER_POLL,
  LUBBERS_PRINTED_MBPS,
} from '../results/header-bytes.js';
import { fmtBytes, fmtInt, fmtNumber } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { fmtBitsPerSec } from './scale-section.js';
import { strategyCell } from './sections.js';

/** Whose headers a run's requests carried, in words for a table cell. */
function headersOf(r: ReportRun): string {
  const headers = r.run.clientHeaders;
  if (!headers) return 'minimal (before header profiles)';
  if (headers.profile === 'browser') return `${esc(headers.source)} itself`;
  if (headers.profile === 'chromium') return `${esc(headers.source)}’s, captured`;
  return 'minimal (request line, Host, Connection)';
}

/**
 * The C4 table in the classic form: header bytes per poll, request and answer, and what they come to for 1,000 /
 * 10,000 / 100,000 clients polling once a second; Lubbers and Greco's 871 B of 2009 in the first row, each polling
 * run of these results below it. Empty when no run counted its answers' bodies.
 */
export function headerBytesTable(runs: readonly ReportRun[]): string {
  const rows = runs.flatMap((r) => {
    const perPoll = headerBytesPerPoll(r.run);
    if (perPoll === null) return [];
    const cells = LUBBERS_CLIENTS.map((n) => `<td class="num">${fmtBitsPerSec(headerBitsPerSecond(perPoll.total, n) / 8)}</td>`).join('');
    return [
      `<tr><td>${strategyCell(r)}<div class="kind">${headersOf(r)}</div></td><td class="num">${fmtBytes(perPoll.request)}</td>` +
        `<td class="num">${fmtBytes(perPoll.answerHead)}</td><td class="num"><b>${fmtBytes(perPoll.total)}</b></td>${cells}</tr>`,
    ];
  });
  if (rows.length === 0) return '';
  const theirs = LUBBERS_CLIENTS.map(
    (n, i) =>
      `<td class="num">${fmtBitsPerSec(headerBitsPerSecond(LUBBERS_HEADER_BYTES_PER_POLL, n) / 8)}<div class="muted">printed: ` +
      `${fmtNumber(LUBBERS_PRINTED_MBPS[i], LUBBERS_PRINTED_MBPS[i] < 10 ? 1 : 0)} Mbps</div></td>`,
  ).join('');
  return (
    `<h3>Header bytes per poll, then and now</h3>
<div class="table-wrap"><table><thead><tr><th>Headers of</th><th class="num">Request B</th><th class="num">Answer head B</th>
<th class="num">Per poll B</th>${LUBBERS_CLIENTS.map((n) => `<th class="num">${fmtInt(n)} clients, 1 poll/s</th>`).join('')}</tr></thead>
<tbody><tr><td>Lubbers &amp; Greco, 2009 (websocket.org)<div class="kind">a 2009 Firefox with a cookie; a Java servlet’s answer</div></td>
<td class="num">—</td><td class="num">—</td><td class="num"><b>${fmtInt(LUBBERS_HEADER_BYTES_PER_POLL)}</b></td>${theirs}</tr>
${rows.join('\n')}</tbody></table></div>
<p class="muted">Request: bytes up per request, measured at the sockets (a GET is all request line and headers). Answer head: bytes down per ` +
    `answer less the JSON bodies the server wrote, so status line and headers. Throughput is the headers alone, both directions, for clients ` +
    `polling once a second: what the classic table computed. Its printed figures use Mbps of 2<sup>20</sup> bits; ours are decimal.</p>`
  );
}
