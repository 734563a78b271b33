import { comparePeers, peerSummaryLines } from '../reports/peers.js';
import { capacityLines } from './print-capacity.js';
import { isValidRun, type RestartOutcome, type Results, type RunResult, type Scenario } from '../results/results.js';

interface Column {
  title: string;
  /** Right-aligned unless it is the strategy name. */
  left?: boolean;
  value: (run: RunResult) => string;
}

const COLUMNS: readonly Column[] = [
  { title: 'strategy', left: true, value: (run) => (run.strategy.reference ? `${run.strategy.name} (ref)` : run.strategy.name) },
  { title: 'delivered', value: (run) => `${group(run.messages.delivered)}/${group(run.messages.expected)}` },
  { title: 'req/deliv', value: (run) => ratio(run.requests.total, run.messages.delivered, 2) },
  { title: 'empty', value: (run) => percent(run.requests.empty, run.requests.total) },
  { title: 'up B/deliv', value: (run) => ratio(run.bytes.clientToServer, run.messages.delivered, 0) },
  { title: 'down B/deliv', value: (run) => ratio(run.bytes.serverToClient, run.messages.delivered, 0) },
  { title: 'p50 ms', value: (run) => millis(run.latencyUs.p50, run.latencyUs.count) },
  { title: 'p99 ms', value: (run) => millis(run.latencyUs.p99, run.latencyUs.count) },
  { title: 'CPU ms/1k', value: (run) => ratio(run.server.cpuMs * 1000, run.messages.delivered, 1) },
  {
    title: 'miss/dup/ooo',
    value: (run) => `${run.messages.missed}/${run.messages.duplicated}/${run.messages.outOfOrder}`,
  },
];

/**
 * The human summary of a bench: one table per scenario, one row per strategy, then what went wrong and where
 * the report is. Pure, so that the figures it prints can be checked exactly.
 */
export function printSummary(results: Results, reportPath: string): string {
  const lines: string[] = [];
  for (const [scenario, runs] of groupByScenario(results.runs)) {
    lines.push(describeScenario(results.meta.preset, scenario), '', ...table(runs), '');
  }
  if (results.runs.length === 0 && !results.capacity) lines.push('no run finished', '');
  lines.push(...capacityLines(results.capacity ?? []));
  const peers = peerSummaryLines(comparePeers(results.runs));
  if (peers.length > 0) lines.push(...peers, '');
  const invalid = results.runs.filter((run) => !isValidRun(run));
  for (const run of invalid) {
    lines.push(`INVALID ${run.strategy.name}:`);
    for (const problem of run.problems) lines.push(`  - ${problem}`);
    if (run.problems.length === 0) lines.push('  - messages were missed, repeated or reordered');
  }
  if (invalid.length > 0) lines.push('');
  for (const run of results.runs) {
    if (!run.restart) continue;
    lines.push(`RESTART ${run.strategy.name}: ${describeRestart(run.restart)}`);
  }
  for (const run of results.runs) for (const warning of run.warnings) lines.push(`note ${run.strategy.name}: ${warning}`);
  if (results.runs.some((run) => run.restart || run.warnings.length > 0)) lines.push('');
  lines.push(
    'req/deliv: HTTP requests (a WebSocket handshake is one) per delivered message; empty: share of requests',
    'answered with nothing new; B/deliv: TCP bytes per delivered message, client→server (up) and back (down);',
    'CPU ms/1k: server CPU time per 1,000 delivered messages.',
    '',
    `wall time ${(results.meta.wallTimeMs / 1000).toFixed(1)} s`,
    `report: ${reportPath}`,
  );
  return lines.join('\n') + '\n';
}

/** One line: when the server died, what it had published, and exactly which messages clients never got. */
export function describeRestart(restart: RestartOutcome): string {
  const lost =
    restart.lost.length === 0
      ? 'no message lost'
      : `lost ${restart.lost.map(({ seq, clients }) => `seq ${seq} (${clients} client${clients === 1 ? '' : 's'})`).join(', ')}`;
  return `killed at ${restart.atSec} s after ${restart.publishedBeforeKill} publish(es); ${lost}; ${restart.reconnects} reconnect attempt(s)`;
}

function table(runs: readonly RunResult[]): string[] {
  const cells = [COLUMNS.map((c) => c.title), ...runs.map((run) => COLUMNS.map((c) => c.value(run)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (COLUMNS[i]!.left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function describeScenario(preset: string, s: Scenario): string {
  return (
    `${preset}: ${group(s.clients)} clients, ${s.ratePerSec} msg/s ${s.arrivals} (seed ${s.seed}), ${s.durationSec} s, ` +
    `${group(s.payloadBytes)} B payload, poll every ${group(s.pollIntervalMs)} ms, long-poll timeout ${group(s.longPollTimeoutMs)} ms` +
    networkAndIdentity(s)
  );
}

/** The emulated network, identity headers and churn, when the scenario has any. */
function networkAndIdentity(s: Scenario): string {
  const parts: string[] = [];
  if (s.delayMs || s.jitterMs) parts.push(`delay ${group(s.delayMs ?? 0)} ms${s.jitterMs ? ` ± ${group(s.jitterMs)} ms` : ''} each way`);
  if (s.bandwidthBytesPerSec) parts.push(`${group(s.bandwidthBytesPerSec)} B/s per connection`);
  if (s.cookieBytes) parts.push(`${group(s.cookieBytes)} B cookie`);
  if (s.churn) parts.push(`${group(s.churn * 100)} % churn`);
  return parts.length === 0 ? '' : `, ${parts.join(', ')}`;
}

function groupByScenario(runs: readonly RunResult[]): Map<Scenario, RunResult[]> {
  const byKey = new Map<string, { scenario: Scenario; runs: RunResult[] }>();
  for (const run of runs) {
    const key = JSON.stringify(run.scenario);
    const entry = byKey.get(key) ?? { scenario: run.scenario, runs: [] };
    entry.runs.push(run);
    byKey.set(key, entry);
  }
  return new Map([...byKey.values()].map((entry) => [entry.scenario, entry.runs]));
}

/** 1234567 → "1,234,567", independent of the machine's locale. */
function group(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function ratio(numerator: number, denominator: number, digits: number): string {
  if (denominator === 0) return '—';
  const value = (numerator / denominator).toFixed(digits);
  const [whole, fraction] = value.split('.');
  return fraction === undefined ? group(Number(whole)) : `${group(Number(whole))}.${fraction}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)} %`;
}

/** Sub-10 ms latencies (push over loopback) keep two decimals, so they do not all print as 0.x. */
function millis(us: number, samples: number): string {
  if (samples === 0) return '—';
  const ms = us / 1000;
  return ms < 10 ? ms.toFixed(2) : ratio(us, 1000, 1);
}
