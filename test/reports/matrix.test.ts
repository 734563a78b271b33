import { describe, expect, it } from 'vitest';
import type { CapacityResult, Results, RunResult, Scenario } from '../../results/results.js';
import type { ChartSpec } from '../../reports/charts.js';
import { buildRuns } from '../../reports/model.js';
import { renderReport } from '../../reports/render.js';
import { fmtBitsPerSec, throughputCell } from '../../reports/scale-section.js';
import { findSweeps, sweepCharts } from '../../reports/sweeps.js';
import { capacityFigures, capacityProbe, longPollingRun, makeResults, SCENARIO, shortPollingRun, webSocketRun } from './fixture.js';

function charts(html: string): ChartSpec[] {
  const match = /<script type="application\/json" id="pushbench-charts">([^<]*)<\/script>/.exec(html);
  return JSON.parse(match![1]) as ChartSpec[];
}

/** A run of `make` in `scenario`, with a steady window of 10 s moving `bytesPerSec` (a fifth of it up) and `requestsPerSec`. */
function runAt(make: () => RunResult, scenario: Partial<Scenario>, bytesPerSec: number, requestsPerSec: number): RunResult {
  const run = make();
  run.scenario = { ...run.scenario, ...scenario };
  run.steady = { windowMs: 10_000, bytesClientToServer: bytesPerSec * 2, bytesServerToClient: bytesPerSec * 8, requests: requestsPerSec * 10 };
  run.server = { ...run.server, publishingCpuMs: 2_500, publishingWindowMs: 10_000 };
  return run;
}

function results(runs: RunResult[], capacity?: CapacityResult[]): Results {
  return { ...makeResults(), runs, ...(capacity && { capacity }) };
}

describe('sweeps', () => {
  const star = [
    runAt(webSocketRun, {}, 1_000, 0),
    runAt(webSocketRun, { clients: 500 }, 10_000, 0),
    runAt(webSocketRun, { delayMs: 50 }, 1_000, 0),
    runAt(webSocketRun, { delayMs: 100 }, 1_000, 0),
    runAt(shortPollingRun, {}, 3_000, 50),
    runAt(shortPollingRun, { clients: 500 }, 30_000, 500),
  ];

  it('finds one sweep per factor through the base scenario', () => {
    const sweeps = findSweeps(buildRuns([{ label: null, results: results(star) }]));
    expect(sweeps.map((s) => [s.field, s.runs.length])).toEqual([
      ['clients', 4],
      // The base runs of both strategies are on every line.
      ['delayMs', 4],
    ]);
    expect(sweeps[0].base).toEqual(SCENARIO);
  });

  it('draws a sweep as lines against a numeric axis, one per strategy, in x order', () => {
    const [clients] = findSweeps(buildRuns([{ label: null, results: results(star) }]));
    const specs = sweepCharts(clients);
    expect(specs.map((s) => s.id)).toEqual([
      'chart-sweep-clients-bandwidth',
      'chart-sweep-clients-requests',
      'chart-sweep-clients-p99',
      'chart-sweep-clients-cpu',
    ]);
    const bandwidth = specs[0];
    expect(bandwidth.x).toEqual({ title: 'clients (log scale)', unit: '', log: true });
    // bytes/s = (up + down) / window = (2 + 8) × bytesPerSec / 10 s
    expect(bandwidth.datasets.map((d) => [d.label, d.xy])).toEqual([
      [
        'WebSocket',
        [
          { x: 50, y: 1_000 },
          { x: 500, y: 10_000 },
        ],
      ],
      [
        'Short polling',
        [
          { x: 50, y: 3_000 },
          { x: 500, y: 30_000 },
        ],
      ],
    ]);
    expect(specs[3].datasets[0].xy).toEqual([
      { x: 50, y: 25 },
      { x: 500, y: 25 },
    ]);
  });

  it('labels each run of a sweep with what sets its scenario apart', () => {
    const labels = buildRuns([{ label: null, results: results(star) }]).map((r) => r.label);
    expect(labels).toEqual([
      'WebSocket · base',
      'WebSocket · 500 clients',
      'WebSocket · delay 50 ms',
      'WebSocket · delay 100 ms',
      'Short polling · base',
      'Short polling · 500 clients',
    ]);
  });

  it('renders the sweeps and the network model, and keeps the claim charts to the base scenario', () => {
    const html = renderReport(results(star));
    const ids = charts(html).map((c) => c.id);
    expect(ids.slice(0, 7)).toEqual([
      'chart-latency',
      'chart-requests',
      'chart-held-1',
      'chart-held-2',
      'chart-connections',
      'chart-bytes',
      'chart-cpu',
    ]);
    expect(ids).toContain('chart-network-model');
    expect(ids).toContain('chart-sweep-delayMs-p99');
    expect(charts(html).find((c) => c.id === 'chart-cpu')!.labels).toEqual(['WebSocket · base', 'Short polling · base']);
    expect(html).toContain('The sections on the article’s claims show the first scenario of these results (base)');
    const model = charts(html).find((c) => c.id === 'chart-network-model')!;
    expect(model.labels).toEqual(['WebSocket · delay 50 ms', 'WebSocket · delay 100 ms']);
    expect(model.datasets.find((d) => d.label === 'model p50')!.data).toEqual([50, 100]);
  });

  it('leaves a single-scenario report as it was', () => {
    const html = renderReport(makeResults());
    expect(charts(html).map((c) => c.id)).toEqual([
      'chart-latency',
      'chart-requests',
      'chart-held-1',
      'chart-held-2',
      'chart-held-3',
      'chart-connections',
      'chart-bytes',
      'chart-cpu',
    ]);
    expect(html).not.toContain('id="sweeps"');
    expect(html).not.toContain('id="network-model"');
  });
});

