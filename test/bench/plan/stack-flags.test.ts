import { describe, expect, it } from 'vitest';
import { planRuns } from '../../../bench/plan/runs.js';
import { describeScenario, describeStep } from '../../../results/scenario.js';
import { error, options } from './parse-args.js';

/** The runs a command line plans, as "strategy: what sets its scenario apart". */
function plan(argv: string[]): string[] {
  const o = options(argv);
  const runs = planRuns(o.scenarios, o.strategies, o.runsIn);
  const all = runs.map((run) => run.scenario);
  return runs.map((run) => `${run.strategy}: ${describeStep(run.scenario, all) || 'base'}`);
}

describe('the PHP pool and nginx as settings of a scenario', () => {
  it('runs a PHP strategy on the Redis source, once per pool of a list, and our strategies once', () => {
    const o = options(['--strategies', 'php-long-polling,long-polling', '--php-workers', '5,40']);
    const runs = planRuns(o.scenarios, o.strategies);
    expect(runs.map((run) => [run.strategy, run.scenario.phpWorkers ?? 5, run.scenario.source ?? 'memory'])).toEqual([
      ['php-long-polling', 5, 'redis'],
      ['long-polling', 5, 'memory'],
      ['php-long-polling', 40, 'redis'],
    ]);
    // Our long polling has no PHP pool: its one run records none.
    expect(describeScenario(runs[1].scenario)).not.toContain('PHP');
    expect(describeScenario(runs[2].scenario)).toContain('40 PHP workers');
  });

  it('puts nginx in front of our server only, and keeps its timeout only where nginx is', () => {
    expect(plan(['--strategies', 'websocket,php-long-polling', '--proxy', 'none,nginx', '--nginx-read-timeout', '30'])).toEqual([
      'websocket: base',
      'php-long-polling: Redis source · published through the HTTP API · nginx read timeout 30 s',
      'websocket: behind nginx · nginx read timeout 30 s',
    ]);
  });

  it('refuses a server kill with a PHP strategy, and takes the pool’s flags only within their ranges', () => {
    expect(error(['--strategies', 'php-long-polling', '--kill-server-at', '2'])).toBe(
      '--kill-server-at kills one of our server processes: php-long-polling runs on PHP-FPM behind nginx, leave it out of --strategies',
    );
    expect(error(['--php-workers', '0'])).toBe('--php-workers must be integers from 1 to 1000, comma-separated (got "0")');
    expect(error(['--php-pm', 'fast'])).toBe('--php-pm must be static, dynamic or ondemand (got "fast")');
    expect(error(['--proxy', 'haproxy'])).toBe('--proxy must be none, nginx or both, comma-separated (got "haproxy")');
  });

  it('article-stack: PHP long polling at 5, 50 and 200 workers, PHP short polling on Debian’s pool, our WebSocket with and without nginx', () => {
    const runs = plan(['--preset', 'article-stack']);
    const count = (prefix: string) => runs.filter((run) => run.startsWith(prefix)).length;
    expect(count('php-long-polling:')).toBe(9);
    expect(count('php-short-polling:')).toBe(3);
    expect(count('websocket:')).toBe(6);
    expect(count('long-polling:')).toBe(1);
    expect(runs).toContain('long-polling: 1,000 clients · memory source');
    // Every architecture publishes through its own HTTP API, as its application would.
    expect(runs.filter((run) => run.includes('published'))).toEqual([]);
    expect(runs).toContain('websocket: 1,000 clients · memory source · behind nginx');
    expect(runs).toContain('php-long-polling: 200 clients · 200 PHP workers');
    expect(runs.filter((run) => run.startsWith('php-short-polling:') && run.includes('PHP workers'))).toEqual([]);
  });
});
