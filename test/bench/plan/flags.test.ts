import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultOutDir, helpText } from '../../../bench/plan/flags.js';
import { PRESET_NAMES, PRESETS } from '../../../bench/plan/presets.js';
import { OWN_STRATEGY_NAMES, STRATEGY_NAMES } from '../../../bench/plan/strategies.js';
import { SERVER_STRATEGIES, STACK_STRATEGIES } from '../../../servers/registry.js';
import { error, options } from './parse-args.js';

describe('parseBenchArgs', () => {
  it('defaults to the quick preset, pushbench’s own strategies, no out dir, human output', () => {
    expect(options([])).toEqual({
      preset: 'quick',
      scenarios: [
        {
          clients: 100,
          ratePerSec: 0.5,
          durationSec: 8,
          payloadBytes: 100,
          pollIntervalMs: 1000,
          longPollTimeoutMs: 20_000,
          arrivals: 'poisson',
          seed: 2,
        },
      ],
      strategies: [...OWN_STRATEGY_NAMES],
      outDir: null,
      json: false,
      jsonOut: null,
      name: { folder: 'quick', changed: [] },
      help: false,
      clientProcesses: null,
      capacity: null,
      search: null,
    });
  });

  it('lets every flag override the preset, in both --flag value and --flag=value forms', () => {
    const parsed = options([
      '--preset',
      'quick',
      '--strategies',
      'websocket,short-polling',
      '--clients=5',
      '--rate',
      '2.5',
      '--duration',
      '3',
      '--payload',
      '0',
      '--poll-interval',
      '200',
      '--long-poll-timeout=100',
      '--arrivals',
      'fixed',
      '--seed',
      '4294967295',
      '--out',
      'tmp/x',
      '--json',
      '--json-out',
      'tmp/results.json',
    ]);
    expect(parsed).toEqual({
      preset: 'quick',
      scenarios: [
        {
          clients: 5,
          ratePerSec: 2.5,
          durationSec: 3,
          payloadBytes: 0,
          pollIntervalMs: 200,
          longPollTimeoutMs: 100,
          arrivals: 'fixed',
          seed: 4294967295,
        },
      ],
      strategies: ['websocket', 'short-polling'],
      outDir: 'tmp/x',
      json: true,
      jsonOut: 'tmp/results.json',
      // The folder's name is cut at 80 characters; the words name every change.
      name: {
        folder: 'custom-clients-5-rate-2.5-arrivals-fixed-duration-3-payload-0-poll-interval-200',
        changed: [
          '5 clients',
          '2.5 msg/s',
          'fixed arrivals',
          '3 s of publishing',
          '0 B payload',
          'poll every 200 ms',
          'long-poll timeout 100 ms',
          'seed 4294967295',
        ],
      },
      help: false,
      clientProcesses: null,
      capacity: null,
      search: null,
    });
  });

  it('runs the reference peers only when the preset or --strategies names them', () => {
    // pushbench's own first, in registry order, then the references.
    const references = SERVER_STRATEGIES.filter((s) => s.info.reference).map((s) => s.info.name);
    const php = STACK_STRATEGIES.map((s) => s.info.name);
    expect(references.length).toBeGreaterThan(0);
    expect(php).toEqual(['php-short-polling', 'php-long-polling']);
    expect(STRATEGY_NAMES).toEqual([...OWN_STRATEGY_NAMES, ...php, ...references]);
    expect(options([]).strategies).toEqual([...OWN_STRATEGY_NAMES]);
    // The peers are our server's: the PHP strategies run when named, as they need Debian's nginx and PHP-FPM.
    const peers = options(['--preset', 'peers']);
    expect(peers.strategies).toEqual([...OWN_STRATEGY_NAMES, ...references]);
    expect(peers.scenarios).toEqual([
      {
        clients: 2000,
        ratePerSec: 5,
        durationSec: 4,
        payloadBytes: 100,
        pollIntervalMs: 1000,
        longPollTimeoutMs: 20_000,
        arrivals: 'fixed',
        seed: 6,
      },
    ]);
    expect(options(['--strategies', 'websocket,ws-bare']).strategies).toEqual(['websocket', 'ws-bare']);
  });

  it('does not change the preset object it starts from', () => {
    options(['--clients', '7']);
    expect(PRESETS.quick.scenarios[0].clients).toBe(100);
  });

  it('accepts the ends of every range', () => {
    expect(options(['--clients', '1']).scenarios[0].clients).toBe(1);
    expect(options(['--clients', '10000']).scenarios[0].clients).toBe(10_000);
    expect(options(['--rate', '0.01', '--duration', '600']).scenarios[0].ratePerSec).toBe(0.01);
    expect(options(['--rate', '10000']).scenarios[0].ratePerSec).toBe(10_000);
    expect(options(['--duration', '600']).scenarios[0].durationSec).toBe(600);
    expect(options(['--payload', '65536']).scenarios[0].payloadBytes).toBe(65_536);
    expect(options(['--poll-interval', '10']).scenarios[0].pollIntervalMs).toBe(10);
    expect(options(['--long-poll-timeout', '120000']).scenarios[0].longPollTimeoutMs).toBe(120_000);
  });

  it('recognises --help and -h', () => {
    expect(options(['--help']).help).toBe(true);
    expect(options(['-h']).help).toBe(true);
  });

  it.each([
    [['--clients', 'abc'], '--clients must be an integer from 1 to 100000 (got "abc")'],
    [['--clients', '0'], '--clients must be an integer from 1 to 100000 (got "0")'],
    [['--clients', '100001'], '--clients must be an integer from 1 to 100000 (got "100001")'],
    [['--clients', '1.5'], '--clients must be an integer from 1 to 100000 (got "1.5")'],
    [['--clients', '1e3'], '--clients must be an integer from 1 to 100000 (got "1e3")'],
    [['--rate', '0'], '--rate must be a number from 0.01 to 10000 (got "0")'],
    [['--rate', '10001'], '--rate must be a number from 0.01 to 10000 (got "10001")'],
    [['--rate', 'fast'], '--rate must be a number from 0.01 to 10000 (got "fast")'],
    [['--duration', '0.5'], '--duration must be a number from 1 to 600 (got "0.5")'],
    [['--duration', '601'], '--duration must be a number from 1 to 600 (got "601")'],
    [['--payload', '-1'], '--payload must be an integer from 0 to 65536 (got "-1")'],
    [['--payload', '65537'], '--payload must be an integer from 0 to 65536 (got "65537")'],
    [['--poll-interval', '9'], '--poll-interval must be an integer from 10 to 60000 (got "9")'],
    [['--long-poll-timeout', '99'], '--long-poll-timeout must be an integer from 100 to 120000 (got "99")'],
    [['--long-poll-timeout', '120001'], '--long-poll-timeout must be an integer from 100 to 120000 (got "120001")'],
    [['--seed', '-1'], '--seed must be an integer from 0 to 4294967295 (got "-1")'],
    [['--arrivals', 'burst'], '--arrivals must be poisson or fixed (got "burst")'],
    [['--preset', 'huge'], `--preset must be one of ${PRESET_NAMES.join(', ')} (got "huge")`],
    [
      ['--strategies', 'websocket,smoke-signals'],
      `--strategies must be a comma-separated list of ${STRATEGY_NAMES.join(', ')} (got "websocket,smoke-signals")`,
    ],
    [['--strategies', 'websocket,websocket'], '--strategies names a strategy twice (got "websocket,websocket")'],
    [['--clients'], '--clients needs a value'],
    [['--out='], '--out needs a value'],
    [['--json=yes'], '--json takes no value (got "yes")'],
    [['--verbose'], 'unknown option --verbose (see --help)'],
    [['-x'], 'unknown option -x (see --help)'],
    [['quick'], 'unexpected argument "quick" (see --help)'],
    [
      ['--fleet', 'chromium', '--clients', '5', '--http-version', '2', '--strategies', 'sse'],
      '--fleet chromium with --http-version 2 needs --tls on: a browser speaks HTTP/2 only over TLS, never h2c',
    ],
    [
      ['--fleet', 'chromium', '--clients', '5', '--tls', 'no-resumption'],
      '--fleet chromium resumes TLS sessions as every browser does: use --tls on, not no-resumption',
    ],
    [
      ['--fleet', 'chromium', '--clients', '5', '--keep-alive', 'off'],
      '--fleet chromium keeps its connections alive as every browser does: leave out --keep-alive off',
    ],
  ])('refuses %j with one exact line', (argv, message) => {
    expect(error(argv)).toBe(message);
  });

  it('checks the options themselves before their values, then values in a fixed order (one line either way)', () => {
    expect(error(['--clients', 'abc', '--verbose'])).toBe('unknown option --verbose (see --help)');
    expect(error(['--rate', '0', '--clients', 'abc'])).toBe('--clients must be an integer from 1 to 100000 (got "abc")');
  });
});

