import { describe, expect, it } from 'vitest';
import { buildRuns } from '../../reports/model.js';
import { recoverySection } from '../../reports/recovery-section.js';
import { scaleOutSection } from '../../reports/scale-out-section.js';
import { scaleOutLines } from '../../reports/summary-scale-out.js';
import type { RecoveryOutcome, Results, RunResult } from '../../results/results.js';
import { makeResults, webSocketRun } from './fixture.js';

function withRuns(runs: RunResult[]): Results {
  return { ...makeResults(), runs };
}

function context(results: Results) {
  const sets = [{ label: null, results }];
  const runs = buildRuns(sets);
  return { sets, runs, claimRuns: runs };
}

/** The same WebSocket run on the memory source, on Redis with one process, and on Redis with two. */
function sourcesAndProcesses(): RunResult[] {
  const memory = webSocketRun();
  const redis = webSocketRun();
  redis.scenario = { ...redis.scenario, source: 'redis', serverProcesses: 1 };
  redis.latencyUs = { ...redis.latencyUs, p50: 1_350, p99: 2_720 };
  redis.server = { ...redis.server, cpuMs: 100 };
  redis.broker = { published: 10, redisCpuMs: 4, bytesToRedis: 3_000, bytesFromRedis: 2_000 };
  const two = webSocketRun();
  two.scenario = { ...two.scenario, source: 'redis', serverProcesses: 2 };
  two.server = { ...two.server, cpuMs: 125 };
  two.broker = { published: 10, redisCpuMs: 5, bytesToRedis: 3_500, bytesFromRedis: 4_000 };
  return [memory, redis, two];
}

function outcome(p95: number | null, overflows: number | null, peak: number): RecoveryOutcome {
  return {
    processes: 1,
    affectedClients: 50,
    reattachMs: { p50: 100, p95, p100: p95 },
    firstMessageMs: { p50: 120, p95: 900, p100: 950 },
    reconnectAttempts: 75,
    peakAcceptPerSec: peak,
    listenOverflows: overflows,
    listenDrops: overflows,
    curve: [
      [0, 0],
      [100, 25],
      [200, 50],
    ],
    serverTimeline: [
      [-1000, 2, 0],
      [0, 40, 30],
      [100, 60, 20],
    ],
  };
}

describe('the Scale-out section', () => {
  it('is absent when no run used the Redis source', () => {
    expect(scaleOutSection(context(makeResults())).html).toBe('');
  });

  it('puts memory and Redis latency side by side with the hop, the broker’s cost per message, and deliveries per CPU-second', () => {
    const section = scaleOutSection(context(withRuns(sourcesAndProcesses())));
    const html = section.html;
    // p50 0.35 → 1.35 ms: the hop is +1.00 ms; p99 1.72 → 2.72 ms.
    expect(html).toContain('<td class="num">0.35</td><td class="num">1.35</td><td class="num">+1.00</td>');
    expect(html).toContain('<td class="num">1.72</td><td class="num">2.72</td><td class="num">+1.00</td>');
    // Redis CPU 4 ms for 10 messages = 400 ms per 1,000; 3,000 B to and 2,000 B from Redis for 10 = 300 / 200 / 500 B.
    expect(html).toContain('<td class="num">400.0</td><td class="num">300</td><td class="num">200</td><td class="num">500</td>');
    // 500 deliveries: 100 ms of CPU = 5,000 / s with one process, 125 ms = 4,000 / s with two, ratio 0.80.
    expect(html).toContain('<td class="num">1 → 2</td><td class="num">5,000</td><td class="num">4,000</td>');
    expect(html).toContain('0.80×');
    expect(html).toContain('They cannot show');
    expect(html).toContain('the same 2 cores');
    const chart = section.charts[0];
    expect(chart.id).toBe('chart-scale-out-latency');
    expect(chart.datasets.map((d) => d.data)).toEqual([[0.35], [1.35]]);
  });
});

describe('the recovery section', () => {
  it('is absent without a fault run', () => {
    expect(recoverySection(context(makeResults())).html).toBe('');
  });

  it('tables each fault run, says what each backoff policy costs against full jitter, and draws curve, accepts and CPU', () => {
    const jitter = webSocketRun();
    jitter.scenario = { ...jitter.scenario, restartAtSec: 5, backoff: 'full-jitter' };
    jitter.recovery = outcome(400, 0, 300);
    const none = webSocketRun();
    none.scenario = { ...none.scenario, restartAtSec: 5, backoff: 'none' };
    none.recovery = outcome(1_150, 12, 900);
    const section = recoverySection(context(withRuns([none, jitter])));
    expect(section.html).toContain(
      '<b>WebSocket</b>, none against full jitter: 95 % attached again after 1,150 ms against 400 ms (750 ms later); peak accept rate 900/s ' +
        'against 300/s; 75 reconnect attempts against 75; 12 listen-queue overflows against 0.',
    );
    expect(section.charts.map((c) => c.id)).toEqual(['chart-recovery-websocket', 'chart-recovery-accepts-websocket', 'chart-recovery-cpu-websocket']);
    // 25 of 50 affected clients back after 100 ms is 50 %; 30 accepts in a 100 ms bucket are 300 per second.
    expect(section.charts[0].datasets[0].xy).toEqual([
      { x: 0, y: 0 },
      { x: 100, y: 50 },
      { x: 200, y: 100 },
    ]);
    expect(section.charts[1].datasets[0].xy).toEqual([
      { x: -1000, y: 0 },
      { x: 0, y: 300 },
      { x: 100, y: 200 },
    ]);
    expect(section.charts[2].datasets[0].xy!.map((p) => p.y)).toEqual([2, 40, 60]);
    expect(section.charts[0].datasets.map((d) => d.label)).toEqual(['backoff none', 'backoff full-jitter']);
  });

  it('says "never" for a share of clients that did not come back, and "not exposed" for missing kernel counters', () => {
    const run = webSocketRun();
    run.scenario = { ...run.scenario, restartAtSec: 5 };
    run.recovery = outcome(null, null, 10);
    const html = recoverySection(context(withRuns([run]))).html;
    expect(html).toContain('<td class="num">never</td>');
    expect(html).toContain('not exposed');
    expect(scaleOutLines([run])[0]).toBe(
      'RECOVERY websocket: 50 of 50 clients affected; attached again 50/95/100 % 100/never/never ms, a message again 120/900/950 ms after ' +
        'the kill; 75 reconnect attempts, peak 10 accepts/s, listen-queue overflows not exposed',
    );
  });
});
