import { phpStackMissing } from '../../servers/stack/php-stack-host.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bench } from '../../../bench/run/harness.js';
import { prepareBenchRedis, type PreparedRedis } from '../../../bench/run/redis-service.js';
import { planRuns } from '../../../bench/plan/runs.js';
import { isValidRun, type Scenario } from '../../../results/results.js';
import { isAlive } from '../../helpers.js';

/**
 * Runs of the bench on the article's stack, end to end on the real processes: a PHP strategy on nginx and PHP-FPM
 * (its pool measured), and our WebSocket behind nginx. Counts and shapes, never a time.
 */
const BASE: Scenario = {
  clients: 6,
  ratePerSec: 4,
  durationSec: 2,
  payloadBytes: 50,
  pollIntervalMs: 300,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 5,
};

let prepared: PreparedRedis;

describe.skipIf(phpStackMissing('the article’s stack in the bench'))('the article’s stack in the bench', () => {
  beforeAll(async () => {
    prepared = await prepareBenchRedis(undefined);
  });

  afterAll(async () => {
    await prepared.stop();
  });

  it('runs PHP long polling on a pool of 2 for 6 clients: every message once, the pool full, its answers counted', { timeout: 120_000 }, async () => {
    // Published straight into the stream: through PHP, a publish would queue behind the held polls (the next test).
    const runs = planRuns([{ ...BASE, phpWorkers: 2, phpPm: 'static', publisher: 'redis' }], ['php-long-polling']);
    const bench = new Bench({ preset: 'test', command: 'vitest', runs, redis: prepared.redis });
    const results = await bench.run();
    const run = results.runs[0];
    expect(run.problems).toEqual([]);
    expect(isValidRun(run)).toBe(true);
    // Fixed arrivals: 4/s for 2 s is 8 messages, to every client once.
    expect(run.messages.published).toBe(8);
    expect(run.messages.delivered).toBe(8 * 6);
    expect(run.strategy.servedBy).toBe('php-fpm');
    expect(run.scenario.source).toBe('redis');
    const stack = run.stack!;
    expect(stack.kind).toBe('php-fpm');
    // Two workers for six waiting clients: both busy, the others queued.
    expect(stack.pool!.workers).toBe(2);
    expect(stack.pool!.busyPeak).toBe(2);
    expect(stack.pool!.queuePeak).toBeGreaterThanOrEqual(1);
    expect(stack.phpFpm!.processesPeak).toBeGreaterThanOrEqual(3);
    // nginx logged every request the clients counted, and the same bytes (checked by the run's validity too).
    expect(stack.requests).toBe(run.requests.total);
    expect(run.bytes.serverSide).toEqual({ clientToServer: run.bytes.clientToServer, serverToClient: run.bytes.serverToClient });
    expect(stack.answers['/api/long-poll']['200']).toBe(run.requests.withMessages + run.requests.empty);
    expect(stack.page!.sent).toBeGreaterThan(0);
    expect(stack.page!.answered + stack.page!.failed).toBe(stack.page!.sent);
    expect(bench.childPids.every((pid) => !isAlive(pid))).toBe(true);
  });

  it(
    'publishes through PHP’s own /api/publish by default: every publish answered once, every message delivered once',
    { timeout: 120_000 },
    async () => {
      // A pool with a worker for every waiting client and two more: the publishes never wait for one.
      const runs = planRuns([{ ...BASE, phpWorkers: 8, phpPm: 'static' }], ['php-long-polling']);
      expect(runs[0].scenario.publisher).toBe('http');
      const bench = new Bench({ preset: 'test', command: 'vitest', runs, redis: prepared.redis });
      const run = (await bench.run()).runs[0];
      expect(run.problems).toEqual([]);
      expect(run.messages.published).toBe(8);
      expect(run.messages.delivered).toBe(8 * 6);
      expect(run.publishing).toMatchObject({ publisher: 'http', planned: 8, answered: 8, failed: 0, retries: 0 });
      // PHP answered each publish once, and nginx logged it apart from the polls.
      expect(run.stack!.answers['/api/publish']).toEqual({ '202': 8 });
      expect(run.stack!.requests).toBe(run.requests.total);
    },
  );

  it('runs our WebSocket behind nginx: every message once, nginx’s cost and answers recorded', { timeout: 120_000 }, async () => {
    const runs = planRuns([{ ...BASE, proxy: 'nginx' }], ['websocket']);
    const bench = new Bench({ preset: 'test', command: 'vitest', runs, redis: prepared.redis });
    const run = (await bench.run()).runs[0];
    expect(run.problems).toEqual([]);
    expect(run.messages.delivered).toBe(8 * 6);
    const stack = run.stack!;
    expect(stack.kind).toBe('nginx-proxy');
    expect(stack.answers['/ws']).toEqual({ '101': 6 });
    expect(stack.nginx.processesPeak).toBeGreaterThanOrEqual(2);
    // nginx counts what it sends whole, upgraded or not.
    expect(run.bytes.serverSide.serverToClient).toBe(run.bytes.serverToClient);
  });
});
