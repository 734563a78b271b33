import { cpuJudged, deliveriesPerCpuSecond, perDeliveredMessage, ratio, serverCpuUsPerRequest } from '../results/metrics.js';
import { isValidRun, type Bottleneck, type RunResult, type StrategyLabel } from '../results/results.js';
import { fmtMs, fmtNumber, fmtRatio } from '../results/number-format.js';
import { sameScenario } from '../results/scenario.js';
import { thresholdText } from './server-cpu.js';

/**
 * pushbench's strategies against the reference peers measured in the same run: pure, so the ratios and the
 * plain-words findings the report prints are computed from the results and can be checked exactly.
 */

export type PeerMetric = 'deliveriesPerCpuSecond' | 'bytesPerDelivered' | 'cpuMsPerThousand' | 'latencyP99Us';

export interface PeerPair {
  ours: string;
  peer: string;
  metrics: readonly PeerMetric[];
  /** What the two do differently, so a ratio can be read (a peer that does less costs less). */
  differs: string;
  /**
   * The peer is the same strategy served through this web framework: the report then says in words what the
   * framework costs per request (server CPU per request, ours against the peer's).
   */
  framework?: string;
  /**
   * The peer is the strategy's own bare loop: the least share of the loop's efficiency pushbench means to keep on
   * each measure of GOAL_METRICS (its efficiency ÷ the loop's). What it gives up is what its limits, checks,
   * attribution and statistics cost; the report says whether the goal is met.
   */
  goal?: number;
}

/** The measures a goal is judged on: what a delivery costs the server's CPU, and the wire. */
export const GOAL_METRICS: readonly PeerMetric[] = ['deliveriesPerCpuSecond', 'bytesPerDelivered'];

/** What pushbench means to keep of its bare loops' efficiency. */
export const BARE_LOOP_GOAL = 0.9;

/**
 * The comparisons with the reference peers: each of our strategies against its own bare loop (the transport's floor
 * on node:http or ws, with the goal of keeping 0.9× of its efficiency), then Socket.IO in each transport, then our
 * polling against the same polling through express, which is what the framework costs.
 */
