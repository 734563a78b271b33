import type { Results, RunResult, StrategyLabel } from '../../results/results.js';
import { longPollingRun, makeResults, shortPollingRun, webSocketRun } from './fixture.js';

/**
 * The quick fixture plus the three reference peers, with figures chosen so every ratio comes out exact:
 * - WebSocket vs bare ws: 500 deliveries in 45 vs 40 ms of server CPU = 11,111.1 vs 12,500 per CPU second
 *   (0.89×, behind); p99 1.72 vs 1.70 ms (1.01×, on par).
 * - Long polling vs Socket.IO polling: 557 vs 580 B per message (0.96×, on par); 240 vs 200 ms CPU per 1,000
 *   (1.20×, behind); p99 6.90 vs 5.00 ms (1.38×, behind beyond the ±25 % of latency).
 * - WebSocket vs Socket.IO WebSocket: 191 vs 220 B (0.87×), 90 vs 120 ms (0.75×), p99 1.72 vs 2.40 ms (0.72×):
 *   ahead on all three.
 */
function peer(base: RunResult, strategy: StrategyLabel, changes: Partial<RunResult>): RunResult {
  return { ...base, strategy: { ...strategy, reference: true }, ...changes };
}

export function bareWsRun(): RunResult {
  const base = webSocketRun();
  return peer(
    base,
    { name: 'ws-bare', title: 'Bare ws loop', direction: 'push', connection: 'persistent', claim: 'C5' },
    {
      latencyUs: { ...base.latencyUs, p99: 1_700 },
      server: { ...base.server, cpuMs: 40 },
    },
  );
}

export function socketIoWebSocketRun(): RunResult {
  const base = webSocketRun();
  return peer(
    base,
    { name: 'socketio-ws', title: 'Socket.IO WebSocket', direction: 'push', connection: 'persistent', claim: 'C5' },
    {
      latencyUs: { ...base.latencyUs, p99: 2_400 },
      bytes: { ...base.bytes, clientToServer: 15_000, serverToClient: 95_000, serverSide: { clientToServer: 15_000, serverToClient: 95_000 } },
      server: { ...base.server, cpuMs: 60 },
    },
  );
}

export function socketIoPollingRun(): RunResult {
  const base = longPollingRun();
  return peer(
    base,
    { name: 'socketio-polling', title: 'Socket.IO polling', direction: 'pull', connection: 'held-request', claim: 'C3' },
    {
      latencyUs: { ...base.latencyUs, p99: 5_000 },
      bytes: { ...base.bytes, clientToServer: 110_000, serverToClient: 180_000, serverSide: { clientToServer: 110_000, serverToClient: 180_000 } },
      server: { ...base.server, cpuMs: 100 },
    },
  );
}

/** References listed first on purpose: the report must still put them after pushbench's own strategies. */
export function makePeerResults(): Results {
  const results = makeResults();
  results.meta.preset = 'peers';
  results.runs = [bareWsRun(), socketIoWebSocketRun(), ...results.runs, socketIoPollingRun()];
  return results;
}

/**
 * The quick fixture plus our polling through express, with figures chosen so the framework's cost comes out
 * exact: short polling 310 µs of server CPU per request (310 ms for 1,000 requests) against 1,240 µs through
 * express; long polling 218.18 µs (120 ms for 550) against 800 µs (440 ms for 550).
 */
export function expressShortPollingRun(): RunResult {
  const base = shortPollingRun();
  return peer(
    base,
    { name: 'express-short-polling', title: 'Short polling through express', direction: 'pull', connection: 'request-per-poll', claim: 'C2' },
    {
      latencyUs: { ...base.latencyUs, p99: 1_000_000 },
      server: { ...base.server, cpuMs: 1_240 },
    },
  );
}

export function expressLongPollingRun(): RunResult {
  const base = longPollingRun();
  return peer(
    base,
    { name: 'express-long-polling', title: 'Long polling through express', direction: 'pull', connection: 'held-request', claim: 'C3' },
    {
      latencyUs: { ...base.latencyUs, p99: 9_000 },
      server: { ...base.server, cpuMs: 440 },
    },
  );
}

export function makeFrameworkResults(): Results {
  const results = makeResults();
  results.meta.preset = 'peers';
  results.runs = [...results.runs, expressShortPollingRun(), expressLongPollingRun()];
  return results;
}

/**
 * Each of our HTTP strategies beside its bare loop, with figures chosen so each goal's reading is plain:
 * - short polling vs sp-bare: 310 vs 300 ms of server CPU (0.97× of the loop's efficiency, met); 923.72 vs
 *   850.72 B per message (73 header bytes more on each of 500 answers: 0.92×, met);
 * - long polling vs lp-bare: 120 vs 100 ms (0.83×, missed); the same bytes (met);
 * - server-sent events vs sse-bare: the same CPU and bytes (1.00×, met).
 */
export function makeBareLoopResults(): Results {
  const results = makeResults();
  results.meta.preset = 'peers';
  const shortPolling = shortPollingRun();
  const longPolling = longPollingRun();
  const sse: RunResult = {
    ...webSocketRun(),
    strategy: { name: 'sse', title: 'Server-sent events', direction: 'push', connection: 'persistent', claim: 'C5' },
  };
  const bytesLess = (run: RunResult, less: number): RunResult['bytes'] => ({
    ...run.bytes,
    serverToClient: run.bytes.serverToClient - less,
    serverSide: { ...run.bytes.serverSide, serverToClient: run.bytes.serverSide.serverToClient - less },
  });
  results.runs = [
    shortPolling,
    longPolling,
    sse,
    peer(
      shortPolling,
      { name: 'sp-bare', title: 'Bare short-poll loop', direction: 'pull', connection: 'request-per-poll', claim: 'C2' },
      { server: { ...shortPolling.server, cpuMs: 300 }, bytes: bytesLess(shortPolling, 73 * 500) },
    ),
    peer(
      longPolling,
      { name: 'lp-bare', title: 'Bare long-poll loop', direction: 'pull', connection: 'held-request', claim: 'C3' },
      { server: { ...longPolling.server, cpuMs: 100 } },
    ),
    peer(sse, { name: 'sse-bare', title: 'Bare SSE loop', direction: 'push', connection: 'persistent', claim: 'C5' }, {}),
  ];
  return results;
}
