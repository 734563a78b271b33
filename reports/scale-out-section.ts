import { scenarioKey, scenarioValue } from '../results/scenario.js';
import { fmtBytes, fmtInt, fmtMs, fmtNumber, fmtRatio } from '../results/number-format.js';
import type { RunResult, Scenario } from '../results/results.js';
import { brokerBytesPerMessage, deliveriesPerServerCpuSecond, redisCpuMsPerThousand } from '../results/scale-out-metrics.js';
import type { ChartSpec, DatasetSpec, LegendItem } from './charts.js';
import { escapeHtml as esc } from './format.js';
import { paint, withAlpha, type ReportRun } from './model.js';
import { caption, figure, NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';

/**
 * "Scale-out": what the Redis source costs beside the embedded log (latency in the same run, Redis's CPU, bytes
 * to and from Redis), what a second server process buys per second of CPU, and in plain words what two
 * processes on this machine can and cannot show. Drawn when any run used the Redis source.
 */
export function scaleOutSection({ sets, runs }: SectionContext): ExtraSections {
  const shared = runs.filter((r) => r.run.scenario.source === 'redis');
  if (shared.length === 0) return NO_SECTION;
  const pairs = pairsDifferingIn(runs, 'source', (s) => scenarioValue(s, 'serverProcesses') === 1 && scenarioValue(s, 'restartAtSec') === null);
  const latency = latencyPart(pairs);
  const broker = brokerTable(shared.filter((r) => r.run.broker));
  const processes = processesTable(pairsDifferingIn(shared, 'serverProcesses', (s) => scenarioValue(s, 'restartAtSec') === null));
  const cores = Math.min(...sets.map((set) => set.results.meta.cpuCount));
  const body = [latency.html, broker, processes, `<h3>What ${fmtInt(cores)} cores can and cannot show</h3>${plainWords(cores)}`].join('\n');
  return {
    html: section(
      'scale-out',
      'Scale-out: the log in Redis, several server processes',
      'The same strategies with their message log in a Redis Stream that every server process reads, beside the embedded log: what the ' +
        'broker hop costs, and what a second process buys.',
      body,
    ),
    charts: latency.chart ? [latency.chart] : [],
  };
}

/** Runs of one strategy and one results file whose scenarios differ in `field` only, both passing `keep`. */
function pairsDifferingIn(runs: readonly ReportRun[], field: keyof Scenario, keep: (s: Scenario) => boolean): [ReportRun, ReportRun][] {
  const key = (r: ReportRun) => JSON.stringify([r.setLabel, r.run.strategy.name, scenarioKey(r.run.scenario, [field])]);
  const groups = new Map<string, ReportRun[]>();
  for (const r of runs) {
    if (!keep(r.run.scenario)) continue;
    groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  }
  const pairs: [ReportRun, ReportRun][] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) =>
      String(scenarioValue(a.run.scenario, field)).localeCompare(String(scenarioValue(b.run.scenario, field))),
    );
    for (let i = 1; i < sorted.length; i++) pairs.push([sorted[0], sorted[i]]);
  }
  return pairs;
}