export const PEER_PAIRS: readonly PeerPair[] = [
  {
    ours: 'short-polling',
    peer: 'sp-bare',
    metrics: ['deliveriesPerCpuSecond', 'bytesPerDelivered', 'latencyP99Us'],
    goal: BARE_LOOP_GOAL,
    differs:
      'Both answer the messages after the cursor with the same JSON, on node:http, with the same query parser and log. pushbench also ' +
      'passes each request through its connection rules (a send budget per connection, idle connections closed near the connection ' +
      'limit) and its guard (Host, Origin, user tokens), credits each answer’s bytes to its client, bounds an answer’s messages and ' +
      'bytes, counts it, and says “; charset=utf-8”, “X-Content-Type-Options: nosniff” and “Cache-Control: no-store”: 73 bytes more per ' +
      'answer. The bare loop does none of that.',
  },
  {
    ours: 'long-polling',
    peer: 'lp-bare',
    metrics: ['deliveriesPerCpuSecond', 'bytesPerDelivered', 'latencyP99Us'],
    goal: BARE_LOOP_GOAL,
    differs:
      'Both hold a poll with nothing after its cursor and answer it with the same JSON on node:http, one answer built per cursor. ' +
      'pushbench also keeps its connection rules and guard, limits the held polls (server-wide, per user, one per connection), groups ' +
      'them by cursor and reader, forgets a poll the moment its client leaves, credits each answer’s bytes, counts everything, and sends ' +
      'the same 73 header bytes more per answer. The bare loop keeps held polls in a plain set with a timer each.',
  },
  {
    ours: 'sse',
    peer: 'sse-bare',
    metrics: ['deliveriesPerCpuSecond', 'bytesPerDelivered', 'latencyP99Us'],
    goal: BARE_LOOP_GOAL,
    differs:
      'Both write the same id/data events on a held node:http response. pushbench also keeps its connection rules and guard, limits the ' +
      'open streams, checks each client’s send buffer (a client that stops reading is cut off at 1 MiB), replays a backlog in steps at ' +
      'the pace the client reads, writes a comment every 15 s to keep proxies from closing a quiet stream, and sends nosniff and no-store ' +
      'once per stream. The bare loop writes each event to every open stream in a plain loop.',
  },
  {
    ours: 'websocket',
    peer: 'ws-bare',
    metrics: ['deliveriesPerCpuSecond', 'bytesPerDelivered', 'latencyP99Us'],
    goal: BARE_LOOP_GOAL,
    differs:
      'Both send the same frames with the same library. Per client and message, pushbench also checks the send buffer (a client that stops ' +
      'reading is cut off at 1 MiB instead of growing the server’s memory) and replays a backlog in steps at the pace the client reads; ' +
      'the bare loop does neither.',
  },
  {
    ours: 'long-polling',
    peer: 'socketio-polling',
    metrics: ['bytesPerDelivered', 'cpuMsPerThousand', 'latencyP99Us'],
    differs:
      'Both hold a GET until there is news. Socket.IO adds its session id to every request, engine.io and Socket.IO framing to every ' +
      'message, a POST for everything the client sends (the CONNECT, each heartbeat answer) and a heartbeat every 25 s.',
  },
  {
    ours: 'websocket',
    peer: 'socketio-ws',
    metrics: ['bytesPerDelivered', 'cpuMsPerThousand', 'latencyP99Us'],
    differs:
      'Both push one frame per message over one upgraded connection. Socket.IO wraps each message as an event packet (42["m",…]), adds a ' +
      'CONNECT round trip after the upgrade and a ping/pong every 25 s, and routes each broadcast through its adapter.',
  },
  {
    ours: 'long-polling',
    peer: 'express-long-polling',
    metrics: ['cpuMsPerThousand', 'latencyP99Us'],
    framework: 'express',
    differs:
      'The same contract, the same limits, the same answer bytes. pushbench serves the long poll on node:http directly, dispatched by exact ' +
      'path, and writes one answer to all the polls waiting at the same cursor; the reference is served the way a typical express 5 app ' +
      'serves it: the app’s router, an express.Router with its JSON body parser, router.get, and its own since() and res.json() for ' +
      'every held poll.',
  },
  {
    ours: 'short-polling',
    peer: 'express-short-polling',
    metrics: ['cpuMsPerThousand', 'latencyP99Us'],
    framework: 'express',
    differs:
      'The same contract and the same answer bytes. pushbench answers the short poll on node:http directly, dispatched by exact path; the ' +
      'reference goes through the app’s router, an express.Router with its JSON body parser, router.get and res.json, as a typical ' +
      'express 5 app does.',
  },
];

interface MetricSpec {
  /** Column text. */
  label: string;
  higherIsBetter: boolean;
  /**
   * How far from 1 a ratio may be and still read "on par": the spread between runs of the same code that we
   * measured on a shared 2-core machine (CPU and bytes a few per cent, a single run's p99 latency ±25 % and more).
   */
  tolerance: number;
  value: (run: RunResult) => number | null;
  format: (value: number) => string;
  /** A figure of server CPU: compared only when both servers were busy enough for it to mean something (cpuJudged). */
  cpu?: true;
  /** "<ours> <verb> <ratio>× <object> of <peer>", for the findings. */
  verb: string;
  object: string;
  /** How a worse ratio reads in words. */
  shortfall: string;
}

