import { describe, expect, it } from 'vitest';
import { printSummary } from '../../reports/summary.js';
import type { Results, RunResult } from '../../results/results.js';
import { SCENARIO } from './fixture.js';

function run(overrides: Partial<RunResult> & Pick<RunResult, 'strategy'>): RunResult {
  return {
    scenario: SCENARIO,
    wallTimeMs: 21_000,
    messages: { published: 10, expected: 500, delivered: 500, missed: 0, duplicated: 0, outOfOrder: 0, gaps: 0 },
    latencyUs: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 500 },
    latencyHistogram: '',
    requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
    bytes: { clientToServer: 0, serverToClient: 0, payload: 64_000, serverSide: { clientToServer: 0, serverToClient: 0 } },
    connections: { opened: 50, peak: 50 },
    server: { cpuMs: 0, peakRssBytes: 90_000_000, eventLoopDelayP99Us: 1_000 },
    clientProcesses: { count: 1, cpuMs: 100 },
    problems: [],
    warnings: [],
    ...overrides,
  };
}

const RESULTS: Results = {
  meta: {
    date: '2025-01-31T12:00:00.000Z',
    preset: 'quick',
    nodeVersion: 'v20.20.2',
    cpuModel: 'Test CPU',
    cpuCount: 2,
    platform: 'linux',
    totalMemoryBytes: 8e9,
    pushbenchVersion: '0.1.0',
    command: 'tsx bench/cli.ts',
    wallTimeMs: 64_321,
  },
  runs: [
    run({
      strategy: { name: 'short-polling', title: 'Short polling', direction: 'pull', connection: 'request-per-poll', claim: 'C2' },
      latencyUs: { p50: 498_000, p90: 902_100, p99: 991_300, p999: 999_100, max: 1_001_400, mean: 503_250, count: 500 },
      requests: { total: 1000, withMessages: 393, empty: 607, failed: 0, reconnects: 0 },
      bytes: { clientToServer: 180_000, serverToClient: 281_860, payload: 64_000, serverSide: { clientToServer: 180_000, serverToClient: 281_860 } },
      server: { cpuMs: 310, peakRssBytes: 90_000_000, eventLoopDelayP99Us: 1_450 },
    }),
    run({
      strategy: { name: 'websocket', title: 'WebSocket', direction: 'push', connection: 'persistent', claim: 'C5' },
      messages: { published: 10, expected: 500, delivered: 498, missed: 2, duplicated: 0, outOfOrder: 0, gaps: 0 },
      latencyUs: { p50: 350, p90: 610, p99: 1_720, p999: 2_900, max: 3_050, mean: 420, count: 498 },
      requests: { total: 50, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
      bytes: { clientToServer: 13_000, serverToClient: 82_500, payload: 63_744, serverSide: { clientToServer: 13_000, serverToClient: 82_500 } },
      server: { cpuMs: 95, peakRssBytes: 80_000_000, eventLoopDelayP99Us: 900 },
      problems: ['client 3 missed 2 message(s) (seq 9, 10)'],
    }),
  ],
};

describe('printSummary', () => {
  const text = printSummary(RESULTS, '/abs/reports/out/x/index.html');
  const lines = text.split('\n');

  it('prints one exact row of computed figures per strategy', () => {
    // short polling: 1000 / 500 = 2.00 requests per message, 607 / 1000 empty, 180000 / 500 = 360 B up,
    // 281860 / 500 = 563.72 B down, 310 ms CPU × 1000 / 500 = 620.0 ms per 1,000 messages.
    // websocket: 50 / 498 = 0.10, 13000 / 498 = 26.1 B, 82500 / 498 = 165.7 B, 95 × 1000 / 498 = 190.76 ms.
    expect(lines.slice(2, 5)).toEqual([
      'strategy       delivered  req/deliv   empty  up B/deliv  down B/deliv  p50 ms  p99 ms  CPU ms/1k  miss/dup/ooo',
      'short-polling    500/500       2.00  60.7 %         360           564   498.0   991.3      620.0         0/0/0',
      'websocket        498/500       0.10   0.0 %          26           166    0.35    1.72      190.8         2/0/0',
    ]);
  });

  it('starts with the scenario', () => {
    expect(lines[0]).toBe(
      'quick: 50 clients, 0.5 msg/s, poisson arrivals, 20 s of publishing, 128 B payload, poll every 1,000 ms, long-poll timeout 25,000 ms, seed 42',
    );
  });

  it('calls a run whose scenario flags changed custom, not after its preset', () => {
    const custom = printSummary({ ...RESULTS, meta: { ...RESULTS.meta, changed: ['Redis source'] } }, '/r.html');
    expect(custom.split('\n')[0]).toMatch(/^custom: 50 clients, 0.5 msg\/s, /);
  });

  it('says where the results are when the report could not be written', () => {
    expect(printSummary(RESULTS, null).split('\n').at(-2)).toBe('report: not written (see the line below)');
  });

  it('lists the problems of invalid runs only', () => {
    expect(text).toContain('INVALID websocket:\n  - client 3 missed 2 message(s) (seq 9, 10)\n');
    expect(text).not.toContain('INVALID short-polling');
  });

  it('words coded problems and warnings with the terminal renderer, and an older file’s sentences as they are', () => {
    const coded = structuredClone(RESULTS);
    coded.runs[1].problems = [{ code: 'messages-missed', clients: 1, missed: 2, examples: [{ client: 3, missed: 2, firstSeqs: [9, 10] }] }];
    coded.runs[0].warnings = [{ code: 'late-publishes', late: 2, of: 10, lateMs: 100, worstMs: 340 }, 'an older warning'];
    const out = printSummary(coded, '/r.html');
    expect(out).toContain('INVALID websocket:\n  - client 3 missed 2 message(s) (seq 9, 10)\n');
    expect(out).toContain(
      'note short-polling: 2 of 10 publishes went out more than 100 ms late (worst 340 ms): the server process could not keep the schedule\n' +
        'note short-polling: an older warning\n',
    );
  });

  it('says nothing of an interruption when the bench ran its whole plan', () => {
    expect(text).not.toContain('INTERRUPTED');
  });

  it('says, just above the wall time, that an interrupted bench holds only the steps that finished', () => {
    const interrupted: Results = {
      ...RESULTS,
      interrupted: {
        signal: 'SIGTERM',
        runsPlanned: 3,
        runsFinished: 2,
        probesPlanned: 0,
        probesFinished: 0,
        notRun: [
          {
            kind: 'run',
            strategy: { name: 'sse', title: 'Server-Sent Events', direction: 'push', connection: 'persistent', claim: 'C5' },
            scenario: SCENARIO,
          },
        ],
      },
    };
    const out = printSummary(interrupted, '/r.html').split('\n');
    expect(out.slice(-6)).toEqual([
      'INTERRUPTED by SIGTERM after 2 of 3 runs: these figures are the runs that finished',
      '  not run: sse',
      '',
      'wall time 64.3 s',
      'report: /r.html',
      '',
    ]);
  });

  it('ends with the wall time and, on the last line, the report path', () => {
    expect(lines.at(-3)).toBe('wall time 64.3 s');
    expect(lines.at(-2)).toBe('report: /abs/reports/out/x/index.html');
    expect(lines.at(-1)).toBe('');
  });

  it('prints a dash, not NaN or Infinity, for a run that delivered nothing', () => {
    const empty = printSummary(
      {
        ...RESULTS,
        runs: [
          run({
            strategy: RESULTS.runs[0].strategy,
            messages: { published: 0, expected: 0, delivered: 0, missed: 0, duplicated: 0, outOfOrder: 0, gaps: 0 },
            latencyUs: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 },
          }),
        ],
      },
      '/r.html',
    );
    expect(empty).not.toMatch(/NaN|Infinity/);
    expect(empty.split('\n')[3]).toBe(
      'short-polling        0/0          —      —           —             —       —       —          —         0/0/0',
    );
  });
});
