import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IDLE_WINDOW_MS } from '../../../bench/measure/process-load.js';
import { isAlive } from '../../helpers.js';
import { Bench, type BenchPlan } from '../../../bench/run/harness.js';
import { isValidRun, type Results, type Scenario } from '../../../results/results.js';
import { publishSchedule } from '../../../bench/plan/schedule.js';
import { findStrategy, STRATEGY_NAMES } from '../../../bench/plan/strategies.js';
import { splitTotal } from '../../../results/tls.js';

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

/** The strategies our own server serves: every one but those another stack serves (PHP on PHP-FPM). */
const SERVED_NAMES = STRATEGY_NAMES.filter((name) => findStrategy(name)?.info.servedBy !== 'php-fpm');

function plan(strategies: string[]): BenchPlan {
  return { preset: 'test', command: 'vitest', runs: strategies.map((strategy) => ({ strategy, scenario: TINY })) };
}

describe('the bench harness, end to end', () => {
  // Every strategy of our server, the bare loops and other references included, runs one after another: a guard
  // against a hang, with room for a shared machine. The PHP strategies run on their own stack and the Redis source,
  // in the stack’s own bench runs (test/bench/run/stack-runs.test.ts).
  it('measures every strategy over real processes, exactly, and leaves no process behind', { timeout: 240_000 }, async () => {
    const bench = new Bench(plan([...SERVED_NAMES]));
    const ended: string[] = [];
    bench.on('run-end', ({ run }) => ended.push(run.strategy.name));
    const results: Results = await bench.run();

    expect(ended).toEqual(SERVED_NAMES);
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

    expect(bench.childPids).toHaveLength(2 * SERVED_NAMES.length);
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

describe('the bench harness over TLS', () => {
  it(
    'runs the own strategies in cleartext and over TLS, splits the TLS bytes exactly, probes the handshakes and removes its certificate',
    { timeout: 180_000 },
    async () => {
      const own = ['short-polling', 'long-polling', 'websocket', 'sse'];
      const runs = [
        ...own.map((strategy) => ({ strategy, scenario: TINY })),
        ...own.map((strategy) => ({ strategy, scenario: { ...TINY, tls: 'on' as const } })),
        // Short polls on a connection each: every poll after a client's first resumes its session from a ticket.
        { strategy: 'short-polling', scenario: { ...TINY, tls: 'on' as const, keepAlive: 'off' as const } },
      ];
      const bench = new Bench({ preset: 'test', command: 'vitest', runs });
      const results = await bench.run();
      expect(bench.certificateDir).toBeDefined();
      expect(existsSync(bench.certificateDir!)).toBe(false);
      expect(results.runs).toHaveLength(runs.length);
      for (const run of results.runs) {
        const name = `${run.strategy.name} ${run.scenario.tls ?? 'off'} ${run.scenario.keepAlive ?? 'on'}`;
        expect(run.problems, name).toEqual([]);
        expect(run.bytes.clientToServer, name).toBe(run.bytes.serverSide.clientToServer);
        expect(run.bytes.serverToClient, name).toBe(run.bytes.serverSide.serverToClient);
        if (run.scenario.tls !== 'on') {
          expect(run.tls, name).toBeUndefined();
          continue;
        }
        const { split, serverSideApplication, handshakes, resumed, failedHandshakes } = run.tls!;
        if (!split) throw new Error(`${name}: simulated clients split their TLS bytes`);
        // The split is every byte, and its application part the plaintext the server's TLS sockets counted.
        expect(splitTotal(split.clientToServer), name).toBe(run.bytes.clientToServer);
        expect(splitTotal(split.serverToClient), name).toBe(run.bytes.serverToClient);
        expect({ clientToServer: split.clientToServer.application, serverToClient: split.serverToClient.application }, name).toEqual(
          serverSideApplication,
        );
        expect(handshakes, name).toBe(run.connections.opened);
        expect(failedHandshakes, name).toBe(0);
        // One connection per client, or one per poll: each client's first handshake is full, every later one resumed.
        expect(resumed, name).toBe(handshakes - TINY.clients);
        if (run.scenario.keepAlive === 'off') expect(handshakes, name).toBe(run.requests.total);
        else expect(handshakes, name).toBe(TINY.clients);
      }
      // The same traffic in cleartext and over TLS: the WebSocket's application bytes up are its cleartext bytes
      // exactly, but for the browser's Origin in each client's upgrade request, which names https: (one byte longer
      // than http:). Down, each message's time `t` is the server's clock in ms with a fraction, 13 digits and up to
      // 17 in all as JSON writes a double: the same frame may be up to 5 bytes longer or shorter from run to run.
      const websocket = results.runs.filter((run) => run.strategy.name === 'websocket');
      expect(websocket[1].tls!.split!.clientToServer.application).toBe(websocket[0].bytes.clientToServer + TINY.clients * 1);
      const frames = websocket[1].messages.delivered;
      const down = websocket[1].tls!.split!.serverToClient.application - websocket[0].bytes.serverToClient;
      expect(Math.abs(down)).toBeLessThanOrEqual(frames * 5);
      const probe = results.tlsHandshakes!;
      expect(probe.problem).toBeUndefined();
      expect(probe.full.connections).toBeGreaterThanOrEqual(20);
      expect(probe.resumed.connections).toBeGreaterThanOrEqual(20);
      expect(probe.tcp.bytesPerConnection).toEqual({ clientToServer: 0, serverToClient: 0 });
      // A resumed handshake sends no certificate: far fewer bytes down than a full one.
      expect(probe.resumed.bytesPerConnection.serverToClient).toBeLessThan(probe.full.bytesPerConnection.serverToClient / 2);
      expect(probe.cipher).toMatch(/^TLS_AES_\d+_GCM_SHA\d+, ECDSA P-256$|^TLS_CHACHA20_POLY1305_SHA256, ECDSA P-256$/);
      expect(bench.childPids.filter(isAlive)).toEqual([]);
    },
  );
});
