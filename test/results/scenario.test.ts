import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKOFF_POLICIES, DEFAULT_BACKOFF } from '../../clients/backoff.js';
import { flagValues, shownValue } from '../../bench/plan/help.js';
import { helpText } from '../../bench/plan/flags.js';
import { PRESETS } from '../../bench/plan/presets.js';
import { BACKOFF_KINDS } from '../../results/scale-out.js';
import {
  describeIdentity,
  describeNetwork,
  describeScenario,
  describeSettings,
  describeStep,
  differingFields,
  networkOf,
  sameScenario,
  SCENARIO_FIELDS,
  scenarioKey,
  scenarioValue,
  varyingFields,
  type Scenario,
} from '../../results/scenario.js';
import { error, options } from '../bench/plan/parse-args.js';

const BASE: Scenario = {
  clients: 100,
  ratePerSec: 0.5,
  durationSec: 8,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 2,
};

/** BASE with every optional field written out at its default. */
const EXPLICIT: Scenario = {
  ...BASE,
  connectRatePerSec: 0,
  delayMs: 0,
  jitterMs: 0,
  bandwidthBytesPerSec: 0,
  lossPercent: 0,
  network: 'proxy',
  cookieBytes: 0,
  httpVersion: '1.1',
  tls: 'off',
  keepAlive: 'on',
  blockedUpgrade: 0,
  churn: 0,
  source: 'memory',
  serverProcesses: 1,
  backoff: 'full-jitter',
  phpWorkers: 5,
  phpPm: 'dynamic',
  proxy: 'none',
  nginxReadTimeoutSec: 60,
  phpRequestTimeoutSec: 0,
};

/** A scenario with every field other than BASE's, and every optional one away from its default. */
const EVERYTHING: Scenario = {
  clients: 500,
  ratePerSec: 8,
  durationSec: 6,
  payloadBytes: 0,
  pollIntervalMs: 500,
  longPollTimeoutMs: 100,
  arrivals: 'fixed',
  seed: 3,
  connectRatePerSec: 250,
  delayMs: 50,
  jitterMs: 5,
  bandwidthBytesPerSec: 125_000,
  lossPercent: 5,
  network: 'kernel',
  cookieBytes: 1024,
  httpVersion: '2',
  tls: 'no-resumption',
  keepAlive: 'off',
  blockedUpgrade: 0.3,
  churn: 0.25,
  source: 'redis',
  serverProcesses: 2,
  publisher: 'http',
  backoff: 'none',
  phpWorkers: 40,
  phpPm: 'static',
  proxy: 'nginx',
  nginxReadTimeoutSec: 30,
  phpRequestTimeoutSec: 90,
  restartAtSec: 3,
  headers: 'minimal',
  fleet: 'chromium',
};