export const PEER_METRICS: Readonly<Record<PeerMetric, MetricSpec>> = {
  deliveriesPerCpuSecond: {
    label: 'deliveries per second of server CPU',
    higherIsBetter: true,
    tolerance: 0.05,
    value: deliveriesPerCpuSecond,
    format: (v) => `${fmtNumber(v, 0)} /s`,
    cpu: true,
    verb: 'sustains',
    object: 'the deliveries per second of server CPU',
    shortfall: 'less efficient than',
  },
  bytesPerDelivered: {
    label: 'bytes per delivered message (both directions)',
    higherIsBetter: false,
    tolerance: 0.05,
    value: (run) => perDeliveredMessage(run).bytesTotalPerDelivered,
    format: (v) => `${fmtNumber(v, 1)} B`,
    verb: 'moves',
    object: 'the bytes per delivered message',
    shortfall: 'less efficient than',
  },
  cpuMsPerThousand: {
    label: 'server CPU per 1,000 delivered messages',
    higherIsBetter: false,
    tolerance: 0.05,
    value: (run) => perDeliveredMessage(run).cpuMsPerThousand,
    format: (v) => `${fmtNumber(v, 1)} ms / 1,000 msg`,
    cpu: true,
    verb: 'needs',
    object: 'the server CPU per delivered message',
    shortfall: 'less efficient than',
  },
  latencyP99Us: {
    label: 'latency p99',
    higherIsBetter: false,
    tolerance: 0.25,
    value: (run) => (run.latencyUs.count > 0 ? run.latencyUs.p99 : null),
    format: (v) => `${fmtMs(v)} ms`,
    verb: 'has',
    object: 'the p99 latency',
    shortfall: 'slower than',
  },
};

/** "on par within ±5 % (±25 % for latency p99)", from the tolerances above. */
export function toleranceText(): string {
  const specs = Object.values(PEER_METRICS);
  const base = specs[0].tolerance;
  const percent = (share: number) => `±${fmtNumber(share * 100, 0)} %`;
  const others = specs.filter((spec) => spec.tolerance !== base).map((spec) => `${percent(spec.tolerance)} for ${spec.label}`);
  return `on par within ${percent(base)}${others.length === 0 ? '' : ` (${others.join(', ')})`}`;
}

export type PeerVerdict = 'better' | 'on-par' | 'worse' | 'not-comparable';

export interface PeerRow {
  metric: PeerMetric;
  ours: number | null;
  peer: number | null;
  /** ours ÷ peer; null when either side has no value. */
  ratio: number | null;
  /** From pushbench's side: better means more efficient (or faster) than the peer. */
  verdict: PeerVerdict;
  /**
   * How many times as efficient as the peer pushbench is on this measure, whichever way the measure points (the
   * ratio, or its inverse for a cost): above 1 pushbench is the more efficient. Null with the ratio.
   */
  efficiency: number | null;
  /** The share of the peer's efficiency pushbench means to keep on this measure (PeerPair.goal), or null. */
  goal: number | null;
  /** Why a measured pair of figures is not compared (a server too idle for its CPU to mean anything); absent otherwise. */
  withheld?: string;
}

/** Whether a row meets its goal; null when it has none, or no ratio to judge. */
export function meetsGoal(row: Pick<PeerRow, 'efficiency' | 'goal'>): boolean | null {
  if (row.goal === null || row.efficiency === null) return null;
  return row.efficiency >= row.goal;
}

/** A run of a comparison whose load generator limited it: its strategy's title and the bottleneck's reason. */
export interface PeerCaveat {
  title: string;
  reason: Bottleneck['reason'];
}

export interface PeerComparison {
  ours: StrategyLabel;
  peer: StrategyLabel;
  clients: number;
  /** PeerPair.differs: what the two do differently. */
  differs: string;
  /** Why the ratios are withheld (a run was invalid), or null. */
  problem: string | null;
  /** What to keep in mind reading them: the runs whose load generator was the bottleneck, and why (possibly none). */
  caveats: PeerCaveat[];
  rows: PeerRow[];
  /** For a pair whose peer is ours through a framework (PeerPair.framework): what it costs per request; else null. */
  framework: FrameworkCost | null;
}

/** Server CPU per request of the same strategy on pushbench's path and through a framework, from one run. */
export interface FrameworkCost {
  /** The framework's name, e.g. "express". */
  name: string;
  /** Server CPU per request, µs: pushbench's, the framework's, and what the framework adds (peer − ours; may be negative). */
  oursUs: number;
  peerUs: number;
  addedUs: number;
}

/** How many times more efficient ours is: above 1 ours is better whichever way the metric points. */
export function efficiencyOf(metric: PeerMetric, ratio: number | null): number | null {
  if (ratio === null || !Number.isFinite(ratio) || ratio <= 0) return null;
  return PEER_METRICS[metric].higherIsBetter ? ratio : 1 / ratio;
}

