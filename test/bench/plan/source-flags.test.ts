import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchOptions } from '../../../bench/plan/flags.js';
import { PRESETS } from '../../../bench/plan/presets.js';
import { scenarioValue } from '../../../results/scenario.js';
import { OWN_STRATEGY_NAMES } from '../../../bench/plan/strategies.js';
import { error, options } from './parse-args.js';

/** The source, server processes, backoff and fault of each scenario, as the bench means them (absent: the default). */
const pick = (o: BenchOptions) =>
  o.scenarios.map((s) => (['source', 'serverProcesses', 'backoff', 'restartAtSec'] as const).map((key) => scenarioValue(s, key)));

describe('the scale-out flags', () => {
  it('set the source, the server processes, the backoff and the fault on every scenario', () => {
    expect(pick(options(['--source', 'redis', '--server-processes', '2', '--backoff', 'none', '--kill-server-at', '1.5']))).toEqual([
      ['redis', 2, 'none', 1.5],
    ]);
    // --restart-at is the same fault under its older name.
    expect(pick(options(['--restart-at', '2']))).toEqual([['memory', 1, 'full-jitter', 2]]);
    // A flag at its default is written as an absent field: the scenario is the preset's own.
    expect(options(['--source', 'memory', '--server-processes', '1', '--backoff', 'full-jitter']).scenarios).toEqual(options([]).scenarios);
  });

  it('run each value of a list: memory and Redis in the same run, one and two processes', () => {
    expect(pick(options(['--source', 'memory,redis']))).toEqual([
      ['memory', 1, 'full-jitter', null],
      ['redis', 1, 'full-jitter', null],
    ]);
    expect(pick(options(['--source', 'redis', '--server-processes', '1,2', '--backoff', 'exponential,full-jitter']))).toEqual([
      ['redis', 1, 'exponential', null],
      ['redis', 1, 'full-jitter', null],
      ['redis', 2, 'exponential', null],
      ['redis', 2, 'full-jitter', null],
    ]);
  });

  it('keep --redis-url for the bench and need a Redis run for it', () => {
    expect(options(['--source', 'redis', '--redis-url', 'redis://127.0.0.1:6379']).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(options([]).redisUrl).toBeUndefined();
    expect(error(['--redis-url', 'redis://127.0.0.1:6379'])).toBe('--redis-url is where the Redis source lives: it needs --source redis');
  });

  it.each([
    [['--source', 'disk'], '--source must be memory, redis or both, comma-separated (got "disk")'],
    [['--source', 'redis,redis'], '--source must be memory, redis or both, comma-separated (got "redis,redis")'],
    [['--server-processes', '9', '--source', 'redis'], '--server-processes must be integers from 1 to 8, comma-separated (got "9")'],
    [['--server-processes', '0', '--source', 'redis'], '--server-processes must be integers from 1 to 8, comma-separated (got "0")'],
    [['--server-processes', '1.5', '--source', 'redis'], '--server-processes must be integers from 1 to 8, comma-separated (got "1.5")'],
    [['--server-processes', '2'], '--server-processes above 1 needs --source redis: with the memory source each process would keep a log of its own'],
    [
      ['--source', 'memory,redis', '--server-processes', '2'],
      '--server-processes above 1 needs --source redis: with the memory source each process would keep a log of its own',
    ],
    [['--backoff', 'linear'], '--backoff must be none, exponential, full-jitter or several, comma-separated (got "linear")'],
    [['--source', 'redis', '--redis-url', 'localhost:6379'], '--redis-url must look like redis://HOST:PORT (got "localhost:6379")'],
    [['--kill-server-at', '1', '--restart-at', '1'], '--kill-server-at and --restart-at are one option: give one'],
    [['--kill-server-at', '9'], '--kill-server-at must fall inside the schedule (before 8 s)'],
  ])('refuses %j with one exact line', (argv, line) => {
    expect(error(argv)).toBe(line);
  });
});

describe('the scale-out presets', () => {
  it('storm: 10,000 clients, the only process killed and restarted 5 s in, once per backoff policy', () => {
    const storm = options(['--preset', 'storm']);
    expect(storm.scenarios.map((s) => [s.clients, s.restartAtSec, s.serverProcesses, s.source, s.backoff])).toEqual([
      [10_000, 5, 1, 'redis', 'none'],
      [10_000, 5, 1, 'redis', 'exponential'],
      [10_000, 5, 1, 'redis', 'full-jitter'],
    ]);
    expect(storm.strategies).toEqual([...OWN_STRATEGY_NAMES]);
  });

  it('scaleout: memory and Redis with one process, Redis with two, and two with one killed, at 2,000 clients', () => {
    const scaleout = options(['--preset', 'scaleout']);
    expect(scaleout.scenarios.map((s) => [s.clients, s.source, s.serverProcesses ?? 1, s.restartAtSec])).toEqual([
      [2_000, 'memory', 1, undefined],
      [2_000, 'redis', 1, undefined],
      [2_000, 'redis', 2, undefined],
      [2_000, 'redis', 2, 3],
    ]);
    for (const scenario of PRESETS.scaleout.scenarios) expect(scenario.restartAtSec ?? 0).toBeLessThan(scenario.durationSec);
  });
});

describe('npm run bench -- --source redis without redis-server', () => {
  it('exits 2 with one line saying how to install it, before any run: no process, no report folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-no-redis-'));
    try {
      const out = join(dir, 'report');
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/cli.ts', '--source', 'redis', '--strategies', 'websocket', '--out', out],
        {
          cwd: fileURLToPath(new URL('../../..', import.meta.url)),
          env: { ...process.env, PATH: '/nonexistent' },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'pushbench: redis-server is not installed: install Redis with `sudo apt-get install redis-server` (Debian/Ubuntu; pushbench starts ' +
          'it itself), or pass --redis-url redis://HOST:PORT of a running one\n',
      );
      expect(result.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
