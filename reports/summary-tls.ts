import { fmtInt, fmtNumber } from '../results/number-format.js';
import type { HandshakeProbe, Results } from '../results/results.js';
import { handshakeCpuUs } from '../results/tls.js';
import { compareTls, type TlsComparison } from '../results/tls-comparison.js';
import { cpuFigureText } from './server-cpu.js';

/**
 * What TLS adds, for the terminal: per strategy, the bytes and server CPU per delivered message in cleartext and
 * over TLS side by side (when the bench ran both), the handshakes' and records' share of the TLS bytes, and what one
 * handshake costs the server (the handshake probe). Nothing when no run or probe spoke TLS.
 */
export function tlsLines(results: Results): string[] {
  const compared = compareTls(results.runs);
  const lines: string[] = [];
  if (compared.length > 0) {
    lines.push('what TLS adds per delivered message (TCP bytes both ways; server CPU above idle):', '', ...table(compared), '');
    lines.push(
      'handshake: TLS handshake records per delivered message (ClientHello to Finished, tickets, close_notify); records: what',
      'the application records add (5 B header, 1 B content type, 16 B AEAD tag each); the rest is the cleartext bytes.',
      '',
    );
  }
  if (results.tlsHandshakes) lines.push(...handshakeLines(results.tlsHandshakes), '');
  return lines;
}

function table(compared: readonly TlsComparison[]): string[] {
  const head = ['strategy', 'B clear', 'B TLS', 'added', 'handshake', 'records', 'CPU µs clear', 'CPU µs TLS', 'added', 'handshakes', 'resumed'];
  const rows = compared.map(({ tls, cleartext, bytesPerDelivered, handshakeBytesPerDelivered, recordOverheadPerDelivered, cpuUsPerDelivered }) => {
    const cpu = (value: number | null, run: typeof tls | undefined) => (run ? cpuFigureText(run, fmtNumber(value, 1)) : '—');
    return [
      `${tls.strategy.name}${scenarioNote(tls)}`,
      fmtNumber(bytesPerDelivered.cleartext, 0),
      fmtNumber(bytesPerDelivered.tls, 0),
      signed(bytesPerDelivered.added, 0),
      fmtNumber(handshakeBytesPerDelivered, 0),
      fmtNumber(recordOverheadPerDelivered, 0),
      cpu(cpuUsPerDelivered.cleartext, cleartext),
      cpu(cpuUsPerDelivered.tls, tls),
      signed(cpuUsPerDelivered.added, 1),
      fmtInt(tls.tls!.handshakes),
      fmtInt(tls.tls!.resumed),
    ];
  });
  const cells = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** " (no resumption)", " (a connection per poll)": what sets a TLS run apart beyond its strategy. */
function scenarioNote(run: TlsComparison['tls']): string {
  const notes = [
    ...(run.scenario.tls === 'no-resumption' ? ['no resumption'] : []),
    ...(run.scenario.keepAlive === 'off' ? ['a connection per poll'] : []),
  ];
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
}

function signed(value: number | null, decimals: number): string {
  if (value === null) return '—';
  return `${value >= 0 ? '+' : ''}${fmtNumber(value, decimals)}`;
}

/** The handshake probe: server CPU of a full and a resumed handshake over a bare TCP connection's. */
export function handshakeLines(probe: HandshakeProbe): string[] {
  if (probe.problem) return [`TLS handshake probe: not measured (${probe.problem.reason})`];
  const added = handshakeCpuUs(probe);
  const kind = (name: string, cost: HandshakeProbe['full'], over: number | null) =>
    `${name} ${fmtNumber(cost.serverCpuUsPerConnection, 0)} µs (+${fmtNumber(over, 0)} µs), ` +
    `${fmtInt(cost.bytesPerConnection.clientToServer)} B up / ${fmtInt(cost.bytesPerConnection.serverToClient)} B down`;
  return [
    `TLS handshake, server CPU per connection (${probe.cipher}; ${fmtInt(probe.full.connections)} connections each, one at a time):`,
    `  bare TCP connect and close ${fmtNumber(probe.tcp.serverCpuUsPerConnection, 0)} µs; ` +
      `${kind('full handshake', probe.full, added.full)}; ${kind('resumed from a ticket', probe.resumed, added.resumed)}`,
  ];
}
