import type { ByteCounts, ConnectionCounts } from '../../servers/contract/byte-counts.js';
import type { ServerStats, StrategyCounters } from '../../servers/observe/stats.js';

/**
 * The /api/stats of several server processes behind one port as one: counts, bytes and connections add up.
 * Peaks add up too, which is an upper bound: the processes need not have peaked at the same moment.
 */
export function mergeServerStats(all: readonly ServerStats[]): ServerStats {
  if (all.length === 0) throw new Error('no server stats to merge');
  const strategies: Record<string, StrategyCounters> = {};
  for (const stats of all) {
    for (const [name, counters] of Object.entries(stats.strategies)) {
      const into = strategies[name];
      strategies[name] = into ? addCounters(into, counters) : { ...counters, failedByStatus: { ...counters.failedByStatus } };
    }
  }
  return {
    uptimeMs: Math.max(...all.map((s) => s.uptimeMs)),
    // Every process mirrors the same log; the one furthest ahead is the log's head.
    source: all.reduce((best, s) => (s.source.head > best.head ? s.source : best), all[0].source),
    strategies,
    control: {
      bytes: all.map((s) => s.control.bytes).reduce(addBytes),
      connections: all.map((s) => s.control.connections).reduce(addConnections),
      failedByStatus: all.map((s) => s.control.failedByStatus).reduce(addByStatus, {}),
    },
    http: all.map((s) => s.http).reduce(addNumbers),
    http2: all.map((s) => s.http2).reduce(addNumbers),
    process: {
      cpuUserUs: sum(all.map((s) => s.process.cpuUserUs)),
      cpuSystemUs: sum(all.map((s) => s.process.cpuSystemUs)),
      rssBytes: sum(all.map((s) => s.process.rssBytes)),
      peakRssBytes: sum(all.map((s) => s.process.peakRssBytes)),
    },
  };
}

function addCounters(a: StrategyCounters, b: StrategyCounters): StrategyCounters {
  return {
    requests: a.requests + b.requests,
    withMessages: a.withMessages + b.withMessages,
    empty: a.empty + b.empty,
    failed: a.failed + b.failed,
    failedByStatus: addByStatus(a.failedByStatus, b.failedByStatus),
    cut: a.cut + b.cut,
    bufferedBytes: a.bufferedBytes + b.bufferedBytes,
    messagesSent: a.messagesSent + b.messagesSent,
    answerBodyBytes: a.answerBodyBytes + b.answerBodyBytes,
    attached: a.attached + b.attached,
    attachedPeak: a.attachedPeak + b.attachedPeak,
    connections: addConnections(a.connections, b.connections),
    bytes: addBytes(a.bytes, b.bytes),
  };
}

function addBytes(a: ByteCounts, b: ByteCounts): ByteCounts {
  return { clientToServer: a.clientToServer + b.clientToServer, serverToClient: a.serverToClient + b.serverToClient };
}

function addConnections(a: ConnectionCounts, b: ConnectionCounts): ConnectionCounts {
  return { opened: a.opened + b.opened, open: a.open + b.open, peak: a.peak + b.peak };
}

function addByStatus(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const merged = { ...a };
  for (const [status, count] of Object.entries(b)) merged[status] = (merged[status] ?? 0) + count;
  return merged;
}

/** Two records of counts, key by key. */
function addNumbers<T extends object>(a: T, b: T): T {
  const merged = { ...a } as Record<string, number>;
  for (const [key, value] of Object.entries(b)) if (typeof value === 'number') merged[key] = (merged[key] ?? 0) + value;
  return merged as T;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
