import { describe, expect, it } from 'vitest';
import { IDLE_WINDOW_MS } from '../../../bench/measure/process-load.js';
import { isAlive } from '../../helpers.js';
import { Bench, type BenchPlan } from '../../../bench/run/harness.js';
import { isValidRun, type Results, type Scenario } from '../../../results/results.js';
import { publishSchedule } from '../../../bench/plan/schedule.js';
import { STRATEGY_NAMES } from '../../../bench/plan/strategies.js';

const TINY: Scenario = {
  clients: 5,
  ratePerSec: 5,
  durationSec: 2,
  payloadBytes: 100,
  pollIntervalMs: 200,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 1,
};

function plan(strategies: string[]): BenchPlan {
  return { preset: 'test', command: 'vitest', runs: strategies.map((strategy) => ({ strategy, scenario: TINY })) };
}

describe('the bench harness, end to end', () => {
  // Every strategy, the bare loops and other references included, runs one after another: a guard against a hang, with room for a shared machine.
  it('measures every strategy over real processes, exactly, and leaves no process behind', { timeout: 240_000 }, async () => {
    const bench = new Bench(plan([...STRATEGY_NAMES]));
    const ended: string[] = [];
    bench.on('run-end', ({ run }) => ended.push(run.strategy.name));
    const results: Results = await bench.run();

    expect(ended).toEqual(STRATEGY_NAMES);
    expect(ended).toEqual(expect.arrayContaining(['short-polling', 'long-polling', 'websocket']));
    expect(results.meta).toMatchObject({ preset: 'test', command: 'vitest', nodeVersion: process.version });
    expect(results).not.toHaveProperty('interrupted');
    const published = publishSchedule(TINY).length;
    expect(published).toBeGreaterThan(0);

    for (const run of results.runs) {
      const name = run.strategy.name;
      expect(run.problems, name).toEqual([]);
      expect(run.messages, name).toMatchObject({
        published,
        expected: published * 5,
        delivered: published * 5,
        missed: 0,
        duplicated: 0,
        outOfOrder: 0,
        gaps: 0,
      });
      expect(run.latencyUs.count, name).toBe(published * 5);
      expect(run.bytes.payload, name).toBe(100 * published * 5);
      // One set of TCP streams, counted at both ends: the figures must agree to the byte.
      expect(run.bytes.clientToServer, name).toBe(run.bytes.serverSide.clientToServer);
      expect(run.bytes.serverToClient, name).toBe(run.bytes.serverSide.serverToClient);
      expect(run.bytes.clientToServer, name).toBeGreaterThan(0);
      // Socket.IO's polling client holds its GET while it POSTs (its CONNECT, its heartbeat answers): two each.
      expect(run.connections.opened, name).toBe(name === 'socketio-polling' ? 10 : 5);
      expect(run.server.cpuMs, name).toBeGreaterThan(0);
      // The idle baseline: a second of the server doing nothing before its clients, with the window's monitors on.
      expect(run.server.idleWindowMs, name).toBeGreaterThanOrEqual(IDLE_WINDOW_MS);
      expect(run.server.idleCpuMs, name).toBeGreaterThanOrEqual(0);
      expect(run.server.idleCpuMs!, name).toBeLessThan(run.server.idleWindowMs!);
      expect(run.requests.failed, name).toBe(0);
      // One handshake or request per client for the whole run.
      if (run.strategy.connection === 'persistent') expect(run.requests.total, name).toBe(5);
    }
    const byName = (name: string) => results.runs.find((run) => run.strategy.name === name)!;
    const shortPolling = byName('short-polling');
    expect(shortPolling.requests.total).toBeGreaterThan(shortPolling.requests.withMessages);
    expect(shortPolling.requests.total).toBe(shortPolling.requests.withMessages + shortPolling.requests.empty);
    // Every answer to a long poll carried news (the timeout is far beyond the run), then the client asked again.
    const longPolling = byName('long-polling');
    expect(longPolling.requests.withMessages).toBeGreaterThan(0);
    expect(longPolling.requests.empty).toBe(0);
    expect(byName('websocket').requests.total).toBe(5);

    expect(bench.childPids).toHaveLength(2 * STRATEGY_NAMES.length);
    expect(bench.childPids.filter(isAlive)).toEqual([]);
  });

  it('stops on abort, keeps the runs that finished and kills its children', { timeout: 120_000 }, async () => {
    const bench = new Bench(plan(['websocket', 'websocket']));
    bench.on('phase', ({ index, phase }) => {
      if (index === 1 && phase === 'publishing') bench.abort();
    });
    const results = await bench.run();

    expect(bench.interrupted).toBe(true);
    expect(results.runs).toHaveLength(1);
    expect(results.runs[0].problems).toEqual([]);
    expect(isValidRun(results.runs[0])).toBe(true);
    // Aborted from code, with no signal: the run cut in the middle is recorded as not run.
    expect(results.interrupted).toEqual({
      runsPlanned: 2,
      runsFinished: 1,
      probesPlanned: 0,
      probesFinished: 0,
      notRun: [{ kind: 'run', strategy: results.runs[0].strategy, scenario: TINY }],
    });
    expect(bench.childPids).toHaveLength(4);
    expect(bench.childPids.filter(isAlive)).toEqual([]);
  });

  it('records the signal that stopped it and every later step, probes included, as not run', { timeout: 120_000 }, async () => {
    const capacity = { connections: 2, durationSec: 1, warmupSec: 0, scenario: { payloadBytes: 100 } };
    const bench = new Bench({ ...plan(['short-polling', 'sse', 'websocket']), capacity });
    bench.on('run-end', ({ index }) => {
      if (index === 0) bench.abort('SIGTERM');
    });
    const results = await bench.run();
    expect(results.runs.map((run) => run.strategy.name)).toEqual(['short-polling']);
    expect(results.capacity).toEqual([]);
    const interrupted = results.interrupted!;
    expect(interrupted).toMatchObject({ signal: 'SIGTERM', runsPlanned: 3, runsFinished: 1, probesPlanned: 3, probesFinished: 0 });
    expect(
      interrupted.notRun.map((step) =>
        step.kind === 'run' ? `${step.strategy.name} ${step.strategy.title}` : `${step.endpoint} ${step.httpVersion}`,
      ),
    ).toEqual(['sse Server-sent events', 'websocket WebSocket', 'short-poll 1.1', 'long-poll 1.1', 'publish 1.1']);
    expect(bench.childPids.filter(isAlive)).toEqual([]);
  });
});