describe('the field table', () => {
  it('has one entry per field of a scenario, and one flag name per entry', () => {
    expect(SCENARIO_FIELDS.map((f) => f.key).sort()).toEqual(Object.keys(EVERYTHING).sort());
    const names = SCENARIO_FIELDS.flatMap((f) => [f.flag.name, ...(f.flag.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('says what an absent field means, as the clients and the server take it', () => {
    expect(Object.fromEntries(SCENARIO_FIELDS.filter((f) => f.default !== undefined).map((f) => [f.key, f.default]))).toEqual({
      connectRatePerSec: 0,
      delayMs: 0,
      jitterMs: 0,
      bandwidthBytesPerSec: 0,
      lossPercent: 0,
      network: 'proxy',
      cookieBytes: 0,
      headers: 'chromium',
      fleet: 'simulated',
      httpVersion: '1.1',
      tls: 'off',
      keepAlive: 'on',
      blockedUpgrade: 0,
      churn: 0,
      source: 'memory',
      serverProcesses: 1,
      publisher: 'in-process',
      backoff: DEFAULT_BACKOFF,
      // Debian's pool and nginx's own timeout: what they do is part of what the article's stack shows.
      phpWorkers: 5,
      phpPm: 'dynamic',
      proxy: 'none',
      nginxReadTimeoutSec: 60,
      phpRequestTimeoutSec: 0,
      restartAtSec: null,
    });
    // results/ cannot import clients/: the backoff policies are listed twice, and must agree.
    expect(BACKOFF_KINDS).toEqual(BACKOFF_POLICIES);
  });

  it('reads an absent field as its default, a present one as itself', () => {
    expect(scenarioValue(BASE, 'serverProcesses')).toBe(1);
    expect(scenarioValue(BASE, 'restartAtSec')).toBeNull();
    expect(scenarioValue(BASE, 'httpVersion')).toBe('1.1');
    expect(scenarioValue(EVERYTHING, 'serverProcesses')).toBe(2);
    expect(scenarioValue(BASE, 'clients')).toBe(100);
  });
});

describe('one key, one equality', () => {
  it('an absent field and its default are the same scenario', () => {
    expect(sameScenario(BASE, EXPLICIT)).toBe(true);
    expect(scenarioKey(BASE)).toBe(scenarioKey(EXPLICIT));
    expect(differingFields(BASE, EXPLICIT)).toEqual([]);
  });

  it('any one field away from its default is another scenario', () => {
    for (const key of Object.keys(EVERYTHING) as (keyof Scenario)[]) {
      const changed = { ...BASE, [key]: EVERYTHING[key] };
      expect(sameScenario(BASE, changed), key).toBe(false);
      expect(scenarioKey(changed), key).not.toBe(scenarioKey(BASE));
      expect(differingFields(BASE, changed), key).toEqual([key]);
    }
  });

  it('a key without some fields equals for scenarios that differ only in them', () => {
    const http2 = { ...BASE, httpVersion: '2' as const, cookieBytes: 1024 };
    expect(scenarioKey(http2, ['httpVersion', 'cookieBytes'])).toBe(scenarioKey(EXPLICIT, ['httpVersion', 'cookieBytes']));
    expect(scenarioKey(http2, ['httpVersion'])).not.toBe(scenarioKey(BASE, ['httpVersion']));
  });

  it('a fault at any time is not the absence of one', () => {
    expect(sameScenario(BASE, { ...BASE, restartAtSec: 0.1 })).toBe(false);
  });

  it('finds the fields that vary in a matrix, in table order', () => {
    expect(varyingFields([BASE, { ...BASE, delayMs: 50 }, { ...EXPLICIT, clients: 500 }])).toEqual(['clients', 'delayMs']);
    expect(varyingFields([BASE, EXPLICIT])).toEqual([]);
  });
});

describe('words', () => {
  it('describes the whole scenario: the load, then every setting away from its default', () => {
    expect(describeScenario(BASE)).toBe(
      '100 clients, 0.5 msg/s, poisson arrivals, 8 s of publishing, 100 B payload, poll every 1,000 ms, long-poll timeout 20,000 ms, seed 2',
    );
    expect(describeScenario(EXPLICIT)).toBe(describeScenario(BASE));
    expect(describeSettings(EVERYTHING)).toEqual([
      'clients start at 250/s',
      'kernel: delay 50 ms ± 5 ms each way, 125,000 B/s shared each way, loss 5 % each way',
      'cookie 1,024 B',
      'minimal headers',
      'real Chromium clients',
      'HTTP/2',
      'TLS without resumption',
      'a connection per poll',
      'upgrade blocked for 30 %',
      'churn 25 %',
      'Redis source',
      '2 server processes',
      'published through the HTTP API',
      'backoff none',
      '40 PHP workers',
      'pm static',
      'behind nginx',
      'nginx read timeout 30 s',
      'PHP request timeout 90 s',
      'a server process killed at 3 s',
    ]);
  });

  it('says the network in one phrase, or nothing when the clients talk to the server directly', () => {
    expect(describeNetwork(BASE)).toBeNull();
    expect(networkOf(EXPLICIT)).toBeNull();
    expect(describeNetwork({ delayMs: 50 })).toBe('delay 50 ms each way');
    expect(describeNetwork({ jitterMs: 5 })).toBe('delay 0 ms ± 5 ms each way');
    expect(describeNetwork({ bandwidthBytesPerSec: 1_000_000 })).toBe('1,000,000 B/s per connection each way');
    expect(networkOf({ delayMs: 50 })).toEqual({ delayMs: 50, jitterMs: 0, bandwidthBytesPerSec: 0, lossPercent: 0, network: 'proxy' });
    // The kernel network runs in its namespaces even when the link is perfect: the baseline of a loss sweep.
    expect(describeNetwork({ network: 'kernel' })).toBe('kernel: loss 0 % each way');
    expect(describeNetwork({ network: 'kernel', delayMs: 50, lossPercent: 1 })).toBe('kernel: delay 50 ms each way, loss 1 % each way');
  });

  it('says the identity a request carries, for a sentence', () => {
    expect(describeIdentity(BASE)).toBeNull();
    expect(describeIdentity({ cookieBytes: 4096 })).toBe('a 4,096-byte cookie');
  });

  it('says what sets a scenario apart in a matrix', () => {
    const star = [BASE, { ...BASE, clients: 500 }, { ...BASE, delayMs: 50 }, { ...BASE, ratePerSec: 8, delayMs: 50 }];
    expect(star.map((s) => describeStep(s, star))).toEqual(['base', '500 clients', 'delay 50 ms', '8 msg/s · delay 50 ms']);
    const line = [BASE, { ...BASE, clients: 10_000 }];
    expect(line.map((s) => describeStep(s, line))).toEqual(['100 clients', '10,000 clients']);
    // An absent field and its default do not make a matrix.
    expect(describeStep(BASE, [BASE, EXPLICIT])).toBe('');
    const backoffs = [{ ...BASE, backoff: 'none' as const }, BASE];
    expect(backoffs.map((s) => describeStep(s, backoffs))).toEqual(['backoff none', 'backoff full-jitter']);
  });

  it('names the PHP pool only for a run PHP serves: our server’s runs record it at its defaults', () => {
    const php = { ...BASE, source: 'redis' as const, phpWorkers: 1_000, phpPm: 'static' as const };
    const ours = { ...BASE, source: 'redis' as const };
    const behindNginx = { ...ours, proxy: 'nginx' as const };
    const all = [php, ours, behindNginx];
    expect(describeStep(php, all, { servedBy: 'php-fpm' })).toBe('base');
    // For our server's runs only the proxy varies, and a single varying setting is named in every step.
    expect(describeStep(ours, all, {})).toBe('no proxy');
    expect(describeStep(behindNginx, all, {})).toBe('behind nginx');
    // Without a strategy, every setting that varies is named, as before.
    expect(describeStep(ours, all)).toBe('5 PHP workers · pm dynamic');
  });
});

/** A value of the flag other than the quick preset's: its range's top, or for the fault its bottom (inside 8 s). */
function otherValue(key: keyof Scenario): number | string {
  const field = SCENARIO_FIELDS.find((f) => f.key === key)!;
  const { parse } = field.flag;
  if (parse.kind === 'choice') return parse.values.find((v) => v !== scenarioValue(BASE, key))!;
  return key === 'restartAtSec' ? parse.min : parse.max;
}

describe('the table drives the flags and the help', () => {
  // A field's flag may need another to run: several processes need the Redis source.
  const needs: Partial<Record<keyof Scenario, string[]>> = { serverProcesses: ['--source', 'redis'], lossPercent: ['--network', 'kernel'] };

  it.each(SCENARIO_FIELDS.map((f) => [f.flag.name, f.key] as const))('--%s sets %s on every scenario', (name, key) => {
    const value = otherValue(key);
    const scenarios = options([`--${name}`, String(value), ...(needs[key] ?? [])]).scenarios;
    expect(scenarios.map((s) => scenarioValue(s, key))).toEqual([value]);
  });

  it('refuses a value outside the range with the flag’s own words', () => {
    expect(error(['--cookie-bytes', '8193'])).toBe('--cookie-bytes must be an integer from 0 to 8192 (got "8193")');
    expect(error(['--delay-ms', '10001'])).toBe('--delay-ms must be a number from 0 to 10000 (got "10001")');
    expect(error(['--source', 'redis,disk'])).toBe('--source must be memory, redis or both, comma-separated (got "redis,disk")');
    expect(error(['--server-processes', '1,1', '--source', 'redis'])).toBe(
      '--server-processes must be integers from 1 to 8, comma-separated (got "1,1")',
    );
    expect(error(['--arrivals', 'bursty'])).toBe('--arrivals must be poisson or fixed (got "bursty")');
  });

  it('writes each flag into the help with its description, what it takes and its default', () => {
    const help = helpText().replace(/\n {30}/g, ' ');
    expect(help).toContain('--clients <n>               simulated clients per strategy; 1..100000 (quick: 100)');
    expect(help).toContain(
      '--backoff <policy>          the clients’ reconnect backoff after a failure; none | exponential | full-jitter, a list runs each ' +
        '(default full-jitter)',
    );
    expect(help).toContain(
      '--kill-server-at <s>        fault: SIGKILL a server process that many seconds into the schedule and start a new one in its place; ' +
        '0.1..600; also --restart-at (default off)',
    );
    for (const field of SCENARIO_FIELDS)
      expect(help).toContain(`  --${field.flag.name} <${field.flag.placeholder}>`.padEnd(30) + `${field.description}; ${flagValues(field)}`);
  });

  it('and into the table of options in docs/bench.md', () => {
    const readme = readFileSync(new URL('../../docs/bench.md', import.meta.url), 'utf8');
    const quick = PRESETS.quick.scenarios[0];
    for (const field of SCENARIO_FIELDS) {
      const names = [field.flag.name, ...(field.flag.aliases ?? [])].map((name) => `\`--${name}\``).join(' or ');
      expect(readme).toContain(`| ${names} | ${field.description}; ${flagValues(field, ', ')} | ${shownValue(scenarioValue(quick, field.key))} |`);
    }
  });
});
