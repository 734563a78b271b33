import { describe, expect, it } from 'vitest';
import {
  BARE_LOOP_GOAL,
  comparePeers,
  frameworkFindings,
  goalFindings,
  meetsGoal,
  PEER_PAIRS,
  peerFindings,
  peerSummaryLines,
  toleranceText,
  verdictOf,
} from '../../reports/peers.js';
import { makeBareLoopResults, makeFrameworkResults, makePeerResults } from './peer-fixture.js';
import { STRATEGIES } from '../../bench/plan/strategies.js';
import { makeResults } from './fixture.js';
import { peersSection } from '../../reports/peers-section.js';
import type { BottleneckReason } from '../../results/results.js';

describe('comparePeers', () => {
  const comparisons = comparePeers(makePeerResults().runs);

  it('pairs each of ours with its peer, in the order of the issue', () => {
    expect(comparisons.map((c) => [c.ours.name, c.peer.name, c.clients, c.problem, c.caveats])).toEqual([
      ['websocket', 'ws-bare', 50, null, []],
      ['long-polling', 'socketio-polling', 50, null, []],
      ['websocket', 'socketio-ws', 50, null, []],
    ]);
  });

  it('computes pushbench ÷ peer for every measure, with the reading from pushbench’s side', () => {
    expect(comparisons[0].rows).toEqual([
      {
        metric: 'deliveriesPerCpuSecond',
        ours: 500 / 0.045,
        peer: 12_500,
        ratio: 500 / 0.045 / 12_500,
        verdict: 'worse',
        efficiency: 500 / 0.045 / 12_500,
        goal: 0.9,
      },
      { metric: 'bytesPerDelivered', ours: 191, peer: 191, ratio: 1, verdict: 'on-par', efficiency: 1, goal: 0.9 },
      { metric: 'latencyP99Us', ours: 1_720, peer: 1_700, ratio: 1_720 / 1_700, verdict: 'on-par', efficiency: 1 / (1_720 / 1_700), goal: null },
    ]);
    // A peer that is not a bare loop carries no goal; a cost's efficiency is the ratio's inverse.
    expect(comparisons[1].rows).toEqual([
      { metric: 'bytesPerDelivered', ours: 557, peer: 580, ratio: 557 / 580, verdict: 'on-par', efficiency: 1 / (557 / 580), goal: null },
      { metric: 'cpuMsPerThousand', ours: 240, peer: 200, ratio: 1.2, verdict: 'worse', efficiency: 1 / 1.2, goal: null },
      { metric: 'latencyP99Us', ours: 6_900, peer: 5_000, ratio: 1.38, verdict: 'worse', efficiency: 1 / 1.38, goal: null },
    ]);
    expect(comparisons[2].rows).toEqual([
      { metric: 'bytesPerDelivered', ours: 191, peer: 220, ratio: 191 / 220, verdict: 'better', efficiency: 1 / (191 / 220), goal: null },
      { metric: 'cpuMsPerThousand', ours: 90, peer: 120, ratio: 0.75, verdict: 'better', efficiency: 1 / 0.75, goal: null },
      { metric: 'latencyP99Us', ours: 1_720, peer: 2_400, ratio: 1_720 / 2_400, verdict: 'better', efficiency: 1 / (1_720 / 2_400), goal: null },
    ]);
  });

  it('says in plain words where pushbench is behind, and nowhere else', () => {
    expect(peerFindings(comparisons)).toEqual([
      'pushbench WebSocket sustains 0.89× the deliveries per second of server CPU of Bare ws loop (11,111 /s vs 12,500 /s) at 50 clients: ' +
        'here pushbench is less efficient than the peer.',
      'pushbench Long polling needs 1.20× the server CPU per delivered message of Socket.IO polling (240.0 ms / 1,000 msg vs 200.0 ms / ' +
        '1,000 msg) at 50 clients: here pushbench is less efficient than the peer.',
      'pushbench Long polling has 1.38× the p99 latency of Socket.IO polling (6.90 ms vs 5.00 ms) at 50 clients: here pushbench is slower ' +
        'than the peer.',
    ]);
  });

  it('prints the same comparisons as text for the terminal', () => {
    expect(peerSummaryLines(comparisons).slice(0, 5)).toEqual([
      'pushbench vs reference peers (ratio = pushbench ÷ peer; on par within ±5 % (±25 % for latency p99)):',
      '  websocket vs ws-bare, 50 clients:',
      '    deliveries per second of server CPU 0.89× [11,111 /s vs 12,500 /s] (pushbench worse; 0.89× of its efficiency, goal ≥ 0.90×: missed)',
      '    bytes per delivered message (both directions) 1.00× [191.0 B vs 191.0 B] (on par; 1.00× of its efficiency, goal ≥ 0.90×: met)',
      '    latency p99 1.01× [1.72 ms vs 1.70 ms] (on par)',
    ]);
    expect(peerSummaryLines(comparisons)).toHaveLength(17);
    expect(peerSummaryLines(comparisons).slice(13, 14)).toEqual(goalFindings(comparisons).map((f) => `  goal missed: ${f}`));
    expect(peerSummaryLines(comparisons).slice(14)).toEqual(peerFindings(comparisons).map((f) => `  behind: ${f}`));
    expect(peerSummaryLines([])).toEqual([]);
  });

  it('leaves out pairs whose peer did not run, and pairs across different scenarios', () => {
    expect(comparePeers(makeResults().runs)).toEqual([]);
    const results = makePeerResults();
    const bare = results.runs.find((run) => run.strategy.name === 'ws-bare')!;
    bare.scenario = { ...bare.scenario, clients: 2_000 };
    expect(comparePeers(results.runs).map((c) => c.peer.name)).toEqual(['socketio-polling', 'socketio-ws']);
  });

  it('withholds the ratios of an invalid run and says why', () => {
    const results = makePeerResults();
    results.runs.find((run) => run.strategy.name === 'socketio-ws')!.messages.missed = 3;
    const [, , socketIo] = comparePeers(results.runs);
    expect(socketIo.problem).toBe('not compared: the run of Socket.IO WebSocket is invalid');
    expect(socketIo.rows.map((row) => [row.ratio, row.verdict])).toEqual([
      [null, 'not-comparable'],
      [null, 'not-comparable'],
      [null, 'not-comparable'],
    ]);
    expect(peerFindings([socketIo])).toEqual([]);
  });

  it('passes on a saturated load generator as a caveat, which the report words under the ratios', () => {
    const results = makePeerResults();
    const reason: BottleneckReason = { code: 'generator-saturated', processes: [{ process: { kind: 'client', number: 1 }, cpuShare: 0.97 }] };
    results.runs.find((run) => run.strategy.name === 'ws-bare')!.bottleneck = { verdict: 'load-generator', reason };
    expect(comparePeers(results.runs)[0].caveats).toEqual([{ title: 'Bare ws loop', reason }]);
    expect(peersSection([{ label: null, results }])).toContain(
      '<p class="muted">Read the latencies with care:</p><ul class="muted"><li>Bare ws loop: the load generator was saturated ' +
        '(client process 1 at 97 % of a core): its latencies and rates include its own queueing</li></ul>',
    );
  });

  it('shows the caveat of an older results file as its sentence', () => {
    const results = makePeerResults();
    results.runs.find((run) => run.strategy.name === 'ws-bare')!.bottleneck = {
      verdict: 'load-generator',
      reason: 'client process 1 at 97 % of a core',
    };
    expect(peersSection([{ label: null, results }])).toContain('<li>Bare ws loop: client process 1 at 97 % of a core</li>');
  });
});