describe('the websocket.org-style throughput table', () => {
  const scale = [100, 1_000, 10_000].map((clients) => runAt(longPollingRun, { clients, ratePerSec: 1 }, clients * 40, clients));

  it('uses the run at that size when there is one, and scales the largest run per client otherwise', () => {
    const runs = scale;
    expect(throughputCell(runs, 1_000)).toEqual({ bytesPerSec: 40_000, measured: true, from: 1_000 });
    expect(throughputCell(runs, 10_000)).toEqual({ bytesPerSec: 400_000, measured: true, from: 10_000 });
    // 10,000 clients moved 400,000 B/s: 40 B/s each, × 100,000
    expect(throughputCell(runs, 100_000)).toEqual({ bytesPerSec: 4_000_000, measured: false, from: 10_000 });
    expect(throughputCell([runAt(longPollingRun, { ratePerSec: 2 }, 1, 1)], 1_000)).toBeNull();
  });

  it('shows megabits per second and marks every cell measured or extrapolated', () => {
    expect(fmtBitsPerSec(40_000_000)).toBe('320.0 Mbit/s');
    expect(fmtBitsPerSec(400_000)).toBe('3.2 Mbit/s');
    expect(fmtBitsPerSec(125_000_000_000 / 1000)).toBe('1.00 Gbit/s');
    const html = renderReport(results(scale));
    const table = /id="throughput">([\s\S]*?)<\/section>/.exec(html)![1];
    expect(table).toContain('320.0 kbit/s<div><span class="tag">measured</span></div>');
    expect(table).toContain('3.2 Mbit/s<div><span class="tag">measured</span></div>');
    expect(table).toContain('32.0 Mbit/s<div><span class="tag">extrapolated from 10,000</span></div>');
    expect(html).toContain('id="scale"');
  });
});

describe('the scale table', () => {
  it('gives each run’s bottleneck with its reason, worded by the report, as the cell’s title', () => {
    const scale = [100, 1_000, 10_000].map((clients) => runAt(longPollingRun, { clients, ratePerSec: 1 }, clients * 40, clients));
    scale[2].bottleneck = {
      verdict: 'load-generator',
      reason: { code: 'generator-loop-late', processes: [{ process: { kind: 'client', number: 4 }, eventLoopDelayP99Us: 61_000 }] },
    };
    const scaleSection = /id="scale"([\s\S]*?)<\/section>/.exec(renderReport(results(scale)))![1];
    expect(scaleSection).toContain(
      '<span title="the load generator ran its timers late (event-loop delay p99: client process 4 61 ms), which adds to the latencies it ' +
        'measured">' +
        '<span class="bad">load generator</span></span>',
    );
  });
});

describe('the capacity section', () => {
  const probe = capacityProbe(
    'short-poll',
    capacityFigures(3_000, {
      serverCpuShare: 0.75,
      latencyUs: { p50: 15_000, p90: 30_000, p99: 45_000, max: 90_000, mean: 16_000 },
      loadGeneratorCpuShare: 0.6,
    }),
  );

  it('turns the empty-poll rate into short-polling clients per core, next to the push runs’ clients per core', () => {
    const ws = runAt(webSocketRun, { clients: 10_000, ratePerSec: 1 }, 1, 0);
    ws.messages = { ...ws.messages, delivered: 100_000 };
    ws.server = { ...ws.server, publishingCpuMs: 2_000 };
    const html = renderReport(results([ws], [probe]));
    // 3,000 req/s at 75 % of a core = 4,000 per core-second; every 1,000 ms → 4,000 clients
    expect(html).toContain('<b>Short polling every 1,000 ms:</b> 4,000 clients per core');
    // 100,000 messages for 2 s of CPU: 50,000 a second, one per client per second
    expect(html).toContain('<b>WebSocket:</b> 50,000 clients per core at one message a second each');
    // A probe written before floors were probed: no floor, no ratio.
    expect(html).toContain(
      '<td class="num">3,000</td><td class="num">—</td><td class="num">—</td><td class="num">15.0</td><td class="num">45.0</td>',
    );
  });

  it('renders a capacity-only results file without the "no runs" banner', () => {
    const html = renderReport(results([], [probe]));
    expect(html).toContain('Capacity of the HTTP endpoints');
    expect(html).not.toContain('These results contain no runs.');
  });
});
