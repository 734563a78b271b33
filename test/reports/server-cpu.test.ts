import { describe, expect, it } from 'vitest';
import { cpuChart } from '../../reports/charts.js';
import { costFinding } from '../../reports/judgements.js';
import { buildRuns } from '../../reports/model.js';
import { comparePeers } from '../../reports/peers.js';
import { renderReport } from '../../reports/render.js';
import { CPU_NOISE_COLOUR } from '../../reports/server-cpu.js';
import { printSummary } from '../../reports/summary.js';
import { CPU_JUDGED_SHARE, cpuJudged, perDeliveredMessage, serverBusyShare, serverCpuMs } from '../../results/metrics.js';
import type { Results, RunResult, ServerCost } from '../../results/results.js';
import { makeResults } from './fixture.js';
import { makePeerResults } from './peer-fixture.js';

/**
 * The server's CPU judged only above a load where it means something: a run's server busy less than 10 % of a
 * core above its idle baseline, over the publishing window, is greyed and compared by no verdict. Fixtures on
 * both sides of the line; the quick preset's runs sit at 2 to 6 %.
 */

/** Server figures of a 22 s window with 20 s of publishing, busy `share` of a core then, idle at 1 %. */
function busy(share: number, cpuMs: number): Partial<ServerCost> {
  return { cpuMs, windowMs: 22_000, publishingCpuMs: share * 20_000 + 0.01 * 20_000, publishingWindowMs: 20_000, idleCpuMs: 10, idleWindowMs: 1_000 };
}

function withServer(run: RunResult, server: Partial<ServerCost>): RunResult {
  return { ...run, server: { ...run.server, ...server } };
}

/** The fixture's three runs, each busy as given (share of a core above idle while publishing) with CPU as given. */
function results(shares: [number, number, number], cpuMs: [number, number, number] = [1_310, 1_220, 1_240]): Results {
  const base = makeResults();
  return { ...base, runs: base.runs.map((run, i) => withServer(run, busy(shares[i], cpuMs[i]))) };
}

describe('the idle baseline and the busy share', () => {
  it('subtracts what the idle process would have spent in the run’s window from the CPU per delivered message', () => {
    // 1,310 ms over 22 s, idle 1 % of a core: 1,310 − 220 = 1,090 ms for 500 messages.
    const run = results([0.05, 0.05, 0.05]).runs[0];
    expect(serverCpuMs(run.server)).toBeCloseTo(1_090, 9);
    expect(perDeliveredMessage(run).cpuMsPerThousand).toBeCloseTo(2_180, 9);
    // Never below zero, and as measured without a baseline.
    expect(serverCpuMs({ cpuMs: 100, windowMs: 22_000, idleCpuMs: 10, idleWindowMs: 1_000 })).toBe(0);
    expect(serverCpuMs({ cpuMs: 100, windowMs: 22_000 })).toBe(100);
  });

  it('reads how busy the server was while publishing, above idle, and judges its CPU from 10 % of a core', () => {
    expect(CPU_JUDGED_SHARE).toBe(0.1);
    const [below, at, above] = results([0.099, 0.1, 0.3]).runs;
    expect(serverBusyShare(below.server)).toBeCloseTo(0.099, 9);
    expect(cpuJudged(below)).toBe(false);
    expect(cpuJudged(at)).toBe(true);
    expect(cpuJudged(above)).toBe(true);
    // Results too old to tell (no window recorded) are taken as they are.
    expect(cpuJudged(makeResults().runs[0])).toBe(true);
  });
});

