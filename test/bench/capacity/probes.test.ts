import { describe, expect, it } from 'vitest';
import { CAPACITY_ENDPOINT_NAMES } from '../../../bench/capacity/probes.js';
import { Bench } from '../../../bench/run/harness.js';
import { capacityLines } from '../../../reports/summary-capacity.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the capacity probes, end to end', () => {
  it(
    'drive every HTTP endpoint and its node:http floor with autocannon, each in its own process, and record rate, latency and CPU',
    { timeout: 120_000 },
    async () => {
      const bench = new Bench({
        preset: 'capacity',
        command: 'vitest',
        runs: [],
        capacity: { durationSec: 1, warmupSec: 0, connections: 8, scenario: { cookieBytes: 200, payloadBytes: 50 } },
      });
      const ended: string[] = [];
      bench.on('capacity-end', ({ result }) => ended.push(result.endpoint));
      const results = await bench.run();

      expect(ended).toEqual(CAPACITY_ENDPOINT_NAMES);
      expect(results.runs).toEqual([]);
      expect(results.capacity!.map((probe) => [probe.endpoint, probe.method, probe.path])).toEqual([
        ['short-poll', 'GET', '/api/poll?since=0'],
        ['long-poll', 'GET', '/api/long-poll?since=0'],
        ['publish', 'POST', '/api/publish'],
      ]);
      for (const probe of results.capacity!) {
        expect(probe.problem, probe.endpoint).toBeUndefined();
        expect(probe.errors, probe.endpoint).toBe(0);
        expect(probe.non2xx, probe.endpoint).toBe(0);
        expect(probe.requests, probe.endpoint).toBeGreaterThan(0);
        expect(probe.requestsPerSec, probe.endpoint).toBeGreaterThan(0);
        expect(probe.serverCpuShare, probe.endpoint).toBeGreaterThan(0);
        expect(probe.latencyUs.p99, probe.endpoint).toBeGreaterThanOrEqual(probe.latencyUs.p50);
        expect(probe.cookieBytes, probe.endpoint).toBe(200);
      }
      // The long poll found its message ready, so it answered with it (bigger than the empty short-poll answer).
      const [shortPoll, longPoll] = results.capacity!;
      expect(longPoll.bytesPerResponse).toBeGreaterThan(shortPoll.bytesPerResponse + 50);
      // Each endpoint's floor answered the same bytes (the Date header keeps its length), every request a 2xx.
      for (const probe of results.capacity!) {
        const floor = probe.floor!;
        expect(floor.problem, probe.endpoint).toBeUndefined();
        expect([floor.errors, floor.non2xx], probe.endpoint).toEqual([0, 0]);
        expect(floor.requestsPerSec, probe.endpoint).toBeGreaterThan(0);
        expect(floor.serverCpuShare, probe.endpoint).toBeGreaterThan(0);
        if (probe.endpoint !== 'publish') expect(floor.bytesPerResponse, probe.endpoint).toBe(probe.bytesPerResponse);
      }
      expect(capacityLines(results.capacity!)[0]).toBe('capacity (autocannon, 8 connections, 1 s per endpoint and per floor):');
      // A server, a floor and an autocannon process per endpoint, all gone.
      expect(bench.childPids).toHaveLength(9);
      expect(bench.childPids.filter(isAlive)).toEqual([]);
    },
  );
});
