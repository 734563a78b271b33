import { capacityProbeName, CLEARTEXT_HTTP1, sameTransport } from '../results/capacity.js';
import { floorRatio, shortPollClientsPerCore } from '../results/metrics.js';
import { fmtInt, fmtNumber, fmtRatio } from '../results/number-format.js';
import type { CapacityResult } from '../results/results.js';
import { noticeText } from './summary-notices.js';

/** The capacity probes as a few plain lines for the terminal summary. */
export function capacityLines(capacity: readonly CapacityResult[]): string[] {
  if (capacity.length === 0) return [];
  const rows = [['endpoint', 'req/s', 'floor req/s', 'of floor', 'p50 ms', 'p99 ms', 'server CPU', 'req/s per core', 'errors']];
  for (const probe of capacity) {
    if (probe.problem) {
      rows.push([capacityProbeName(probe), 'FAILED', '', '', '', '', '', '', '']);
      continue;
    }
    const perCore = probe.serverCpuShare > 0 ? probe.requestsPerSec / probe.serverCpuShare : 0;
    const floor = probe.floor;
    rows.push([
      capacityProbeName(probe),
      fmtInt(probe.requestsPerSec),
      !floor ? '—' : floor.problem ? 'FAILED' : fmtInt(floor.requestsPerSec),
      fmtRatio(floorRatio(probe)),
      fmtNumber(probe.latencyUs.p50 / 1000, 1),
      fmtNumber(probe.latencyUs.p99 / 1000, 1),
      `${fmtInt(probe.serverCpuShare * 100)} %`,
      fmtInt(perCore),
      String(probe.errors + probe.non2xx),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = [`capacity (autocannon, ${capacity[0].connections} connections, ${capacity[0].durationSec} s per endpoint and per floor):`, ''];
  for (const row of rows) lines.push(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  if (capacity.some((probe) => probe.floor)) {
    lines.push('', 'floor: node:http alone answering the same bytes on the same path, in its own process, right after the endpoint');
    if (capacity.some((probe) => probe.httpVersion === '2' && probe.floor))
      lines.push('HTTP/2 floor: node:http2 alone (its core stream API), the same way');
  }
  const failedFloors = capacity.filter((probe) => probe.floor?.problem);
  for (const probe of failedFloors) lines.push(`${probe.endpoint}: ${noticeText(probe.floor!.problem!)}`);
  const shortPoll = capacity.find((probe) => probe.endpoint === 'short-poll' && sameTransport(probe, CLEARTEXT_HTTP1) && !probe.problem);
  const clients = shortPoll ? shortPollClientsPerCore(shortPoll, 1000) : null;
  if (clients !== null) lines.push('', `one server core answers the empty polls of ${fmtInt(clients)} short-polling clients polling every second`);
  return [...lines, ''];
}