describe('verdicts on the server’s CPU', () => {
  it('below the threshold: no strategy is called dearer, and the finding says why', () => {
    expect(costFinding(results([0.053, 0.022, 0.018]))).toBe(
      'Server CPU per delivered message is not compared in these results: the server was busy less than 10 % of a core above idle while the ' +
        'messages were published in every run (the busiest, short polling, 5.3 %), so its fixed costs outweigh what delivering cost and the ' +
        'strategies differ by chance. A heavier scenario measures it, e.g. the peers preset’s 2,000 clients at 5 messages a second.',
    );
  });

  it('above it: the dearest and the cheapest, from the runs that were busy enough only', () => {
    // Short polling at 40 %, long polling at 20 %, WebSocket at 5 %: WebSocket's figure is left out.
    const finding = costFinding(results([0.4, 0.2, 0.05], [8_220, 2_220, 1_220]));
    expect(finding).toBe('Short polling cost the server the most, 16,000.0 ms of CPU per 1,000 delivered messages: 4.0× long polling’s 4,000.0 ms.');
  });

  it('the report greys the figure below it, in the tables and the chart, and says so in “How to read it”', () => {
    const mixed = results([0.4, 0.2, 0.05], [8_220, 2_220, 1_220]);
    const html = renderReport(mixed);
    expect(html).toContain(
      '<span class="noise" title="the server was busy 5.0 % of a core above idle while the messages were published, below 10 % of a core: ' +
        'its fixed costs outweigh what delivering cost, so this figure is not compared">',
    );
    expect(html).toContain('<b>Below 10 % of a core</b> above idle while the messages were published, a run’s figure is drawn grey');
    expect(html).toContain(
      'Here: Short polling 40.0 % of a core above idle · Long polling 20.0 % of a core above idle · WebSocket 5.0 % of a core above idle.',
    );
    expect(html).toContain('<b>Below it here</b>: WebSocket.');
    const colours = cpuChart(buildRuns([{ label: null, results: mixed }])).datasets[0].color as string[];
    expect(colours[0]).not.toBe(CPU_NOISE_COLOUR);
    expect(colours[2]).toBe(CPU_NOISE_COLOUR);
    // Every run below it: said plainly.
    expect(renderReport(results([0.053, 0.022, 0.018]))).toContain('<b>Every run here is below it</b>');
  });

  it('the terminal summary puts such a figure in parentheses, with a footnote', () => {
    const text = printSummary(results([0.4, 0.2, 0.05], [8_220, 2_220, 1_220]), '/r.html');
    const rows = text.split('\n').slice(3, 6);
    expect(rows[0]).toMatch(/ 16,000\.0 +0\/0\/0$/);
    expect(rows[2]).toMatch(/ \(2,000\.0\) +0\/0\/0$/);
    expect(text).toContain('(CPU): the server was busy less than 10 % of a core above idle while publishing: fixed costs dominate, not compared.');
    expect(printSummary(results([0.4, 0.2, 0.3]), '/r.html')).not.toContain('(CPU)');
  });

  it('a peer comparison withholds its CPU ratios when either server was too idle, and keeps the others', () => {
    const peers = makePeerResults();
    const before = comparePeers(peers.runs)[0];
    const byName = (name: string) => peers.runs.find((run) => run.strategy.name === name)!;
    const [ours, peer] = [byName(before.ours.name), byName(before.peer.name)];
    const judged = before.rows.filter((row) => row.ratio !== null).length;
    expect(before.rows.some((row) => row.metric === 'deliveriesPerCpuSecond' || row.metric === 'cpuMsPerThousand')).toBe(true);
    Object.assign(ours.server, busy(0.04, ours.server.cpuMs));
    Object.assign(peer.server, busy(0.5, peer.server.cpuMs));
    const [comparison] = comparePeers(peers.runs);
    for (const row of comparison.rows) {
      const cpu = row.metric === 'deliveriesPerCpuSecond' || row.metric === 'cpuMsPerThousand';
      expect(row.withheld, row.metric).toBe(cpu ? `the server of ${ours.strategy.title} was busy less than 10 % of a core above idle` : undefined);
      if (cpu) expect(row.verdict).toBe('not-comparable');
    }
    expect(comparison.rows.filter((row) => row.ratio !== null).length).toBeLessThan(judged);
  });
});