export function verdictOf(metric: PeerMetric, ratio: number | null): PeerVerdict {
  const advantage = efficiencyOf(metric, ratio);
  if (advantage === null) return 'not-comparable';
  const { tolerance } = PEER_METRICS[metric];
  if (advantage >= 1 + tolerance) return 'better';
  if (advantage <= 1 / (1 + tolerance)) return 'worse';
  return 'on-par';
}

/**
 * Every pair of PEER_PAIRS whose two strategies ran the same scenario, in pair order (one comparison per shared
 * scenario). Pairs with a side missing are left out: the run did not measure them.
 */
export function comparePeers(runs: readonly RunResult[]): PeerComparison[] {
  const comparisons: PeerComparison[] = [];
  for (const pair of PEER_PAIRS) {
    for (const ours of runs.filter((run) => run.strategy.name === pair.ours)) {
      const peer = runs.find((run) => run.strategy.name === pair.peer && sameScenario(run.scenario, ours.scenario));
      if (peer) comparisons.push(compare(pair, ours, peer));
    }
  }
  return comparisons;
}

function compare(pair: PeerPair, ours: RunResult, peer: RunResult): PeerComparison {
  const invalid = [ours, peer].filter((run) => !isValidRun(run)).map((run) => run.strategy.title);
  const problem = invalid.length === 0 ? null : `not compared: the run of ${invalid.join(' and ')} is invalid`;
  const caveats = [ours, peer]
    .filter((run) => run.bottleneck?.verdict === 'load-generator')
    .map((run): PeerCaveat => ({ title: run.strategy.title, reason: run.bottleneck!.reason }));
  const idle = [ours, peer].filter((run) => !cpuJudged(run)).map((run) => run.strategy.title);
  const cpuWithheld = idle.length === 0 ? undefined : `the server of ${idle.join(' and ')} was busy less than ${thresholdText()} above idle`;
  const rows = pair.metrics.map((metric): PeerRow => {
    const spec = PEER_METRICS[metric];
    const oursValue = spec.value(ours);
    const peerValue = spec.value(peer);
    const withheld = spec.cpu ? cpuWithheld : undefined;
    const ratio =
      problem === null && withheld === undefined && oursValue !== null && peerValue !== null && peerValue > 0 ? oursValue / peerValue : null;
    const goal = pair.goal !== undefined && GOAL_METRICS.includes(metric) ? pair.goal : null;
    return {
      metric,
      ours: oursValue,
      peer: peerValue,
      ratio,
      verdict: verdictOf(metric, ratio),
      efficiency: efficiencyOf(metric, ratio),
      goal,
      ...(withheld && { withheld }),
    };
  });
  const framework = pair.framework === undefined || problem !== null || cpuWithheld ? null : frameworkCost(pair.framework, ours, peer);
  return { ours: ours.strategy, peer: peer.strategy, clients: ours.scenario.clients, differs: pair.differs, problem, caveats, rows, framework };
}

function frameworkCost(name: string, ours: RunResult, peer: RunResult): FrameworkCost | null {
  const oursUs = serverCpuUsPerRequest(ours);
  const peerUs = serverCpuUsPerRequest(peer);
  if (oursUs === null || peerUs === null) return null;
  return { name, oursUs, peerUs, addedUs: peerUs - oursUs };
}

/**
 * What each framework costs per request, in plain words, e.g. "express adds 102 µs of server CPU per request to
 * short polling (143 µs vs 41 µs on pushbench's own path, 3.49×) at 2,000 clients."
 */
export function frameworkFindings(comparisons: readonly PeerComparison[]): string[] {
  const findings: string[] = [];
  for (const c of comparisons) {
    const cost = c.framework;
    if (cost === null) continue;
    const what = c.ours.title.toLowerCase();
    const both =
      `${fmtNumber(cost.peerUs, 0)} µs through ${cost.name} vs ${fmtNumber(cost.oursUs, 0)} µs on pushbench’s own path, ` +
      `${fmtRatio(ratio(cost.peerUs, cost.oursUs))}`;
    const at = `at ${fmtNumber(c.clients, 0)} clients`;
    findings.push(
      cost.addedUs >= 0
        ? `${cost.name} adds ${fmtNumber(cost.addedUs, 0)} µs of server CPU per request to ${what} (${both}) ${at}.`
        : `${cost.name} took ${fmtNumber(-cost.addedUs, 0)} µs less server CPU per request than pushbench’s own path for ${what} (${both}) ` +
            `${at}: here pushbench’s path is the slower one.`,
    );
  }
  return findings;
}