describe('each strategy against its own bare loop', () => {
  const comparisons = comparePeers(makeBareLoopResults().runs);

  it('pairs every one of our strategies with a bare reference loop, with the goal of keeping 0.9x of its efficiency', () => {
    // Ours on our server: the PHP strategies are the article's stack, whose floor is no loop of ours.
    const own = STRATEGIES.filter((s) => !s.info.reference && s.server !== undefined).map((s) => s.info.name);
    const references = new Set(STRATEGIES.filter((s) => s.info.reference).map((s) => s.info.name));
    const bare = PEER_PAIRS.filter((pair) => pair.goal !== undefined);
    expect(bare.map((pair) => pair.ours).sort()).toEqual([...own].sort());
    for (const pair of bare) {
      expect(references.has(pair.peer)).toBe(true);
      expect(pair.goal).toBe(BARE_LOOP_GOAL);
      expect(pair.metrics).toEqual(['deliveriesPerCpuSecond', 'bytesPerDelivered', 'latencyP99Us']);
    }
    expect(BARE_LOOP_GOAL).toBe(0.9);
  });

  it('judges the goal on CPU per delivery and bytes per delivery, never on latency', () => {
    expect(comparisons.map((c) => [c.ours.name, c.peer.name])).toEqual([
      ['short-polling', 'sp-bare'],
      ['long-polling', 'lp-bare'],
      ['sse', 'sse-bare'],
    ]);
    expect(comparisons.map((c) => c.rows.map((row) => [row.metric, row.efficiency, row.goal, meetsGoal(row)]))).toEqual([
      [
        ['deliveriesPerCpuSecond', 500 / 0.31 / (500 / 0.3), 0.9, true],
        ['bytesPerDelivered', 1 / (923.72 / 850.72), 0.9, true],
        ['latencyP99Us', 1, null, null],
      ],
      [
        ['deliveriesPerCpuSecond', 500 / 0.12 / (500 / 0.1), 0.9, false],
        ['bytesPerDelivered', 1, 0.9, true],
        ['latencyP99Us', 1, null, null],
      ],
      [
        ['deliveriesPerCpuSecond', 1, 0.9, true],
        ['bytesPerDelivered', 1, 0.9, true],
        ['latencyP99Us', 1, null, null],
      ],
    ]);
  });

  it('meets a goal at exactly its share, and judges nothing without a ratio', () => {
    expect(meetsGoal({ efficiency: 0.9, goal: 0.9 })).toBe(true);
    expect(meetsGoal({ efficiency: 0.8999, goal: 0.9 })).toBe(false);
    expect(meetsGoal({ efficiency: null, goal: 0.9 })).toBe(null);
    expect(meetsGoal({ efficiency: 0.5, goal: null })).toBe(null);
  });

  it('says each goal missed in one sentence, on the terminal and in the report', () => {
    const finding =
      'pushbench Long polling keeps 0.83× of the efficiency of Bare long-poll loop in deliveries per second of server CPU ' +
      '(4,167 /s vs 5,000 /s) at 50 clients, below its goal of 0.90×.';
    expect(goalFindings(comparisons)).toEqual([finding]);
    const lines = peerSummaryLines(comparisons);
    expect(lines).toContain(`  goal missed: ${finding}`);
    expect(lines).toContain(
      '    deliveries per second of server CPU 0.83× [4,167 /s vs 5,000 /s] (pushbench worse; 0.83× of its efficiency, goal ≥ 0.90×: missed)',
    );
    expect(lines).toContain(
      '    bytes per delivered message (both directions) 1.09× [923.7 B vs 850.7 B] (pushbench worse; 0.92× of its efficiency, goal ≥ 0.90×: met)',
    );
    const html = peersSection([{ label: null, results: makeBareLoopResults() }]);
    expect(html).toContain('<b class="bad">0.83× of its efficiency, goal ≥ 0.90×: missed</b>');
    expect(html.match(/goal ≥ 0\.90×: met/g)).toHaveLength(5);
  });

  it('does not judge the goal on CPU when a server was too idle for its CPU to mean anything', () => {
    const results = makeBareLoopResults();
    const bare = results.runs.find((run) => run.strategy.name === 'lp-bare')!;
    // 1 % of a core while publishing.
    bare.server = { ...bare.server, publishingCpuMs: 10, publishingWindowMs: 1_000 };
    const [, longPolling] = comparePeers(results.runs);
    expect(longPolling.rows[0].withheld).toMatch(/^the server of Bare long-poll loop was busy less than/);
    expect(meetsGoal(longPolling.rows[0])).toBe(null);
    expect(goalFindings([longPolling])).toEqual([]);
  });
});

