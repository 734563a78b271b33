import { clientRequestsPerCpuSecond, cpuJudged, perDeliveredMessage, type PerDeliveredMessage } from '../results/metrics.js';
import { DASH, fmtInt, fmtMs, fmtNumber, fmtPercent, fmtSeconds } from '../results/number-format.js';
import { isValidRun, type RestartOutcome, type Results, type RunResult, type Scenario } from '../results/results.js';
import { describeScenario, scenarioKey } from '../results/scenario.js';
import { agreementRows, SETUP_ON_THE_PAGE } from '../results/agreement.js';
import { totalRetransmissions, type RttSummary } from '../results/kernel-network.js';
import { comparePeers, peerSummaryLines } from './peers.js';
import { scaleOutLines } from './summary-scale-out.js';
import { stackLines } from './summary-stack.js';
import { publishingLines } from './summary-publishing.js';
import { capacityLines } from './summary-capacity.js';
import { tlsLines } from './summary-tls.js';
import { shootoutLines } from './shootout.js';
import { interruptionLines, noticeText } from './summary-notices.js';
import { cpuFigureText, thresholdText } from './server-cpu.js';

interface Column {
  title: string;
  /** Right-aligned unless it is the strategy name. */
  left?: boolean;
  value: (run: RunResult, per: PerDeliveredMessage) => string;
}

const COLUMNS: readonly Column[] = [
  { title: 'strategy', left: true, value: (run) => (run.strategy.reference ? `${run.strategy.name} (ref)` : run.strategy.name) },
  { title: 'delivered', value: (run) => `${fmtInt(run.messages.delivered)}/${fmtInt(run.messages.expected)}` },
  { title: 'req/deliv', value: (_, per) => fmtNumber(per.requestsPerDelivered, 2) },
  { title: 'empty', value: (_, per) => fmtPercent(per.emptyShare) },
  { title: 'up B/deliv', value: (_, per) => fmtNumber(per.bytesUpPerDelivered, 0) },
  { title: 'down B/deliv', value: (_, per) => fmtNumber(per.bytesDownPerDelivered, 0) },
  { title: 'p50 ms', value: (run) => latency(run, run.latencyUs.p50) },
  { title: 'p99 ms', value: (run) => latency(run, run.latencyUs.p99) },
  { title: 'CPU ms/1k', value: (run, per) => cpuFigureText(run, fmtNumber(per.cpuMsPerThousand, 1)) },
  {
    title: 'miss/dup/ooo',
    value: (run) => `${run.messages.missed}/${run.messages.duplicated}/${run.messages.outOfOrder}`,
  },
];

/**
 * The human summary of a bench: one table per scenario, one row per strategy, then what went wrong and where
 * the report is. Pure, so that the figures it prints can be checked exactly.
 */
export function printSummary(results: Results, reportPath: string | null): string {
  const lines: string[] = [];
  for (const [scenario, runs] of groupByScenario(results.runs)) {
    lines.push(
      `${results.meta.changed?.length ? 'custom' : results.meta.preset}: ${describeScenario(scenario)}`,
      '',
      ...table(runs),
      ...loadGeneratorLine(runs),
      ...headersLine(runs),
      ...kernelNetworkLines(runs),
      '',
    );
  }
  lines.push(...agreementLines(results.runs));
  if (results.runs.length === 0 && !results.capacity) lines.push('no run finished', '');
  lines.push(...capacityLines(results.capacity ?? []));
  lines.push(...tlsLines(results));
  lines.push(...shootoutLines(results.shootout ?? []));
  const peers = peerSummaryLines(comparePeers(results.runs));
  if (peers.length > 0) lines.push(...peers, '');
  const invalid = results.runs.filter((run) => !isValidRun(run));
  for (const run of invalid) {
    lines.push(`INVALID ${run.strategy.name}:`);
    for (const problem of run.problems) lines.push(`  - ${noticeText(problem)}`);
    if (run.problems.length === 0) lines.push('  - messages were missed, repeated or reordered');
  }
  if (invalid.length > 0) lines.push('');
  for (const run of results.runs) {
    if (!run.restart) continue;
    lines.push(`RESTART ${run.strategy.name}: ${describeRestart(run.restart)}`);
  }
  lines.push(...scaleOutLines(results.runs));
  lines.push(...stackLines(results));
  lines.push(...publishingLines(results.runs));
  for (const run of results.runs) for (const warning of run.warnings) lines.push(`note ${run.strategy.name}: ${noticeText(warning)}`);
  if (results.runs.some((run) => run.restart || run.warnings.length > 0)) lines.push('');
  lines.push(
    'req/deliv: HTTP requests (a WebSocket handshake is one) per delivered message; empty: share of requests',
    'answered with nothing new; B/deliv: TCP bytes per delivered message, client→server (up) and back (down);',
    'CPU ms/1k: server CPU time per 1,000 delivered messages, above the idle baseline.',
    ...(results.runs.some((run) => !cpuJudged(run))
      ? [`(CPU): the server was busy less than ${thresholdText()} above idle while publishing: fixed costs dominate, not compared.`]
      : []),
    '',
    ...(results.interrupted
      ? [
          ...interruptionLines(
            results.interrupted,
            results.runs.map((run) => run.scenario),
          ),
          '',
        ]
      : []),
    `wall time ${fmtSeconds(results.meta.wallTimeMs)}`,
    `report: ${reportPath ?? 'not written (see the line below)'}`,
  );
  return lines.join('\n') + '\n';
}

