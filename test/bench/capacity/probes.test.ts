import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureAnswer, FloorServer } from '../../../bench/capacity/floor.js';
import { captureHttp2Answer, Http2FloorServer } from '../../../bench/capacity/http2-floor.js';
import { CAPACITY_ENDPOINT_NAMES } from '../../../bench/capacity/probes.js';
import { Bench } from '../../../bench/run/harness.js';
import { capacityLines } from '../../../reports/summary-capacity.js';
import { ThrowawayCertificate } from '../../../servers/wire/certificate.js';
import { missing } from '../../requirements.js';

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

describe.skipIf(missing(['openssl', 'h2load'], 'the capacity probes over TLS'))('the capacity probes over TLS', () => {
  it(
    'drive every endpoint over https (autocannon) and h2 by ALPN (h2load), beside node:https and node:http2 secure floors',
    { timeout: 180_000 },
    async () => {
      const bench = new Bench({
        preset: 'capacity',
        command: 'vitest',
        runs: [],
        capacity: {
          durationSec: 1,
          warmupSec: 0,
          connections: 4,
          scenario: { payloadBytes: 50 },
          httpVersions: ['1.1', '2'],
          tls: [true],
        },
      });
      const results = await bench.run();
      const probes = results.capacity!;
      const name = (p: (typeof probes)[number]) => `${p.endpoint} ${p.httpVersion ?? '1.1'} ${p.tls ? 'tls' : 'clear'}`;
      expect(probes.map(name)).toEqual(['1.1', '2'].flatMap((version) => CAPACITY_ENDPOINT_NAMES.map((endpoint) => `${endpoint} ${version} tls`)));
      for (const probe of probes) {
        expect(probe.problem, name(probe)).toBeUndefined();
        expect([probe.errors, probe.non2xx], name(probe)).toEqual([0, 0]);
        expect(probe.requestsPerSec, name(probe)).toBeGreaterThan(0);
        expect(probe.floor?.problem, name(probe)).toBeUndefined();
        expect([probe.floor!.errors, probe.floor!.non2xx], name(probe)).toEqual([0, 0]);
        expect(probe.floor!.requestsPerSec, name(probe)).toBeGreaterThan(0);
      }
      // autocannon counts what it reads after TLS: the floor answers the endpoint's empty poll byte for byte (the Date
      // keeps its length). h2load counts every frame, and HPACK codes the floor's header fields in its own way.
      const shortPoll = probes.find((p) => p.endpoint === 'short-poll' && p.httpVersion !== '2')!;
      expect(shortPoll.floor!.bytesPerResponse).toBe(shortPoll.bytesPerResponse);
      expect(capacityLines(probes).join('\n')).toContain('short-poll (HTTP/2, TLS)');
      // The bench's certificate is gone with it, and so is every process it started.
      expect(existsSync(bench.certificateDir!)).toBe(false);
      expect(bench.childPids.filter(isAlive)).toEqual([]);
    },
  );

  it('a floor over TLS answers a client that trusts its certificate, and is refused by one that trusts another', async () => {
    const ours = ThrowawayCertificate.make();
    const other = ThrowawayCertificate.make();
    const answer = { statusCode: 200, statusMessage: 'OK', rawHeaders: ['Content-Length', '2'], bodyBase64: Buffer.from('{}').toString('base64') };
    const floors = [
      new FloorServer({ method: 'GET', path: '/x', answer, tls: ours }),
      new Http2FloorServer({ httpVersion: '2', method: 'GET', path: '/x', answer, tls: ours }),
    ];
    try {
      const [http1, http2] = await Promise.all(floors.map((floor) => floor.listen()));
      expect(http1).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await captureAnswer({ url: `${http1}/x`, method: 'GET', headers: {}, ca: ours.cert }, 5_000)).statusCode).toBe(200);
      expect((await captureHttp2Answer({ url: `${http2}/x`, method: 'GET', headers: {}, ca: ours.cert }, 5_000)).statusCode).toBe(200);
      await expect(captureAnswer({ url: `${http1}/x`, method: 'GET', headers: {}, ca: other.cert }, 5_000)).rejects.toThrow(/self[- ]signed|verify/i);
      await expect(captureHttp2Answer({ url: `${http2}/x`, method: 'GET', headers: {}, ca: other.cert }, 5_000)).rejects.toThrow(
        /self[- ]signed|verify/i,
      );
    } finally {
      await Promise.all(floors.map((floor) => floor.close()));
      ours.remove();
      other.remove();
    }
  });
});
