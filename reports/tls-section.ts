import { fmtBytes, fmtInt, fmtNumber } from '../results/number-format.js';
import type { HandshakeProbe, RunResult } from '../results/results.js';
import { handshakeCpuUs } from '../results/tls.js';
import { compareTls } from '../results/tls-comparison.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';
import { cpuFigureHtml } from './server-cpu.js';

/**
 * "Over TLS": every run over TLS beside the same run in cleartext when the results hold it (`--tls off,on`): the
 * bytes and server CPU per delivered message each way, what TLS adds, how much of it is handshakes and how much the
 * records' framing, the handshakes and resumptions; then what one handshake costs the server (the handshake probe).
 * Drawn when the results hold a run or a probe over TLS.
 */
export function tlsSection({ sets, runs }: SectionContext): ExtraSections {
  const byRun = new Map<RunResult, ReportRun>(runs.map((r) => [r.run, r]));
  const compared = sets.flatMap((set) => compareTls(set.results.runs));
  const probes = sets.flatMap((set) => (set.results.tlsHandshakes ? [set.results.tlsHandshakes] : []));
  if (compared.length === 0 && probes.length === 0) return NO_SECTION;
  const cpu = (run: RunResult | undefined, value: number | null) => (run ? cpuFigureHtml(run, fmtNumber(value, 1)) : '—');
  const signed = (value: number | null, decimals: number) => (value === null ? '—' : `${value >= 0 ? '+' : ''}${fmtNumber(value, decimals)}`);
  const rows = compared.map((c) => {
    const r = byRun.get(c.tls);
    const name = r ? strategyCell(r) : esc(c.tls.strategy.title);
    const words = [
      c.tls.scenario.tls === 'no-resumption' ? 'no resumption' : 'resumption',
      c.tls.scenario.keepAlive === 'off' ? 'a connection per poll' : 'keep-alive',
      c.tls.scenario.httpVersion === '2' ? 'h2 (ALPN)' : 'HTTP/1.1',
    ].join(', ');
    return `<tr><td>${name}</td><td>${esc(words)}</td>
<td class="num">${fmtBytes(c.bytesPerDelivered.cleartext)}</td><td class="num">${fmtBytes(c.bytesPerDelivered.tls)}</td>
<td class="num">${signed(c.bytesPerDelivered.added, 0)}</td><td class="num">${fmtBytes(c.handshakeBytesPerDelivered)}</td>
<td class="num">${fmtBytes(c.recordOverheadPerDelivered)}</td>
<td class="num">${cpu(c.cleartext, c.cpuUsPerDelivered.cleartext)}</td><td class="num">${cpu(c.tls, c.cpuUsPerDelivered.tls)}</td>
<td class="num">${signed(c.cpuUsPerDelivered.added, 1)}</td>
<td class="num">${fmtInt(c.tls.tls!.handshakes)}</td><td class="num">${fmtInt(c.tls.tls!.resumed)}</td></tr>`;
  });
  const table =
    compared.length === 0
      ? ''
      : `<h3>What TLS adds per delivered message</h3>
<div class="table-wrap"><table><thead><tr><th>Strategy</th><th>TLS</th>
<th class="num" title="TCP bytes both ways per delivered message, the same scenario in cleartext">B / message, cleartext</th>
<th class="num" title="TCP bytes both ways per delivered message over TLS: handshakes, records and all">B / message, TLS</th>
<th class="num">Added</th>
<th class="num" title="bytes of TLS's own records per delivered message: ClientHello to Finished, session tickets, close_notify">of which handshake</th>
<th class="num" title="what the application's records add to its bytes: 5-byte header, 1-byte inner content type, 16-byte AEAD tag">of which records</th>
<th class="num" title="server CPU per delivered message above the idle baseline, µs">CPU µs / message, cleartext</th>
<th class="num">CPU µs / message, TLS</th><th class="num">Added</th>
<th class="num" title="TLS handshakes the server completed for the run's clients">Handshakes</th>
<th class="num" title="of those, resumed from a session ticket: no certificate, no signature">Resumed</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted">The rest of a TLS run’s bytes, its application bytes, equal the plaintext its server’s TLS sockets counted (the run is ` +
        'invalid otherwise), so a cleartext and a TLS run of the same traffic differ only by the handshakes and the records’ framing. ' +
        'A push connection pays its handshake once; a poll without keep-alive pays one per poll.</p>';
  return {
    html: section(
      'tls',
      'Over TLS',
      'The same clients over TLS 1.3, as every browser reaches a real deployment: https and wss on the same port, HTTP/2 chosen by ALPN, ' +
        'a throwaway ECDSA P-256 certificate the clients alone trust. Bytes are still counted at the TCP sockets, so they include every ' +
        'TLS record and handshake; each client’s record meter splits them into handshake, record overhead and application bytes ' +
        '(docs/tls.md).',
      [table, ...probes.map(probeTable)].join('\n'),
    ),
    charts: [],
  };
}

function probeTable(probe: HandshakeProbe): string {
  if (probe.problem) return `<p class="muted">The TLS handshake probe could not be measured: ${esc(probe.problem.reason)}.</p>`;
  const added = handshakeCpuUs(probe);
  const row = (name: string, cost: HandshakeProbe['tcp'], over: number | null) =>
    `<tr><td>${name}</td><td class="num">${fmtInt(cost.connections)}</td><td class="num">${fmtNumber(cost.serverCpuUsPerConnection, 0)}</td>
<td class="num">${over === null ? '—' : fmtNumber(over, 0)}</td><td class="num">${fmtInt(cost.bytesPerConnection.clientToServer)}</td>
<td class="num">${fmtInt(cost.bytesPerConnection.serverToClient)}</td></tr>`;
  return (
    `<h3>What one handshake costs the server</h3>
<div class="table-wrap"><table><thead><tr><th>Connection</th><th class="num">Connections</th><th class="num">Server CPU µs each</th>
<th class="num">Over bare TCP, µs</th><th class="num">Up, B</th><th class="num">Down, B</th></tr></thead><tbody>
${row('bare TCP: connect and close', probe.tcp, null)}${row('full TLS 1.3 handshake', probe.full, added.full)}
${row('resumed from a session ticket', probe.resumed, added.resumed)}
</tbody></table></div>
<p class="muted">${esc(probe.cipher)}. Fresh connections one at a time against a fresh server process, each closed in order after its ` +
    'handshake (close_notify both ways); the server’s CPU over them divided by their number. A full handshake signs with the ' +
    'certificate’s key and sends two session tickets; a resumed one sends neither certificate nor signature.</p>'
  );
}