/** How much load a core of load generator makes, for the runs whose clients sent requests while publishing. */
export function loadGeneratorLine(runs: readonly RunResult[]): string[] {
  const measured = runs.flatMap((run) => {
    const perCpuSecond = clientRequestsPerCpuSecond(run.steady);
    return perCpuSecond === null ? [] : [`${run.strategy.name} ${fmtInt(perCpuSecond)}`];
  });
  return measured.length === 0 ? [] : ['', `requests per second of client CPU (load generator): ${measured.join(', ')}`];
}

/** Whose headers the requests carried: the profile and the browser it was captured from, or a real browser's own. */
export function headersLine(runs: readonly RunResult[]): string[] {
  const sources = [
    ...new Set(
      runs.map(({ clientHeaders: h }) =>
        h === undefined || h.profile === 'minimal' ? 'minimal' : h.profile === 'browser' ? `${h.source} itself` : `${h.source} (captured profile)`,
      ),
    ),
  ];
  return [`request headers: ${sources.join(', ')}`];
}

/** The agreement check in one line per strategy, when both fleets ran the same scenario. */
export function agreementLines(runs: readonly RunResult[]): string[] {
  const rows = agreementRows(runs);
  if (rows.length === 0) return [];
  const pct = (value: number | null) => (value === null ? '—' : `${value >= 0 ? '+' : '−'}${fmtNumber(Math.abs(value) * 100, 1)} %`);
  return [
    'simulated vs real browser (requests/message within 1 %, bytes/request within 2 %, exactly once):',
    ...rows.map(
      (row) =>
        `  ${row.strategy.name} ${fmtInt(row.clients)} clients: ${row.agrees ? 'agrees' : 'DISAGREES'} (requests ${pct(row.requestsDeviation)}, ` +
        `up ${pct(row.bytesUpDeviation)}, down ${pct(row.bytesDownDeviation)})`,
    ),
    ...(rows.some((row) => row.setupOnThePage) ? wrapText(SETUP_ON_THE_PAGE) : []),
    '',
  ];
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
  const rows = runs.map((run) => {
    const per = perDeliveredMessage(run);
    return COLUMNS.map((c) => c.value(run, per));
  });
  const cells = [COLUMNS.map((c) => c.title), ...rows];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (COLUMNS[i].left ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

function groupByScenario(runs: readonly RunResult[]): Map<Scenario, RunResult[]> {
  const byKey = new Map<string, { scenario: Scenario; runs: RunResult[] }>();
  for (const run of runs) {
    const key = scenarioKey(run.scenario);
    const entry = byKey.get(key) ?? { scenario: run.scenario, runs: [] };
    entry.runs.push(run);
    byKey.set(key, entry);
  }
  return new Map([...byKey.values()].map((entry) => [entry.scenario, entry.runs]));
}

/** Latency in ms, or a dash for a run without a single sample (its percentiles are zeros, not measurements). */
function latency(run: RunResult, us: number): string {
  return run.latencyUs.count === 0 ? DASH : fmtMs(us);
}

/** A paragraph as lines of at most `width` characters, broken at spaces. */
function wrapText(text: string, width = 118): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return line === '' ? lines : [...lines, line];
}

/**
 * Under the kernel network: what TCP did for each strategy, segments retransmitted each way (and their share of the
 * segments sent), and its round trip after the last message (smoothed · least, ms) against the model's.
 */
export function kernelNetworkLines(runs: readonly RunResult[]): string[] {
  const measured = runs.filter((run) => run.kernelNetwork);
  if (measured.length === 0) return [];
  const model = measured[0].kernelNetwork!.modelRttMs;
  const rtt = (summary: RttSummary | null | undefined) => (summary ? fmtNumber(summary.median, 1) : DASH);
  return [
    `TCP (kernel network): segments retransmitted server→client · client→server (share of those sent); RTT smoothed · least, ms, model ${fmtNumber(model, 0)}`,
    ...measured.map((run) => {
      const k = run.kernelNetwork!;
      const sent = k.segmentsSent.serverToClient + k.segmentsSent.clientToServer;
      const share = sent > 0 ? fmtPercent(totalRetransmissions(k) / sent) : DASH;
      return (
        `  ${run.strategy.name}: ${fmtInt(k.retransmittedSegments.serverToClient)} · ${fmtInt(k.retransmittedSegments.clientToServer)} (${share}); ` +
        `RTT ${rtt(k.tcpRttMs)} · ${rtt(k.tcpMinRttMs)}`
      );
    }),
  ];
}
