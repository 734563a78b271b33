import { describe, expect, it } from 'vitest';
import { mergeServerStats } from '../../../bench/children/cluster-stats.js';
import type { ServerStats, StrategyCounters } from '../../../servers/observe/stats.js';

function counters(n: number): StrategyCounters {
  return {
    requests: 10 * n,
    withMessages: 4 * n,
    empty: 6 * n,
    failed: n,
    failedByStatus: { '503': n },
    cut: 0,
    bufferedBytes: 100 * n,
    messagesSent: 40 * n,
    answerBodyBytes: 900 * n,
    attached: 5 * n,
    attachedPeak: 6 * n,
    connections: { opened: 7 * n, open: 5 * n, peak: 6 * n },
    bytes: { clientToServer: 1_000 * n, serverToClient: 3_000 * n },
  };
}

function stats(n: number, head: number): ServerStats {
  const base = {
    uptimeMs: 1_000 * n,
    source: { head, oldest: head - 5, ringSize: 10_000 },
    strategies: { websocket: counters(n) },
    control: {
      bytes: { clientToServer: 10 * n, serverToClient: 20 * n },
      connections: { opened: n, open: 0, peak: 1 },
      failedByStatus: { '404': n },
    },
    process: { cpuUserUs: 100 * n, cpuSystemUs: 50 * n, rssBytes: 1_000_000 * n, peakRssBytes: 2_000_000 * n },
  };
  // Counters beside the strategies' that this merge does not name add up key by key too.
  const http2 = { sessionsOpened: 4 * n, openSessions: n, closedBeforeAnyStream: 0, refusedSockets: n };
  return { ...base, http: { pipelinedBehindStream: n, longPollsNotHeld: 0, waitedForSendBudget: 2 * n }, http2 } as unknown as ServerStats;
}

describe('mergeServerStats', () => {
  it('adds up the counts, bytes, connections and processes of several server processes', () => {
    const merged = mergeServerStats([stats(1, 100), stats(2, 102)]);
    expect(merged.strategies.websocket).toEqual({ ...counters(3), failedByStatus: { '503': 3 } });
    expect(merged.control).toEqual({
      bytes: { clientToServer: 30, serverToClient: 60 },
      connections: { opened: 3, open: 0, peak: 2 },
      failedByStatus: { '404': 3 },
    });
    expect(merged.process).toEqual({ cpuUserUs: 300, cpuSystemUs: 150, rssBytes: 3_000_000, peakRssBytes: 6_000_000 });
    expect(merged.uptimeMs).toBe(2_000);
    // The log's head is the process that has read furthest.
    expect(merged.source.head).toBe(102);
    expect((merged as unknown as { http: Record<string, number> }).http).toEqual({
      pipelinedBehindStream: 3,
      longPollsNotHeld: 0,
      waitedForSendBudget: 6,
    });
    expect(merged.http2).toEqual({ sessionsOpened: 12, openSessions: 3, closedBeforeAnyStream: 0, refusedSockets: 3 });
  });

  it('refuses to merge nothing', () => {
    expect(() => mergeServerStats([])).toThrow('no server stats to merge');
  });
});