describe('verdictOf', () => {
  it('calls ratios within the tolerance on par, whichever way the measure points', () => {
    expect(toleranceText()).toBe('on par within ±5 % (±25 % for latency p99)');
    expect(verdictOf('cpuMsPerThousand', 1.05)).toBe('worse');
    expect(verdictOf('cpuMsPerThousand', 1.04)).toBe('on-par');
    expect(verdictOf('cpuMsPerThousand', 0.95)).toBe('better');
    expect(verdictOf('latencyP99Us', 1.3)).toBe('worse');
    expect(verdictOf('latencyP99Us', 1.2)).toBe('on-par');
    expect(verdictOf('latencyP99Us', 0.75)).toBe('better');
    expect(verdictOf('deliveriesPerCpuSecond', 1.05)).toBe('better');
    expect(verdictOf('deliveriesPerCpuSecond', 0.96)).toBe('on-par');
    expect(verdictOf('deliveriesPerCpuSecond', 0.95)).toBe('worse');
    expect(verdictOf('bytesPerDelivered', null)).toBe('not-comparable');
    expect(verdictOf('bytesPerDelivered', 0)).toBe('not-comparable');
  });
});

describe('pushbench polling against the same polling through express', () => {
  const comparisons = comparePeers(makeFrameworkResults().runs);

  it('pairs long and short polling with their express references, in that order', () => {
    expect(comparisons.map((c) => [c.ours.name, c.peer.name, c.problem])).toEqual([
      ['long-polling', 'express-long-polling', null],
      ['short-polling', 'express-short-polling', null],
    ]);
  });

  it('compares server CPU per delivered message and latency p99', () => {
    expect(comparisons[0].rows).toEqual([
      { metric: 'cpuMsPerThousand', ours: 240, peer: 880, ratio: 240 / 880, verdict: 'better', efficiency: 1 / (240 / 880), goal: null },
      { metric: 'latencyP99Us', ours: 6_900, peer: 9_000, ratio: 6_900 / 9_000, verdict: 'better', efficiency: 1 / (6_900 / 9_000), goal: null },
    ]);
    expect(comparisons[1].rows).toEqual([
      { metric: 'cpuMsPerThousand', ours: 620, peer: 2_480, ratio: 0.25, verdict: 'better', efficiency: 4, goal: null },
      { metric: 'latencyP99Us', ours: 991_300, peer: 1_000_000, ratio: 0.9913, verdict: 'on-par', efficiency: 1 / 0.9913, goal: null },
    ]);
  });

  it('computes what express costs per request from the run', () => {
    expect(comparisons[0].framework).toEqual({
      name: 'express',
      oursUs: 120_000 / 550,
      peerUs: 440_000 / 550,
      addedUs: 440_000 / 550 - 120_000 / 550,
    });
    expect(comparisons[1].framework).toEqual({ name: 'express', oursUs: 310, peerUs: 1_240, addedUs: 930 });
  });

  it('says in plain words what the framework costs per request', () => {
    expect(frameworkFindings(comparisons)).toEqual([
      'express adds 582 µs of server CPU per request to long polling (800 µs through express vs 218 µs on pushbench’s own path, 3.67×) at ' +
        '50 clients.',
      'express adds 930 µs of server CPU per request to short polling (1,240 µs through express vs 310 µs on pushbench’s own path, 4.00×) ' +
        'at 50 clients.',
    ]);
    expect(peerSummaryLines(comparisons).slice(-2)).toEqual(frameworkFindings(comparisons).map((f) => `  framework: ${f}`));
  });

  it('says so, rather than a negative cost, when the framework path was the cheaper one', () => {
    const results = makeFrameworkResults();
    results.runs.find((run) => run.strategy.name === 'express-short-polling')!.server.cpuMs = 300;
    expect(frameworkFindings(comparePeers(results.runs))[1]).toBe(
      'express took 10 µs less server CPU per request than pushbench’s own path for short polling (300 µs through express vs 310 µs on ' +
        'pushbench’s own path, 0.97×) at 50 clients: here pushbench’s path is the slower one.',
    );
  });

  it('withholds the cost when a run is invalid, and has none for the other peers', () => {
    const results = makeFrameworkResults();
    results.runs.find((run) => run.strategy.name === 'express-long-polling')!.messages.missed = 1;
    const [longPolling, shortPolling] = comparePeers(results.runs);
    expect(longPolling.framework).toBeNull();
    expect(shortPolling.framework).not.toBeNull();
    expect(comparePeers(makePeerResults().runs).map((c) => c.framework)).toEqual([null, null, null]);
  });
});
