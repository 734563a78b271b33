import { describe, expect, it } from 'vitest';
import { parseAccessLog } from '../../../bench/measure/access-log.js';
import { mostAtOnce, stackAnswers } from '../../../bench/measure/stack-answers.js';

/** Lines in the stack's access-log format: end (s), status, bytes in and out, duration (s), connection, path, messages, worker start (s). */
const LOG = [
  // Before the window: the stack's own readiness check.
  '1000.000 200 80 300 0.001 1 "/page" "-" "999.999500"',
  '1010.000 200 200 400 2.000 2 "/api/long-poll" "1" "1008.000000"',
  '1010.500 200 200 380 2.500 3 "/api/long-poll" "0" "1009.000000"',
  '1011.000 504 200 350 60.000 4 "/api/long-poll" "-" "-"',
  '1011.200 200 200 400 1.000 2 "/api/long-poll" "2" "1010.700000"',
  '1011.300 202 250 150 0.004 5 "/api/publish" "-" "1011.299000"',
  '1011.400 499 200 0 0.500 6 "/api/long-poll" "-" "1010.900000"',
  'a line of something else',
].join('\n');

describe('nginx’s access log, counted', () => {
  const entries = parseAccessLog(LOG);

  it('reads every line of its format, and only those', () => {
    expect(entries).toHaveLength(7);
    expect(entries[1]).toEqual({
      endMs: 1_010_000,
      status: 200,
      requestBytes: 200,
      sentBytes: 400,
      durationMs: 2_000,
      connection: 2,
      path: '/api/long-poll',
      messages: 1,
      workerStartMs: 1_008_000,
    });
    expect(entries[3].messages).toBeNull();
    expect(entries[3].workerStartMs).toBeNull();
  });

  it('counts the window’s requests of the strategy’s path as our server counts its own', () => {
    const counted = stackAnswers(entries, {
      path: '/api/long-poll',
      publishPath: '/api/publish',
      originWallMs: 1_005_000,
      sampleAtMs: [5_000, 5_900],
    });
    expect(counted.counters).toMatchObject({
      requests: 5,
      withMessages: 2,
      empty: 1,
      failed: 2,
      failedByStatus: { 499: 1, 504: 1 },
      messagesSent: 3,
      bytes: { clientToServer: 1_000, serverToClient: 1_530 },
      connections: { opened: 4, open: 0, peak: 3 },
    });
    expect(counted.answers).toEqual({ '/api/long-poll': { 200: 3, 499: 1, 504: 1 }, '/api/publish': { 202: 1 } });
    expect(counted.gatewayErrors).toEqual([[6_000, 504, '/api/long-poll']]);
    // In progress at 1,010.0 s: the 504 (from 951 s), the one that ends then does not count, the 2.5 s one and the 499's.
    expect(counted.inProgress).toEqual([
      [5_000, 2],
      [5_900, 3],
    ]);
    expect(counted.workerWaitUs['/api/long-poll'].count).toBe(4);
    expect(counted.publishes?.byStatus).toEqual({ 202: 1 });
    expect(counted.publishes?.latencyUs.count).toBe(1);
  });

  it('finds the most intervals at once, an end before a start at the same instant', () => {
    expect(mostAtOnce([])).toBe(0);
    expect(
      mostAtOnce([
        [0, 10],
        [10, 20],
        [5, 15],
      ]),
    ).toBe(2);
  });
});
