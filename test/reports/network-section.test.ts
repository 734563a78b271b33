import { describe, expect, it } from 'vitest';
import { kernelNetworkLines } from '../../reports/summary.js';
import { renderReport } from '../../reports/render.js';
import { judgeExactlyOnce, judgeModelRtt, judgeTailGrowth, judgeTailUnderLoss, lossSeries } from '../../reports/loss-judgements.js';
import type { Results, RunResult } from '../../results/results.js';
import { longPollingRun, makeResults, webSocketRun } from './fixture.js';

/** A run over the kernel network at `loss` %, 50 ms each way, with its tail and TCP's figures. */
function lossy(base: () => RunResult, loss: number, p99Ms: number, retransmitted: number, rttMs = 103): RunResult {
  const run = base();
  run.scenario = { ...run.scenario, delayMs: 50, network: 'kernel', ...(loss > 0 && { lossPercent: loss }) };
  run.latencyUs = { ...run.latencyUs, p50: 52_000, p99: p99Ms * 1000, p999: p99Ms * 1500 };
  run.kernelNetwork = {
    modelRttMs: 100,
    tcpRttMs: { median: rttMs, min: rttMs - 1, max: rttMs + 2, connections: 50 },
    tcpMinRttMs: { median: rttMs - 2, min: rttMs - 2.5, max: rttMs, connections: 50 },
    retransmittedSegments: { serverToClient: retransmitted, clientToServer: Math.round(retransmitted / 2) },
    segmentsSent: { serverToClient: 10_000, clientToServer: 10_000 },
  };
  return run;
}

/** Long polling and WebSocket at 0, 1 and 5 % loss; at 5 % long polling's p99 is `longP99At5` ms against WebSocket's 400 ms. */
function results(longP99At5: number): Results {
  const runs = [
    lossy(longPollingRun, 0, 60, 0),
    lossy(longPollingRun, 1, 160, 150),
    lossy(longPollingRun, 5, longP99At5, 900),
    lossy(webSocketRun, 0, 55, 0, 101),
    lossy(webSocketRun, 1, 250, 80),
    lossy(webSocketRun, 5, 400, 500),
  ];
  return { ...makeResults(), runs };
}

const sectionText = (html: string) => {
  const start = html.indexOf('id="network"');
  return start < 0
    ? ''
    : html
        .slice(start, html.indexOf('</section>', start))
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
};

