import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PUBLISH_GIVE_UP_MS, runBudgets } from '../../../bench/plan/budgets.js';
import { PRESETS } from '../../../bench/plan/presets.js';
import { planRuns } from '../../../bench/plan/runs.js';
import { scenarioValue } from '../../../results/scenario.js';
import { error, options } from './parse-args.js';

const publishers = (argv: string[]) => options(argv).scenarios.map((s) => [scenarioValue(s, 'source'), scenarioValue(s, 'publisher')]);

describe('--publisher', () => {
  it('is in-process unless a flag says otherwise, written as an absent field', () => {
    expect(publishers([])).toEqual([['memory', 'in-process']]);
    expect(options(['--publisher', 'in-process']).scenarios).toEqual(options([]).scenarios);
    expect(options(['--publisher', 'http']).scenarios[0].publisher).toBe('http');
  });

  it('runs each publisher of a list, as a matrix with the source', () => {
    expect(publishers(['--publisher', 'in-process,http'])).toEqual([
      ['memory', 'in-process'],
      ['memory', 'http'],
    ]);
    expect(publishers(['--source', 'redis', '--publisher', 'http,redis'])).toEqual([
      ['redis', 'http'],
      ['redis', 'redis'],
    ]);
  });

  it.each([
    [['--publisher', 'php'], '--publisher must be in-process, http, redis or several, comma-separated (got "php")'],
    [['--publisher', 'redis'], '--publisher redis writes straight into the Redis stream the servers read: it needs --source redis'],
    [
      ['--source', 'memory,redis', '--publisher', 'redis'],
      '--publisher redis writes straight into the Redis stream the servers read: it needs --source redis',
    ],
    [
      ['--publisher', 'http', '--kill-server-at', '2'],
      "--publisher http runs without a server kill (--kill-server-at): a fault run's record of what was published is the server's own",
    ],
    [
      ['--publisher', 'in-process,http', '--restart-at', '2'],
      "--publisher http runs without a server kill (--restart-at): a fault run's record of what was published is the server's own",
    ],
  ])('refuses %j with one exact line', (argv, line) => {
    expect(error(argv)).toBe(line);
  });

  it('publishes through PHP for a PHP strategy unless --publisher redis says straight into the stream', () => {
    const runs = (argv: string[]) =>
      planRuns(options(argv).scenarios, ['php-long-polling', 'long-polling']).map(({ strategy, scenario }) => [
        strategy,
        scenarioValue(scenario, 'source'),
        scenarioValue(scenario, 'publisher'),
      ]);
    expect(runs([])).toEqual([
      ['php-long-polling', 'redis', 'http'],
      ['long-polling', 'memory', 'in-process'],
    ]);
    expect(runs(['--publisher', 'http'])).toEqual([
      ['php-long-polling', 'redis', 'http'],
      ['long-polling', 'memory', 'http'],
    ]);
    expect(options(['--strategies', 'php-long-polling', '--publisher', 'redis']).strategies).toEqual(['php-long-polling']);
    expect(runs(['--source', 'redis', '--publisher', 'redis'])).toEqual([
      ['php-long-polling', 'redis', 'redis'],
      ['long-polling', 'redis', 'redis'],
    ]);
    expect(error(['--strategies', 'php-long-polling,long-polling', '--publisher', 'redis'])).toBe(
      '--publisher redis writes straight into the Redis stream the servers read: it needs --source redis',
    );
  });

  it('gives a publish behind a pool of PHP workers three of nginx’s read timeouts, each attempt one and a margin', () => {
    const quick = PRESETS.quick.scenarios[0];
    expect(runBudgets({ ...quick, publisher: 'http' }, true).publish).toEqual({ attemptTimeoutMs: 70_000, giveUpMs: 210_000 });
    expect(runBudgets({ ...quick, publisher: 'http', nginxReadTimeoutSec: 10 }, true).publish).toEqual({
      attemptTimeoutMs: 20_000,
      giveUpMs: 60_000,
    });
    expect(runBudgets({ ...quick, publisher: 'http' }, true).scheduleMs - runBudgets(quick, true).scheduleMs).toBe(210_000);
    expect(runBudgets({ ...quick, publisher: 'http' }).publish).toEqual({ attemptTimeoutMs: PUBLISH_GIVE_UP_MS, giveUpMs: PUBLISH_GIVE_UP_MS });
  });

  it('gives a publisher process’s schedule the time to give its last publish up', () => {
    const quick = PRESETS.quick.scenarios[0];
    expect(runBudgets({ ...quick, publisher: 'http' }).scheduleMs - runBudgets(quick).scheduleMs).toBe(PUBLISH_GIVE_UP_MS);
    expect(runBudgets({ ...quick, publisher: 'in-process' }).scheduleMs).toBe(runBudgets(quick).scheduleMs);
  });

  it('exits 2 with one line on stderr from the command line', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', '--publisher', 'redis'], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('pushbench: --publisher redis writes straight into the Redis stream the servers read: it needs --source redis\n');
    expect(result.stdout).toBe('');
  });
});
