import { describe, expect, it } from 'vitest';
import { pushClientsPerCore, shortPollClientsPerCore } from '../../results/metrics.js';

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
