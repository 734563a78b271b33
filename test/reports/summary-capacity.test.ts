import { describe, expect, it } from 'vitest';
import type { CapacityFigures } from '../../results/results.js';
import { capacityLines } from '../../reports/summary-capacity.js';
import { capacityFigures, capacityProbe } from './fixture.js';

const figures = (requestsPerSec: number, serverCpuShare: number, extra: Partial<CapacityFigures> = {}) =>
  capacityFigures(requestsPerSec, { serverCpuShare, ...extra });

describe('the capacity lines of the terminal summary', () => {
  it('show each endpoint’s requests/s beside its floor’s, and the ratio', () => {
    const lines = capacityLines([
      capacityProbe('short-poll', figures(54_000, 0.9), figures(67_500, 0.95)),
      capacityProbe('long-poll', figures(30_000, 1), figures(60_000, 0.9)),
      capacityProbe('publish', figures(20_000, 1), figures(0, 0, { problem: { code: 'floor-not-measured', reason: 'floor process exited' } })),
    ]);
    expect(lines).toEqual([
      'capacity (autocannon, 50 connections, 5 s per endpoint and per floor):',
      '',
      'endpoint     req/s  floor req/s  of floor  p50 ms  p99 ms  server CPU  req/s per core  errors',
      'short-poll  54,000       67,500     0.80×     1.2     4.5        90 %          60,000       0',
      'long-poll   30,000       60,000     0.50×     1.2     4.5       100 %          30,000       0',
      'publish     20,000       FAILED         —     1.2     4.5       100 %          20,000       0',
      '',
      'floor: node:http alone answering the same bytes on the same path, in its own process, right after the endpoint',
      'publish: the floor could not be measured: floor process exited',
      '',
      'one server core answers the empty polls of 60,000 short-polling clients polling every second',
      '',
    ]);
  });

  it('print the floor problem of an older results file as its sentence', () => {
    const lines = capacityLines([
      capacityProbe('publish', figures(20_000, 1), figures(0, 0, { problem: 'the floor could not be measured: timeout' })),
    ]);
    expect(lines).toContain('publish: the floor could not be measured: timeout');
  });

  it('print a dash for results written before floors were probed', () => {
    const lines = capacityLines([capacityProbe('short-poll', figures(8_000, 1))]);
    expect(lines[3]).toBe('short-poll  8,000            —         —     1.2     4.5       100 %           8,000       0');
    expect(lines).not.toContain('floor: node:http alone answering the same bytes on the same path, in its own process, right after the endpoint');
  });
});
