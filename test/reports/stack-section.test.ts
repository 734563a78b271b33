import { describe, expect, it } from 'vitest';
import type { PoolRecord, Results, RunResult, StackRecord } from '../../results/results.js';
import { servingCost } from '../../results/stack-metrics.js';
import { renderReport } from '../../reports/render.js';
import { judgeWorkerPool } from '../../reports/stack-judgement.js';
import { stackLines } from '../../reports/summary-stack.js';
import { longPollingRun, makeResults, webSocketRun } from './fixture.js';

/** A summary of latencies in µs, all at one value but the p99. */
function latency(p50: number, p99 = p50) {
  return { p50, p90: p50, p99, p999: p99, max: p99, mean: p50, count: 40 };
}

const HISTOGRAM = 'HISTFAAAACl4nJNpmSzMwMDAwQABzFCaEUzOmnq+u8H+A0QEAGgKBR4=';

/** A PHP long-polling run of `clients` on `workers`, whose page probe waited `pageP50Us` at the median. */
function phpRun(workers: number, clients: number, pageP50Us: number, pool: Partial<PoolRecord> = {}): RunResult {
  const run = longPollingRun();
  const stack: StackRecord = {
    kind: 'php-fpm',
    nginx: { cpuMs: 40, peakRssBytes: 20 * 2 ** 20, peakPssBytes: 8 * 2 ** 20, processesPeak: 3 },
    phpFpm: { cpuMs: 160, peakRssBytes: 100 * 2 ** 20, peakPssBytes: 30 * 2 ** 20, processesPeak: workers + 2 },
    memorySamples: [[0, 20 * 2 ** 20, 40 * 2 ** 20]],
    pool: {
      workers,
      pm: 'dynamic',
      samples: [
        [0, 0, 2, 0],
        [250, workers, 0, clients - workers],
      ],
      busyPeak: workers,
      queuePeak: Math.max(0, clients - workers),
      maxChildrenReached: 1,
      ...pool,
    },
    answers: { '/api/long-poll': { '200': 550, '504': 3 }, '/page': { '200': 40 }, '/api/publish': { '202': 10 } },
    requests: 553,
    gatewayErrors: [[61_000, 504, '/api/long-poll']],
    page: {
      path: '/page',
      intervalMs: 250,
      sent: 40,
      answered: 40,
      failed: 0,
      latencyUs: latency(pageP50Us, pageP50Us * 2),
      latencyHistogram: HISTOGRAM,
      samples: [],
    },
    publishes: { byStatus: { '202': 10 }, latencyUs: latency(3_000, 7_000) },
    readTimeoutSec: 60,
  };
  return {
    ...run,
    strategy: {
      name: 'php-long-polling',
      title: 'PHP long polling',
      direction: 'pull',
      connection: 'held-request',
      claim: 'C2',
      servedBy: 'php-fpm',
    },
    scenario: { ...run.scenario, clients, source: 'redis', ...(workers !== 5 && { phpWorkers: workers }) },
    server: { ...run.server, cpuMs: 200 },
    stack,
  };
}

function results(...runs: RunResult[]): Results {
  return { ...makeResults(), runs };
}

describe('the pool’s verdict', () => {
  it('is shown when a full pool made the page wait 10× as long as with workers to spare, naming the numbers', () => {
    const judged = judgeWorkerPool(results(phpRun(5, 20, 3_000_000), phpRun(40, 20, 1_400)))!;
    expect(judged.verdict).toBe('shown');
    expect(judged.finding).toBe(
      'With 20 clients waiting on 5 PHP workers, 5 were busy at once and up to 15 requests queued for one: an ordinary page of the site ' +
        'took 3,000.0 ms at the median and 6,000.0 ms at p99, against 1.40 ms with 40 workers for 20 clients. Deliveries: p99 6.90 ms against ' +
        '6.90 ms with workers to spare. Publishes through PHP took 7.00 ms at p99, as nginx saw them. nginx answered 3 × 504. The page ' +
        'waited 2,143× as long: for a worker.',
    );
  });

  it('is not shown when every waiting client had a worker', () => {
    const judged = judgeWorkerPool(results(phpRun(40, 20, 1_400)))!;
    expect(judged.verdict).toBe('not-shown');
    expect(judged.finding).toContain('No run had more waiting clients than its pool could hold');
  });

  it('is not shown when the pool ran full but the page hardly waited, and absent without a PHP run', () => {
    expect(judgeWorkerPool(results(phpRun(5, 20, 2_000), phpRun(40, 20, 1_400)))!.verdict).toBe('not-shown');
    expect(judgeWorkerPool(results(longPollingRun()))).toBeNull();
  });

  it('is not measured when every PHP run is invalid', () => {
    const invalid = { ...phpRun(5, 20, 3_000_000), problems: [{ code: 'not-measured' as const, reason: 'x' }] };
    expect(judgeWorkerPool(results(invalid))!.verdict).toBe('not-measured');
  });
});

describe('what serving a client costs', () => {
  it('adds nginx in front to our server, and takes a PHP run’s stack as its server', () => {
    const fronted = { ...webSocketRun(), stack: { ...phpRun(5, 20, 1).stack!, kind: 'nginx-proxy' as const, phpFpm: undefined, pool: undefined } };
    const cost = servingCost(fronted);
    expect(cost.cpuMs).toBe(fronted.server.cpuMs + 40);
    expect(cost.peakRssBytes).toBe(fronted.server.peakRssBytes + 20 * 2 ** 20);
    const php = servingCost(phpRun(5, 20, 1));
    expect(php.cpuMs).toBe(200);
    expect(php.peakPssBytes).toBe(38 * 2 ** 20);
    expect(php.cpuMsPerClient).toBe(10);
    // Every request nginx logged: 553 long polls, 40 pages, 10 publishes.
    expect(php.cpuUsPerRequest).toBeCloseTo((200 * 1000) / 603, 6);
  });
});

describe('the report and the summary', () => {
  it('draw the section with C2 beside the verdict, the pool over time, latency by workers and the 504s', () => {
    const html = renderReport(results(phpRun(5, 20, 3_000_000), phpRun(40, 20, 1_400)));
    expect(html).toContain('<h2>The article’s stack: workers held by waiting</h2>');
    expect(html).toContain('<span class="claim-id">C2</span> The article:');
    expect(html).toContain('<span class="verdict-tag">Shown</span> With 20 clients waiting on 5 PHP workers');
    for (const id of ['chart-pool-1', 'chart-pool-2', 'chart-pool-latency', 'chart-gateway-errors']) expect(html).toContain(`id="${id}"`);
    expect(renderReport(results(longPollingRun()))).not.toContain('workers held by waiting');
  });

  it('print a STACK line per PHP run and the verdict', () => {
    const lines = stackLines(results(phpRun(5, 20, 3_000_000)));
    expect(lines[0]).toBe(
      'STACK php-long-polling: 5 workers (dynamic); busy peak 5, queued peak 15; page p50 3,000.0 ms p99 6,000.0 ms (40/40 answered); publish p99 ' +
        '7.00 ms; 502 ×0, 504 ×3; CPU 332 µs/request; RSS nginx 20.0 MiB, PHP-FPM 100.0 MiB',
    );
    expect(lines[1]).toMatch(/^workers held by waiting \(C2\): Shown\. With 20 clients waiting on 5 PHP workers/);
  });
});
