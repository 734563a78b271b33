import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../../../bench/plan/capacity-plan.js';
import { ARTICLE_STRATEGIES, starMatrix } from '../../../bench/plan/presets-sweeps.js';
import { PRESETS } from '../../../bench/plan/presets.js';
import { error, options } from './parse-args.js';

const KERNEL_ONLY =
  '--network kernel runs one server process with the memory source, simulated clients and the in-process publisher, without --kill-server-at';

describe('network, identity, churn and scale options', () => {
  it('puts the network, cookie and churn flags into every scenario', () => {
    const parsed = options(['--delay-ms', '50', '--jitter-ms', '5', '--bandwidth', '125000', '--cookie-bytes', '1024', '--churn', '0.25']);
    expect(parsed.scenarios[0]).toMatchObject({ delayMs: 50, jitterMs: 5, bandwidthBytesPerSec: 125_000, cookieBytes: 1024, churn: 0.25 });
  });

  it('leaves them out of the quick preset, whose scenario stays what it was', () => {
    expect(Object.keys(options([]).scenarios[0])).toEqual([
      'clients',
      'ratePerSec',
      'durationSec',
      'payloadBytes',
      'pollIntervalMs',
      'longPollTimeoutMs',
      'arrivals',
      'seed',
    ]);
    expect(options([]).clientProcesses).toBeNull();
  });

  it.each([
    [['--delay-ms', '-1'], '--delay-ms must be a number from 0 to 10000 (got "-1")'],
    [['--jitter-ms', 'lots'], '--jitter-ms must be a number from 0 to 10000 (got "lots")'],
    [['--bandwidth', '1.5'], '--bandwidth must be an integer from 0 to 10000000000 (got "1.5")'],
    [['--cookie-bytes', '8193'], '--cookie-bytes must be an integer from 0 to 8192 (got "8193")'],
    [['--churn', '1.1'], '--churn must be a number from 0 to 1 (got "1.1")'],
    [['--client-processes', '0'], '--client-processes must be an integer from 1 to 16 (got "0")'],
    [['--client-processes', '2.5'], '--client-processes must be an integer from 1 to 16 (got "2.5")'],
  ])('refuses %j with one exact line', (argv, message) => {
    expect(error(argv)).toBe(message);
  });

  it('takes --loss as a list over the kernel network, and refuses it through the proxy or where the kernel network cannot run', () => {
    expect(options(['--network', 'kernel', '--loss', '0,1,5']).scenarios.map((s) => [s.network, s.lossPercent])).toEqual([
      ['kernel', undefined],
      ['kernel', 1],
      ['kernel', 5],
    ]);
    expect(error(['--loss', '1'])).toBe('--loss needs --network kernel (as root): the proxy forwards a byte stream, which has no packets to lose');
    expect(error(['--network', 'kernel', '--source', 'redis'])).toBe(KERNEL_ONLY);
    expect(error(['--network', 'kernel', '--kill-server-at', '2'])).toBe(KERNEL_ONLY);
    expect(error(['--network', 'kernel', '--publisher', 'http'])).toBe(KERNEL_ONLY);
    expect(error(['--network', 'wire'])).toBe('--network must be proxy or kernel (got "wire")');
    expect(error(['--network', 'kernel', '--loss', '101'])).toBe('--loss must be numbers from 0 to 100, comma-separated (got "101")');
  });

  it('runs the network preset over the kernel network: every own strategy, 200 clients, 5 msg/s, 50 ms, loss 0, 1 and 5 %, cleartext and TLS', () => {
    const network = options(['--preset', 'network']);
    expect(network.strategies).toEqual(['short-polling', 'long-polling', 'websocket', 'sse']);
    expect(network.scenarios.map((s) => [s.clients, s.ratePerSec, s.delayMs, s.network, s.lossPercent ?? 0, s.tls ?? 'off'])).toEqual([
      [200, 5, 50, 'kernel', 0, 'off'],
      [200, 5, 50, 'kernel', 1, 'off'],
      [200, 5, 50, 'kernel', 5, 'off'],
      [200, 5, 50, 'kernel', 0, 'on'],
      [200, 5, 50, 'kernel', 1, 'on'],
      [200, 5, 50, 'kernel', 5, 'on'],
    ]);
  });

  it('takes --client-processes', () => {
    expect(options(['--client-processes', '4']).clientProcesses).toBe(4);
  });

  it('runs the article’s three strategies in the standard and scale presets, and capacity probes with scale', () => {
    expect(options(['--preset', 'standard']).strategies).toEqual([...ARTICLE_STRATEGIES]);
    const scale = options(['--preset', 'scale']);
    expect(scale.scenarios.map((s) => s.clients)).toEqual([100, 300, 1_000, 3_000, 10_000]);
    expect(scale.capacity).toEqual(DEFAULT_CAPACITY);
    expect(options(['--preset', 'capacity']).scenarios).toEqual([]);
    expect(options(['--preset', 'quick']).capacity).toBeNull();
  });

  it('applies --cookie-bytes and --payload to the capacity probes too', () => {
    expect(options(['--preset', 'capacity', '--cookie-bytes', '512', '--payload', '20']).capacity).toEqual({
      ...DEFAULT_CAPACITY,
      scenario: { cookieBytes: 512, payloadBytes: 20 },
    });
  });

  it('collapses a sweep that a flag overrides into one scenario', () => {
    const standard = PRESETS.standard.scenarios;
    const collapsed = options(['--preset', 'standard', '--clients', '5']).scenarios;
    // The clients sweep (3 points through the base) becomes the base alone; every other point stays.
    expect(collapsed).toHaveLength(standard.length - 2);
    expect(new Set(collapsed.map((s) => s.clients))).toEqual(new Set([5]));
  });
});

describe('starMatrix', () => {
  it('lists the base, then the base with one field changed per value, skipping the base value', () => {
    const base = {
      clients: 10,
      ratePerSec: 1,
      durationSec: 1,
      payloadBytes: 0,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 100,
      arrivals: 'fixed' as const,
      seed: 1,
    };
    expect(starMatrix(base, { clients: [5, 10, 20], delayMs: [0, 50] })).toEqual([
      base,
      { ...base, clients: 5 },
      { ...base, clients: 20 },
      { ...base, delayMs: 50 },
    ]);
  });
});