describe('Under loss and over TLS', () => {
  it('is drawn only from runs over the kernel network', () => {
    expect(renderReport(makeResults())).not.toContain('Under loss and over TLS');
  });

  it('groups the runs that differ only in loss, each strategy’s at every loss in turn', () => {
    const [series, ...others] = lossSeries(results(300).runs);
    expect(others).toEqual([]);
    expect(series.losses).toEqual([0, 1, 5]);
    expect(series.strategies.map((s) => [s.name, s.runs.map((r) => r?.latencyUs.p99)])).toEqual([
      ['long-polling', [60_000, 160_000, 300_000]],
      ['websocket', [55_000, 250_000, 400_000]],
    ]);
  });

  it('says plainly when long polling beats WebSocket at the tail under loss', () => {
    const [series] = lossSeries(results(300).runs);
    expect(judgeTailUnderLoss(series)).toEqual({
      verdict: 'shown',
      finding:
        'Long polling beats WebSocket at the tail under 5 % loss: p99 300.0 ms, p99.9 450.0 ms against WebSocket’s p99 400.0 ms, p99.9 600.0 ms. ' +
        'One lost segment on a WebSocket holds every message behind it until TCP resends it; a poll’s loss delays only that poll.',
    });
  });

  it('and when WebSocket keeps the shorter tail', () => {
    const [series] = lossSeries(results(700).runs);
    const judged = judgeTailUnderLoss(series);
    expect(judged.verdict).toBe('not-shown');
    expect(judged.finding).toMatch(
      /^WebSocket keeps the shorter tail under 5 % loss: p99 400.0 ms, p99.9 600.0 ms against long polling’s p99 700.0 ms/,
    );
  });

  it('says how each strategy’s p99 grows with loss, and what TCP retransmitted', () => {
    const [series] = lossSeries(results(300).runs);
    expect(judgeTailGrowth(series.strategies[1], series.losses)).toBe(
      'WebSocket: p99 55.0 ms at 0 % loss, 400.0 ms at 5 % (7.3×); 750 segments retransmitted at 5 %.',
    );
  });

  it('judges exactly-once over every run, and names the runs that broke it', () => {
    const all = results(300).runs;
    expect(judgeExactlyOnce(all)).toEqual({
      verdict: 'shown',
      finding: 'Every client of all 6 runs received every message exactly once, in order: 3,000 deliveries.',
    });
    all[5].messages = { ...all[5].messages, missed: 2, delivered: all[5].messages.delivered - 2 };
    all[5].problems = [{ code: 'messages-missed', count: 2, clients: 1, examples: [] } as unknown as RunResult['problems'][number]];
    expect(judgeExactlyOnce(all)).toMatchObject({ verdict: 'not-shown', finding: expect.stringContaining('WebSocket at 5 % loss') as unknown });
  });

  it('measures TCP’s round trip against the model’s over the runs without loss', () => {
    expect(judgeModelRtt(results(300).runs)).toEqual({
      verdict: 'shown',
      finding:
        'TCP’s least round trip per connection was 99.0–101.0 ms (median per run, 2 runs without loss) against the model’s 100 ms: at most ' +
        '1.0 % above it; its smoothed round trip, which adds the receivers’ delayed acknowledgements and the processes’ queues, 101.0–103.0 ms.',
    });
    const rtt = (median: number) => ({ median, min: median - 1, max: median + 1, connections: 5 });
    const slow = results(300).runs.map((r) => ({ ...r, kernelNetwork: { ...r.kernelNetwork!, tcpMinRttMs: rtt(130) } }));
    expect(judgeModelRtt(slow).verdict).toBe('not-shown');
    // A file without the least RTT is judged on the smoothed one.
    const older = results(300).runs.map((r) => ({ ...r, kernelNetwork: { ...r.kernelNetwork!, tcpMinRttMs: undefined, tcpRttMs: rtt(104) } }));
    expect(judgeModelRtt(older)).toEqual({
      verdict: 'shown',
      finding:
        'TCP measured a smoothed round trip of 104.0–104.0 ms (median per run, 2 runs without loss) against the model’s 100 ms: at most 4.0 % above it.',
    });
  });

  it('puts the table and the verdicts in the report', () => {
    const text = sectionText(renderReport(results(300)));
    expect(text).toContain('Under loss and over TLS');
    // Strategy, loss, p50, p99, p99.9, retransmitted each way (share of segments sent), TCP RTT against the model, delivered · m/d/o.
    expect(text).toContain(
      'Long polling 0 % 52.0 60.0 90.0 0 · 0 (0.0 %) 103.0 · 101.0 / 100 500 · 0/0/0 1 % 52.0 160.0 240.0 150 · 75 (1.1 %) 103.0 · 101.0 / 100 ' +
        '500 · 0/0/0 5 % 52.0 300.0 450.0 900 · 450 (6.8 %) 103.0 · 101.0 / 100 500 · 0/0/0 WebSocket 0 %',
    );
    expect(text).toContain('Long polling: p99 60.0 ms at 0 % loss, 300.0 ms at 5 % (5.0×); 1,350 segments retransmitted at 5 %.');
    expect(text).toContain('Long polling beats WebSocket at the tail under 5 % loss');
    expect(text).toContain('Every client of all 6 runs received every message exactly once, in order');
  });
});

describe('kernelNetworkLines (the terminal summary)', () => {
  it('gives each strategy’s retransmissions each way, their share of the segments sent, and TCP’s RTT against the model', () => {
    const runs = results(300).runs.filter((run) => run.scenario.lossPercent === 5);
    expect(kernelNetworkLines(runs)).toEqual([
      'TCP (kernel network): segments retransmitted server→client · client→server (share of those sent); RTT smoothed · least, ms, model 100',
      '  long-polling: 900 · 450 (6.8 %); RTT 103.0 · 101.0',
      '  websocket: 500 · 250 (3.8 %); RTT 103.0 · 101.0',
    ]);
    expect(kernelNetworkLines(makeResults().runs)).toEqual([]);
  });
});
