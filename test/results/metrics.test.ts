import { describe, expect, it } from 'vitest';
import { clientRequestsPerCpuSecond, floorRatio, pushClientsPerCore, serverCpuUsPerRequest, shortPollClientsPerCore } from '../../results/metrics.js';

describe('clients per core', () => {
  it('turns a request rate and its CPU share into short-polling clients at an interval', () => {
    // 3,000 req/s using 75 % of a core: 4,000 requests per CPU-second; polling every 2 s, 8,000 clients.
    expect(shortPollClientsPerCore({ requestsPerSec: 3_000, serverCpuShare: 0.75 }, 2_000)).toBe(8_000);
    expect(shortPollClientsPerCore({ requestsPerSec: 3_000, serverCpuShare: 0 }, 2_000)).toBeNull();
  });

  it('turns delivered messages and CPU time into push clients at a message rate', () => {
    // 100,000 messages for 2 s of CPU: 50,000 a CPU-second; at 2 messages a second each, 25,000 clients.
    expect(pushClientsPerCore(100_000, 2_000, 2)).toBe(25_000);
    expect(pushClientsPerCore(100_000, 0, 1)).toBeNull();
  });
});

describe('server CPU per request', () => {
  it('divides the whole run’s server CPU by the requests the clients sent, in µs', () => {
    // 1,234 ms of CPU for 8,000 requests: 154.25 µs each.
    expect(
      serverCpuUsPerRequest({
        server: { cpuMs: 1_234, peakRssBytes: 0, eventLoopDelayP99Us: 0 },
        requests: { total: 8_000, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
      }),
    ).toBe(154.25);
    expect(
      serverCpuUsPerRequest({
        server: { cpuMs: 1_234, peakRssBytes: 0, eventLoopDelayP99Us: 0 },
        requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
      }),
    ).toBeNull();
  });
});

describe('requests per second of client CPU', () => {
  it('divides the steady window’s requests by the clients’ CPU over it', () => {
    // 12,000 requests for 750 ms of client CPU: 16,000 a CPU-second.
    expect(clientRequestsPerCpuSecond({ requests: 12_000, clientCpuMs: 750 })).toBe(16_000);
  });

  it('has none without requests, without the CPU, or without the window', () => {
    expect(clientRequestsPerCpuSecond({ requests: 0, clientCpuMs: 750 })).toBeNull();
    expect(clientRequestsPerCpuSecond({ requests: 12_000, clientCpuMs: 0 })).toBeNull();
    expect(clientRequestsPerCpuSecond({ requests: 12_000 })).toBeNull();
    expect(clientRequestsPerCpuSecond(undefined)).toBeNull();
  });
});

describe('a capacity probe against its floor', () => {
  // floorRatio reads only the rates and the problems, so that is all these probes carry.
  it('is the endpoint’s requests/s over the floor’s', () => {
    expect(floorRatio({ requestsPerSec: 54_000, floor: { requestsPerSec: 67_500 } })).toBe(0.8);
  });

  it('has no ratio when either side failed or the floor was not probed', () => {
    expect(floorRatio({ requestsPerSec: 54_000 })).toBeNull();
    expect(floorRatio({ requestsPerSec: 54_000, floor: { requestsPerSec: 0, problem: 'the floor could not be measured: x' } })).toBeNull();
    expect(floorRatio({ requestsPerSec: 0, problem: 'the probe could not be measured: y', floor: { requestsPerSec: 67_500 } })).toBeNull();
    expect(floorRatio({ requestsPerSec: 54_000, floor: { requestsPerSec: 0 } })).toBeNull();
  });
});