/** Memory ('memory' sorts before 'redis') against Redis, same scenario, same results file. */
function latencyPart(pairs: readonly [ReportRun, ReportRun][]): { html: string; chart: ChartSpec | null } {
  if (pairs.length === 0) {
    return {
      html:
        '<p class="muted">No run of these results compares the two sources on the same scenario (run with <code>--source ' +
        'memory,redis</code>).</p>',
      chart: null,
    };
  }
  const rows = pairs.map(([memory, redis]) => {
    const m = memory.run.latencyUs;
    const r = redis.run.latencyUs;
    return (
      `<tr><td>${strategyCell(memory)}</td><td class="num">${fmtMs(m.p50)}</td><td class="num">${fmtMs(r.p50)}</td><td ` +
      `class="num">${signedMs(r.p50 - m.p50)}</td>
<td class="num">${fmtMs(m.p99)}</td><td class="num">${fmtMs(r.p99)}</td><td class="num">${signedMs(r.p99 - m.p99)}</td></tr>`
    );
  });
  const table =
    `<h3>Latency: memory against Redis, same scenario, same run</h3><div class="table-wrap"><table><thead><tr><th>Strategy</th>
<th class="num">p50 memory</th><th class="num">p50 Redis</th><th class="num">Redis hop, p50</th><th class="num">p99 memory</th><th ` +
    `class="num">p99 Redis</th><th class="num">Redis hop, p99</th>
</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  const datasets: DatasetSpec[] = [
    { label: 'memory source, p50', type: 'bar', data: pairs.map(([m]) => m.run.latencyUs.p50 / 1000), color: pairs.map(([m]) => paint(m, m.color)) },
    {
      label: 'Redis source, p50',
      type: 'bar',
      data: pairs.map(([, r]) => r.run.latencyUs.p50 / 1000),
      color: pairs.map(([, r]) => paint(r, withAlpha(r.color, 0.4))),
    },
  ];
  const legend: LegendItem[] = [
    { text: 'memory source, p50', color: '#64748b' },
    { text: 'Redis source, p50', color: withAlpha('#64748b', 0.4) },
  ];
  const chart: ChartSpec = {
    id: 'chart-scale-out-latency',
    labels: pairs.map(([m]) => m.run.strategy.title + (m.setLabel === null ? '' : ` · ${m.setLabel}`)),
    datasets,
    stacked: false,
    logY: false,
    yMin: 0,
    yTitle: 'latency p50, ms',
    unit: 'ms',
    decimals: 2,
    legend,
    valueLabels: 'bars',
    height: 300,
  };
  const html = `${table}${figure(
    chart,
    caption(
      'publish-to-receive latency of the same scenario with the log in the server process and in a Redis Stream (one server process each), ' +
        'in the same bench run.',
      'the difference is the Redis hop: the publisher’s script call, then the blocking reader of the server process getting the entry, ' +
        'before the fan-out starts. It adds to every delivery once, whatever the strategy.',
    ),
  )}`;
  return { html, chart };
}

function brokerTable(runs: readonly ReportRun[]): string {
  if (runs.length === 0) return '';
  const rows = runs.map((r) => {
    const broker = r.run.broker!;
    const bytes = brokerBytesPerMessage(broker);
    return (
      `<tr><td>${strategyCell(r)}<div class="kind">${esc(r.scenarioTag)}</div></td><td class="num">${fmtInt(broker.published)}</td>
<td class="num">${fmtNumber(redisCpuMsPerThousand(broker), 1)}</td><td class="num">${fmtBytes(bytes.toRedis)}</td><td ` +
      `class="num">${fmtBytes(bytes.fromRedis)}</td><td class="num">${fmtBytes(bytes.total)}</td></tr>`
    );
  });
  return (
    `<h3>What the broker costs</h3><div class="table-wrap"><table><thead><tr><th>Run</th><th class="num">Published</th>
<th class="num" title="CPU of the redis-server process over the publishing window (its own used_cpu_user + used_cpu_sys, INFO cpu) per 1,000 published ` +
    `messages">Redis CPU ms / 1k msg</th>
<th class="num" title="Commands sent to Redis by every server process (the publisher included), counted at their sockets, per published message">To ` +
    `Redis / msg</th>
<th class="num" title="Replies from Redis: each server process's reader gets every entry once">From Redis / msg</th><th class="num">Both ways / ` +
    `msg</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted">Per published message, not per delivery: what Redis carries grows with the messages and the server processes (each reads ` +
    `every entry once), not with the clients.</p>`
  );
}

function processesTable(pairs: readonly [ReportRun, ReportRun][]): string {
  if (pairs.length === 0) return '';
  const rows = pairs.map(([one, more]) => {
    const a = deliveriesPerServerCpuSecond(one.run);
    const b = deliveriesPerServerCpuSecond(more.run);
    const n = (run: RunResult) => fmtInt(scenarioValue(run.scenario, 'serverProcesses'));
    return (
      `<tr><td>${strategyCell(one)}</td><td class="num">${n(one.run)} → ${n(more.run)}</td><td class="num">${fmtInt(a)}</td><td ` +
      `class="num">${fmtInt(b)}</td>
<td class="num">${a === null || b === null ? '—' : fmtRatio(b / a)}</td><td class="num">${fmtInt(one.run.server.cpuMs)} → ` +
      `${fmtInt(more.run.server.cpuMs)}</td></tr>`
    );
  });
  return (
    `<h3>Deliveries per second of server CPU, by server processes</h3><div class="table-wrap"><table><thead><tr><th>Strategy</th><th ` +
    `class="num">Processes</th>
<th class="num">Deliveries / CPU-s (fewer)</th><th class="num">Deliveries / CPU-s (more)</th><th class="num">Ratio</th><th ` +
    `class="num">Server CPU ms</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted">Server CPU is every server process's, the cluster primary’s included (it accepts each connection, hands it to a worker and publishes ` +
    `the schedule). A ratio below 1 is what each extra process costs: its own event loop, its own Redis reader and mirror.</p>`
  );
}

/** Said plainly, because a 2-core laptop invites reading a second process as a second machine. */
function plainWords(cores: number): string {
  return `<p>These runs put the load generator, Redis, the cluster primary and every server process on the same ${fmtInt(cores)} cores.
<b>They can show</b> that the log is shared correctly — every client gets every message exactly once across processes, a
process can be killed without a message lost — what the broker hop costs in latency, in Redis’s CPU and in bytes per
message, and how much CPU a delivery costs with one process or two. <b>They cannot show</b> throughput that grows with
processes: ${
    cores <= 2
      ? 'with two cores, a second server process takes its core from the clients and from ' + 'Redis,'
      : 'with this few cores the processes still compete for them,'
  }
so more processes cannot mean more deliveries per second here, and deliveries per CPU-second measures efficiency, not capacity.
How far a real deployment scales needs a machine per server process, and clients on machines of their own.</p>`;
}

function signedMs(us: number): string {
  return `${us >= 0 ? '+' : '−'}${fmtMs(Math.abs(us))}`;
}