/** One plain sentence per measure on which pushbench was less efficient than its peer. */
export function peerFindings(comparisons: readonly PeerComparison[]): string[] {
  const findings: string[] = [];
  for (const c of comparisons) {
    for (const row of c.rows) {
      if (row.verdict !== 'worse' || row.ratio === null) continue;
      const spec = PEER_METRICS[row.metric];
      const ours = spec.format(row.ours!);
      const peer = spec.format(row.peer!);
      findings.push(
        `pushbench ${c.ours.title} ${spec.verb} ${fmtRatio(row.ratio)} ${spec.object} of ${c.peer.title} ` +
          `(${ours} vs ${peer}) at ${fmtNumber(c.clients, 0)} clients: here pushbench is ${spec.shortfall} the peer.`,
      );
    }
  }
  return findings;
}

/**
 * One plain sentence per goal missed, e.g. "pushbench Long polling keeps 0.85× of the deliveries per second of server
 * CPU of Bare long-poll loop (…), below its goal of 0.90×: the rest is what its limits, checks and counting cost."
 */
export function goalFindings(comparisons: readonly PeerComparison[]): string[] {
  const findings: string[] = [];
  for (const c of comparisons) {
    for (const row of c.rows) {
      if (meetsGoal(row) !== false) continue;
      const spec = PEER_METRICS[row.metric];
      findings.push(
        `pushbench ${c.ours.title} keeps ${fmtRatio(row.efficiency)} of the efficiency of ${c.peer.title} in ${spec.label} ` +
          `(${spec.format(row.ours!)} vs ${spec.format(row.peer!)}) at ${fmtNumber(c.clients, 0)} clients, below its goal of ` +
          `${fmtRatio(row.goal)}.`,
      );
    }
  }
  return findings;
}

/** "goal ≥ 0.90×: met" for a row with a goal, or nothing. */
export function goalText(row: PeerRow): string {
  const met = meetsGoal(row);
  if (met === null) return '';
  return `${fmtRatio(row.efficiency)} of its efficiency, goal ≥ ${fmtRatio(row.goal)}: ${met ? 'met' : 'missed'}`;
}

const VERDICT_WORDS: Record<PeerVerdict, string> = {
  better: 'pushbench better',
  'on-par': 'on par',
  worse: 'pushbench worse',
  'not-comparable': 'not compared',
};

/** The comparisons as plain text for the bench's summary on the terminal: one line per pair, then the findings. */
export function peerSummaryLines(comparisons: readonly PeerComparison[]): string[] {
  if (comparisons.length === 0) return [];
  const lines = [`pushbench vs reference peers (ratio = pushbench ÷ peer; ${toleranceText()}):`];
  for (const c of comparisons) {
    const measures = c.rows.map((row) => {
      const spec = PEER_METRICS[row.metric];
      const values = row.ours === null || row.peer === null ? '' : ` [${spec.format(row.ours)} vs ${spec.format(row.peer)}]`;
      const goal = goalText(row);
      const withheld = row.withheld ? `: ${row.withheld}` : '';
      return `${spec.label} ${fmtRatio(row.ratio)}${values} (${VERDICT_WORDS[row.verdict]}${withheld}${goal === '' ? '' : `; ${goal}`})`;
    });
    lines.push(`  ${c.ours.name} vs ${c.peer.name}, ${fmtNumber(c.clients, 0)} clients${c.problem === null ? '' : ` (${c.problem})`}:`);
    for (const measure of measures) lines.push(`    ${measure}`);
  }
  for (const finding of goalFindings(comparisons)) lines.push(`  goal missed: ${finding}`);
  for (const finding of peerFindings(comparisons)) lines.push(`  behind: ${finding}`);
  for (const finding of frameworkFindings(comparisons)) lines.push(`  framework: ${finding}`);
  return lines;
}
