import { describe, expect, it } from 'vitest';
import { planRuns } from '../../../bench/plan/runs.js';
import type { BenchOptions } from '../../../bench/plan/flags.js';
import { DEFAULT_CAPACITY } from '../../../bench/plan/capacity-plan.js';
import { capacityProbes } from '../../../bench/capacity/h2load-probe.js';
import { PRESETS } from '../../../bench/plan/presets.js';
import { error, options } from './parse-args.js';

const versions = (o: BenchOptions) => o.scenarios.map((s) => s.httpVersion);

describe('--http-version', () => {
  it('sets HTTP/2 on every scenario; HTTP/1.1 is the absent default, so it equals the presets’ own', () => {
    expect(versions(options(['--http-version', '2']))).toEqual(['2']);
    expect(options(['--http-version', '1.1']).scenarios).toEqual(options([]).scenarios);
    expect(versions(options(['--http-version', '1.1,2']))).toEqual([undefined, '2']);
  });

  it('refuses anything else, and HTTP/2 alone for a named strategy without an HTTP/2 client', () => {
    expect(error(['--http-version', '3'])).toBe('--http-version must be 1.1, 2 or both, comma-separated (got "3")');
    expect(error(['--http-version', '2,2'])).toBe('--http-version must be 1.1, 2 or both, comma-separated (got "2,2")');
    expect(error(['--http-version', '2', '--strategies', 'short-polling,websocket'])).toBe(
      '--http-version 2: websocket has no HTTP/2 client (a WebSocket upgrade stays HTTP/1.1: ws does not implement RFC 8441); leave it out ' +
        'of --strategies or add 1.1',
    );
    expect(options(['--http-version', '1.1,2', '--strategies', 'websocket']).strategies).toEqual(['websocket']);
  });

  it('plans no HTTP/2 run for a strategy without an HTTP/2 client: its HTTP/1.1 run stands for it', () => {
    const o = options(['--http-version', '1.1,2', '--strategies', 'short-polling,websocket,sse']);
    expect(planRuns(o.scenarios, o.strategies).map((run) => [run.strategy, run.scenario.httpVersion ?? '1.1'])).toEqual([
      ['short-polling', '1.1'],
      ['websocket', '1.1'],
      ['sse', '1.1'],
      ['short-polling', '2'],
      ['sse', '2'],
    ]);
  });

  it('asks the capacity probes for HTTP/2 too (h2load), or for the listed versions only', () => {
    expect(DEFAULT_CAPACITY.httpVersions).toEqual(['1.1', '2']);
    const all = capacityProbes(options(['--preset', 'capacity']).capacity!);
    expect(all.map((probe) => `${probe.endpoint} ${probe.httpVersion}`)).toEqual([
      'short-poll 1.1',
      'long-poll 1.1',
      'publish 1.1',
      'short-poll 2',
      'long-poll 2',
      'publish 2',
    ]);
    expect(capacityProbes(options(['--preset', 'capacity', '--http-version', '2']).capacity!).map((p) => p.httpVersion)).toEqual(['2', '2', '2']);
  });
});

describe('--blocked-upgrade', () => {
  it('sets the share refused at the upgrade on every scenario; 0 is the absent default', () => {
    expect(options(['--blocked-upgrade', '0.3']).scenarios.map((s) => s.blockedUpgrade)).toEqual([0.3]);
    expect(options(['--blocked-upgrade', '0']).scenarios).toEqual(options([]).scenarios);
  });

  it('refuses a share outside 0..1, and a run that has no WebSocket clients to refuse', () => {
    for (const bad of ['1.5', '-0.1', 'x', '30%'])
      expect(error(['--blocked-upgrade', bad])).toBe(`--blocked-upgrade must be a number from 0 to 1 (got "${bad}")`);
    expect(error(['--blocked-upgrade', '0.3', '--strategies', 'long-polling'])).toBe(
      '--blocked-upgrade applies to the websocket clients: add websocket to --strategies',
    );
    expect(error(['--blocked-upgrade', '0.3', '--kill-server-at', '2'])).toBe(
      '--blocked-upgrade runs with the memory source and without a server kill (--kill-server-at)',
    );
  });
});

describe('the presets that compare HTTP versions', () => {
  it('standard gains the base and the cookie sweep over HTTP/2', () => {
    const http2 = PRESETS.standard.scenarios.filter((s) => s.httpVersion === '2');
    expect(http2.map((s) => s.cookieBytes)).toEqual([0, 1024, 4096]);
    const base = PRESETS.standard.scenarios[0];
    for (const s of http2) expect({ ...s, httpVersion: undefined, cookieBytes: 0 }).toEqual({ ...base, httpVersion: undefined });
  });

  it('http2 runs both versions at the three cookie sizes and at one message a second, WebSocket over HTTP/1.1 only', () => {
    const preset = PRESETS.http2;
    const runs = planRuns(preset.scenarios, preset.strategies!);
    const count = (version: string, strategy: string) =>
      runs.filter((r) => (r.scenario.httpVersion ?? '1.1') === version && r.strategy === strategy).length;
    expect([
      count('1.1', 'short-polling'),
      count('2', 'short-polling'),
      count('2', 'sse'),
      count('1.1', 'websocket'),
      count('2', 'websocket'),
    ]).toEqual([4, 4, 4, 4, 0]);
    expect(preset.scenarios.filter((s) => s.ratePerSec === 1).map((s) => [s.clients, s.httpVersion ?? '1.1'])).toEqual([
      [1000, '1.1'],
      [1000, '2'],
    ]);
  });
});
