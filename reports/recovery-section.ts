import { fmtInt, fmtNumber } from '../results/number-format.js';
import type { RecoveryOutcome, RecoveryTimes } from '../results/results.js';
import { describeFields, scenarioKey, scenarioValue } from '../results/scenario.js';
import type { ChartSpec, DatasetSpec } from './charts.js';
import { escapeHtml as esc } from './format.js';
import { withAlpha, type ReportRun } from './model.js';
import { caption, figure, NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';

/**
 * "Losing a server process": every fault run's way back — how fast the clients of the killed process were
 * attached again and had a message again, the reconnect attempts, the accept rate and the kernel's listen-queue
 * overflows — and per strategy the recovery curves, the accept rate and the server's CPU through the storm,
 * one line per run (a storm preset: one per backoff policy).
 */
export function recoverySection({ runs }: SectionContext): ExtraSections {
  const faulted = runs.filter((r) => r.run.recovery);
  if (faulted.length === 0) return NO_SECTION;
  const byStrategy = new Map<string, ReportRun[]>();
  for (const r of faulted) byStrategy.set(r.run.strategy.name, [...(byStrategy.get(r.run.strategy.name) ?? []), r]);
  const charts: ChartSpec[] = [];
  const figures: string[] = [];
  for (const group of byStrategy.values()) {
    const title = group[0].run.strategy.title;
    const id = group[0].run.strategy.name.replace(/[^a-z0-9-]/gi, '');
    const curve = lineChart(`chart-recovery-${id}`, group, '% of affected clients attached', '%', (o) =>
      o.curve.map(([ms, attached]) => ({ x: ms, y: o.affectedClients === 0 ? null : (100 * attached) / o.affectedClients })),
    );
    const accepts = lineChart(`chart-recovery-accepts-${id}`, group, 'accepted connections / s', '/s', (o) =>
      o.serverTimeline.map(([ms, , accepted]) => ({ x: ms, y: accepted * 10 })),
    );
    const cpu = lineChart(`chart-recovery-cpu-${id}`, group, 'server CPU, % of one core', '%', (o) =>
      o.serverTimeline.map(([ms, cpuMs]) => ({ x: ms, y: cpuMs })),
    );
    charts.push(curve, accepts, cpu);
    figures.push(
      `<h3>${esc(title)}</h3>`,
      figure(
        curve,
        caption(
          'each run’s affected clients attached again (a stream open, a poll answered), per 100 ms since the kill.',
          'the steeper and earlier the curve reaches 100 %, the faster the storm is over; a staircase is clients retrying in step.',
        ),
      ),
      figure(
        accepts,
        caption(
          'TCP connections the server processes alive at the end accepted, per 100 ms bucket, as a rate per second.',
          'a tall narrow spike is a thundering herd: every client at once; a spread is jitter doing its work.',
        ),
      ),
      figure(
        cpu,
        caption(
          'CPU of those server processes (and the cluster primary), per 100 ms bucket, as a share of one core.',
          'what accepting and re-attaching the clients costs while it happens; 100 % is one core fully busy.',
        ),
      ),
    );
  }
  const body = `${table(faulted)}${policyComparison(faulted)}${figures.join('\n')}`;
  return {
    html: section(
      'recovery',
      'Losing a server process: how the clients come back',
      'A server process was SIGKILLed during the schedule and a new one started on its port; its clients reconnected with their backoff, to ' +
        'a surviving process or to the new one. Times count from the kill.',
      body,
    ),
    charts,
  };
}

function times(t: RecoveryTimes): string {
  return [t.p50, t.p95, t.p100].map((ms) => `<td class="num">${ms === null ? 'never' : fmtInt(ms)}</td>`).join('');
}

function table(runs: readonly ReportRun[]): string {
  const rows = runs.map((r) => {
    const o = r.run.recovery!;
    const lost = r.run.messages.missed;
    const kernel = o.listenOverflows === null ? 'not exposed' : `${fmtInt(o.listenOverflows)} / ${fmtInt(o.listenDrops)}`;
    return (
      `<tr><td>${strategyCell(r)}<div class="kind">${esc(r.scenarioTag || describe(r))}</div></td><td ` +
      `class="num">${fmtInt(o.affectedClients)} of ${fmtInt(r.run.scenario.clients)}</td>
${times(o.reattachMs)}${times(o.firstMessageMs)}<td class="num">${fmtInt(o.reconnectAttempts)}</td><td class="num">${fmtInt(o.peakAcceptPerSec)}</td>
<td class="num">${kernel}</td><td class="num">${lost > 0 ? `<span class="bad">${fmtInt(lost)}</span>` : '0'} / ${fmtInt(r.run.messages.duplicated)}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap"><table><thead><tr><th rowspan="2">Run</th><th class="num" rowspan="2" title="Clients whose connection ` +
    `failed at or after the kill">Affected</th>
<th colspan="3" class="num" title="From the kill until 50 / 95 / 100 % of the affected clients were attached again (for long polling: answered, which ` +
    `waits for a message)">Attached again, ms</th>
<th colspan="3" class="num" title="From the kill until 50 / 95 / 100 % of the affected clients had a message again">First message again, ms</th>
<th class="num" rowspan="2">Reconnect attempts</th><th class="num" rowspan="2" title="Most connections accepted in one 100 ms bucket, as a rate">Peak ` +
    `accepts / s</th>
<th class="num" rowspan="2" title="TcpExt ListenOverflows / ListenDrops over the schedule, machine-wide (/proc/net/netstat)">Listen-queue overflows / drops</th>
<th class="num" rowspan="2">Missed / dup.</th></tr>
<tr><th class="num">50 %</th><th class="num">95 %</th><th class="num">100 %</th><th class="num">50 %</th><th class="num">95 %</th><th ` +
    `class="num">100 %</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted">A short-polling client between two polls notices nothing: its next poll opens a new connection (to a survivor, or to the ` +
    `new process) and is not counted as affected unless that fails.</p>`
  );
}

/** A run's processes and reconnects in words, when no other scenario of the results tells it apart. */
function describe(r: ReportRun): string {
  return describeFields(r.run.scenario, ['source', 'serverProcesses', 'backoff']);
}

/**
 * For runs that differ only in the backoff policy: by how much `none` (and `exponential`) is worse than full
 * jitter — or, when it is not, that it is not.
 */
function policyComparison(runs: readonly ReportRun[]): string {
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs) {
    const key = JSON.stringify([r.setLabel, r.run.strategy.name, scenarioKey(r.run.scenario, ['backoff'])]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines: string[] = [];
  for (const group of groups.values()) {
    const jitter = group.find((r) => scenarioValue(r.run.scenario, 'backoff') === 'full-jitter');
    if (!jitter || group.length < 2) continue;
    for (const other of group) {
      if (other === jitter) continue;
      const a = jitter.run.recovery!;
      const b = other.run.recovery!;
      lines.push(
        `<li><b>${esc(jitter.run.strategy.title)}</b>, ${esc(scenarioValue(other.run.scenario, 'backoff'))} against full jitter: ` +
          `${compare(b, a)}</li>`,
      );
    }
  }
  return lines.length === 0 ? '' : `<h3>What each backoff policy costs</h3><ul>${lines.join('')}</ul>`;
}

function compare(policy: RecoveryOutcome, jitter: RecoveryOutcome): string {
  const p95 = (o: RecoveryOutcome) => o.reattachMs.p95;
  const timeText =
    p95(policy) === null || p95(jitter) === null
      ? `95 % attached again: ${p95(policy) === null ? 'never' : `${fmtInt(p95(policy))} ms`} against ` +
        `${p95(jitter) === null ? 'never' : `${fmtInt(p95(jitter))} ms`}`
      : `95 % attached again after ${fmtInt(p95(policy))} ms against ${fmtInt(p95(jitter))} ms ` +
        `(${verdict(p95(policy)! - p95(jitter)!, 'ms', 'later', 'earlier')})`;
  const peak = `peak accept rate ${fmtInt(policy.peakAcceptPerSec)}/s against ${fmtInt(jitter.peakAcceptPerSec)}/s`;
  const attempts = `${fmtInt(policy.reconnectAttempts)} reconnect attempts against ${fmtInt(jitter.reconnectAttempts)}`;
  const overflows =
    policy.listenOverflows === null || jitter.listenOverflows === null
      ? 'listen-queue overflows not exposed by this machine'
      : `${fmtInt(policy.listenOverflows)} listen-queue overflows against ${fmtInt(jitter.listenOverflows)}`;
  return `${timeText}; ${peak}; ${attempts}; ${overflows}.`;
}

function verdict(delta: number, unit: string, worse: string, better: string): string {
  if (delta === 0) return 'no difference';
  return `${fmtNumber(Math.abs(delta), 0)} ${unit} ${delta > 0 ? worse : better}`;
}

/** One line per run of the group, on a numeric x axis of ms since the kill; the strategy's colour, lighter per run. */
function lineChart(
  id: string,
  group: readonly ReportRun[],
  yTitle: string,
  unit: string,
  points: (outcome: RecoveryOutcome) => { x: number; y: number | null }[],
): ChartSpec {
  const shades = [1, 0.6, 0.35, 0.2];
  const datasets: DatasetSpec[] = group.map((r, i) => ({
    label: r.scenarioTag || describe(r),
    type: 'line',
    data: [],
    xy: points(r.run.recovery!),
    color: withAlpha(r.color, shades[i % shades.length]),
  }));
  return {
    id,
    labels: [],
    datasets,
    stacked: false,
    logY: false,
    yMin: 0,
    yTitle,
    unit,
    decimals: 0,
    legend: 'datasets',
    valueLabels: 'none',
    height: 260,
    x: { title: 'ms since the kill', log: false, unit: 'ms' },
  };
}
