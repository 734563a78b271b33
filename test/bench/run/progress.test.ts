import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Bench } from '../../../bench/run/harness.js';
import { failedRun } from '../../../bench/run/assemble.js';
import { attachProgress } from '../../../bench/run/progress.js';
import { noticeText } from '../../../reports/summary-notices.js';
import type { CapacityResult, Scenario } from '../../../results/results.js';
import { WebSocketStrategy } from '../../../servers/strategies/websocket.js';

const SCENARIO: Scenario = {
  clients: 4,
  ratePerSec: 2,
  durationSec: 5,
  payloadBytes: 100,
  pollIntervalMs: 1_000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 7,
};

/** A bench that is never run: the test emits its events, as the harness would, and reads what the progress wrote. */
function watched(): { bench: Bench; written: () => string } {
  const bench = new Bench({ preset: 'test', command: 'vitest', runs: [{ strategy: 'websocket', scenario: SCENARIO }] });
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // Not a terminal: one plain line per finished step, as in a CI log.
  attachProgress(bench, noticeText, stream as unknown as NodeJS.WriteStream);
  return { bench, written: () => text };
}

describe('the progress output', () => {
  it('lists the problems of an invalid run under its line, worded by the renderer it was given', () => {
    const { bench, written } = watched();
    const run = failedRun(WebSocketStrategy.info, SCENARIO, 1_500, 'server process exited (code 1)');
    bench.emit('run-end', { index: 0, total: 2, run, valid: false });
    expect(written()).toBe(
      'pushbench: run 1/2 websocket done in 1.5 s (INVALID)\n  - the run could not be measured: server process exited (code 1)\n',
    );
  });

  it('prints one line for a valid run', () => {
    const { bench, written } = watched();
    const run = { ...failedRun(WebSocketStrategy.info, SCENARIO, 1_500, 'x'), problems: [] };
    bench.emit('run-end', { index: 0, total: 2, run, valid: true });
    expect(written()).toBe('pushbench: run 1/2 websocket done in 1.5 s\n');
  });

  it('says why a capacity probe or its floor could not be measured', () => {
    const { bench, written } = watched();
    const figures = {
      requestsPerSec: 0,
      latencyUs: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
      requests: 0,
      errors: 0,
      non2xx: 0,
      bytesPerResponse: 0,
      serverCpuMs: 0,
      serverCpuShare: 0,
      loadGeneratorCpuShare: 0,
    };
    const probe: CapacityResult = {
      ...figures,
      requestsPerSec: 12_345.6,
      endpoint: 'short-poll',
      method: 'GET',
      path: '/poll?since=0',
      connections: 50,
      durationSec: 5,
      cookieBytes: 0,
      floor: { ...figures, problem: { code: 'floor-not-measured', reason: 'floor process exited (code 1)' } },
    };
    bench.emit('capacity-end', { index: 1, total: 2, result: probe, wallTimeMs: 10_000 });
    bench.emit('capacity-end', {
      index: 1,
      total: 2,
      result: { ...probe, floor: undefined, problem: { code: 'probe-not-measured', reason: 'timeout' } },
      wallTimeMs: 3_000,
    });
    expect(written()).toBe(
      'pushbench: probe 2/2 capacity short-poll 12346 req/s in 10.0 s\n  - the floor could not be measured: floor process exited (code 1)\n' +
        'pushbench: probe 2/2 capacity short-poll FAILED in 3.0 s\n  - the probe could not be measured: timeout\n',
    );
  });

  it('fits the live bar to the terminal, and to 80 columns when the terminal reports a width of 0 or none', () => {
    const lineOn = (columns: number | undefined): string => {
      const bench = new Bench({ preset: 'test', command: 'vitest', runs: [{ strategy: 'websocket', scenario: SCENARIO }] });
      const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      attachProgress(bench, noticeText, stream as unknown as NodeJS.WriteStream);
      const detail = 'a detail long enough to need more than eighty columns on any terminal';
      bench.emit('progress', { index: 0, total: 2, strategy: 'websocket', detail, phase: 'publishing', elapsedMs: 1_000, etaMs: 3_000 });
      // What follows the sequence that clears the line.
      return text.split('\x1b[2K').at(-1)!;
    };
    const full =
      '[######------------------] 1/2 websocket (a detail long enough to need more than eighty columns on any terminal) publishing  1.0 s elapsed, ETA 3.0 s';
    expect(lineOn(200)).toBe(full);
    expect(lineOn(60)).toBe(full.slice(0, 59));
    expect(lineOn(0)).toBe(full.slice(0, 79));
    expect(lineOn(undefined)).toBe(full.slice(0, 79));
  });
});