describe('a schedule that publishes nothing', () => {
  const QUICK_EMPTY = 'the schedule publishes no message (0.5 msg/s for 1.5 s, seed 2), so nothing would be measured: raise --rate or --duration';

  it('is refused by the parser: the quick seed’s first message falls after 1.5 s', () => {
    expect(error(['--duration', '1.5'])).toBe(QUICK_EMPTY);
    // The same duration with a seed whose first draw falls inside it is a run.
    expect(options(['--duration', '1.5', '--rate', '5']).scenarios[0].durationSec).toBe(1.5);
    // Fixed arrivals: floor(0.5 × 1.9) = 0 messages.
    expect(error(['--duration', '1.9', '--arrivals', 'fixed'])).toBe(
      'the schedule publishes no message (0.5 msg/s for 1.9 s, seed 2), so nothing would be measured: raise --rate or --duration',
    );
  });

  it('is refused by any scenario of a sweep, not only the first', () => {
    expect(error(['--preset', 'standard', '--duration', '1'])).toMatch(/^the schedule publishes no message \(/);
  });

  it('makes the CLI exit 2 with that one line before any run starts: no process, no progress, no report folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-empty-'));
    try {
      const out = join(dir, 'report');
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', '--duration', '1.5', '--out', out], {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`pushbench: ${QUICK_EMPTY}\n`);
      expect(result.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('helpText', () => {
  it('speaks to a user: no issue numbers, every preset described', () => {
    const help = helpText();
    expect(help).not.toMatch(/issue \d/i);
    for (const name of PRESET_NAMES) expect(help).toContain(`  ${name.padEnd(10)}${PRESETS[name].description}`);
  });
});

describe('defaultOutDir', () => {
  it('is a fresh folder under reports/out named by time (without colons) and what ran', () => {
    const at = new Date('2025-01-31T12:00:05.123Z');
    expect(defaultOutDir(options([]).name, at)).toBe('reports/out/2025-01-31T120005.123Z-quick');
    expect(defaultOutDir(options(['--source', 'redis']).name, at)).toBe('reports/out/2025-01-31T120005.123Z-custom-source-redis');
  });
});

describe('the name of a bench', () => {
  it('is the preset’s when no flag changed its scenario, whatever the strategies', () => {
    expect(options(['--preset', 'peers']).name).toEqual({ folder: 'peers', changed: [] });
    expect(options(['--strategies', 'websocket']).name).toEqual({ folder: 'quick', changed: [] });
    // A flag at the preset's own value changes nothing.
    expect(options(['--clients', '100', '--source', 'memory']).name).toEqual({ folder: 'quick', changed: [] });
  });

  it('is "custom" with the settings a flag changed, in words and in the folder name', () => {
    expect(options(['--source', 'redis']).name).toEqual({ folder: 'custom-source-redis', changed: ['Redis source'] });
    expect(options(['--clients', '500', '--rate', '5', '--duration', '20', '--clients', '500']).name).toEqual({
      folder: 'custom-clients-500-rate-5-duration-20',
      changed: ['500 clients', '5 msg/s', '20 s of publishing'],
    });
    // A list runs each value; another preset than the default is named in the folder too.
    expect(options(['--source', 'memory,redis']).name).toEqual({ folder: 'custom-source-memory+redis', changed: ['memory source / Redis source'] });
    expect(options(['--preset', 'peers', '--clients', '50']).name).toEqual({ folder: 'custom-peers-clients-50', changed: ['50 clients'] });
  });
});

describe('the shootout preset', () => {
  it('searches from its base scenario with the scenario flags applied, --clients as its largest size', () => {
    const { search } = options(['--preset', 'shootout', '--payload', '20', '--clients', '4000']);
    expect(search?.sizes).toEqual({ startClients: 1_000, maxClients: 4_000, resolution: 250, maxSteps: 8 });
    expect(search?.base).toMatchObject({ clients: 1_000, payloadBytes: 20, ratePerSec: 1, arrivals: 'fixed', durationSec: 5 });
    expect(search?.limitP95Us).toBe(500_000);
  });
});
