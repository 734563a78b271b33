import type { LatencySummary, StackRecord } from '../../results/results.js';
import { MAX_GATEWAY_ERRORS } from '../../results/stack.js';
import type { StrategyCounters } from '../../servers/observe/stats.js';
import type { AccessLogEntry } from './access-log.js';
import { createLatencyHistogram, summarizeLatency } from './histogram.js';

/** What nginx's access log says about one run's window: the strategy's counters, and the stack's answers. */
export interface StackAnswers {
  counters: StrategyCounters;
  answers: StackRecord['answers'];
  gatewayErrors: StackRecord['gatewayErrors'];
  workerWaitUs: Record<string, LatencySummary>;
  publishes: { byStatus: Record<string, number>; latencyUs: LatencySummary } | undefined;
  /** [ms since the origin, requests of the strategy in progress at that instant], at each of `sampleAtMs`. */
  inProgress: [number, number][];
  /** Requests on the strategy's path over the window. */
  requests: number;
}

/**
 * Counts the window's requests (those that ended after `originWallMs`) as our server counts its own: per path and
 * status, bytes as nginx read and wrote them on the clients' connections, messages per answer (the script's hidden
 * header), requests in progress at once (from each request's start and end), 502s and 504s in order, the wait for a
 * worker, the publishes.
 */
export function stackAnswers(
  entries: readonly AccessLogEntry[],
  options: { path: string | null; publishPath: string; originWallMs: number; sampleAtMs: readonly number[] },
): StackAnswers {
  const { path, publishPath, originWallMs } = options;
  // null: every path but the publisher's is the strategy's (nginx in front of our server sees only its clients).
  const isStrategys = (entryPath: string) => (path === null ? entryPath !== publishPath : entryPath === path);
  const window = entries.filter((entry) => entry.endMs >= originWallMs);
  const answers: StackRecord['answers'] = {};
  const gatewayErrors: StackRecord['gatewayErrors'] = [];
  const waits = new Map<string, ReturnType<typeof createLatencyHistogram>>();
  const publishLatency = createLatencyHistogram();
  const publishStatuses: Record<string, number> = {};
  const counters: StrategyCounters = {
    requests: 0,
    withMessages: 0,
    empty: 0,
    failed: 0,
    failedByStatus: {},
    cut: 0,
    bufferedBytes: 0,
    messagesSent: 0,
    // nginx logs whole answers (bytes_sent), not the scripts' bodies: the report then shows no body share.
    answerBodyBytes: 0,
    attached: 0,
    attachedPeak: 0,
    connections: { opened: 0, open: 0, peak: 0 },
    bytes: { clientToServer: 0, serverToClient: 0 },
  };
  const connections = new Map<number, [number, number]>();
  const spans: [number, number][] = [];
  for (const entry of window) {
    const byStatus = (answers[entry.path] ??= {});
    byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
    const startMs = entry.endMs - entry.durationMs;
    if ((entry.status === 502 || entry.status === 504) && gatewayErrors.length < MAX_GATEWAY_ERRORS) {
      gatewayErrors.push([Math.round(entry.endMs - originWallMs), entry.status, entry.path]);
    }
    if (entry.workerStartMs !== null) {
      let histogram = waits.get(entry.path);
      if (!histogram) waits.set(entry.path, (histogram = createLatencyHistogram()));
      histogram.recordValue(Math.max(0, Math.round((entry.workerStartMs - startMs) * 1000)));
    }
    if (entry.path === publishPath) {
      publishStatuses[entry.status] = (publishStatuses[entry.status] ?? 0) + 1;
      if (entry.status === 202) publishLatency.recordValue(Math.max(1, Math.round(entry.durationMs * 1000)));
    }
    if (!isStrategys(entry.path)) continue;
    counters.requests++;
    counters.bytes.clientToServer += entry.requestBytes;
    counters.bytes.serverToClient += entry.sentBytes;
    if (entry.status === 200 && entry.messages !== null) {
      if (entry.messages > 0) counters.withMessages++;
      else counters.empty++;
      counters.messagesSent += entry.messages;
    } else if (entry.status !== 200) {
      counters.failed++;
      counters.failedByStatus[entry.status] = (counters.failedByStatus[entry.status] ?? 0) + 1;
    }
    spans.push([startMs, entry.endMs]);
    const seen = connections.get(entry.connection);
    connections.set(entry.connection, seen ? [Math.min(seen[0], startMs), Math.max(seen[1], entry.endMs)] : [startMs, entry.endMs]);
  }
  counters.attachedPeak = mostAtOnce(spans);
  counters.connections = { opened: connections.size, open: 0, peak: mostAtOnce([...connections.values()]) };
  return {
    counters,
    answers,
    gatewayErrors,
    workerWaitUs: Object.fromEntries([...waits].map(([route, histogram]) => [route, summarizeLatency(histogram)])),
    publishes: Object.keys(publishStatuses).length > 0 ? { byStatus: publishStatuses, latencyUs: summarizeLatency(publishLatency) } : undefined,
    inProgress: options.sampleAtMs.map((at) => {
      const wall = originWallMs + at;
      return [at, spans.filter(([start, end]) => start <= wall && wall < end).length];
    }),
    requests: counters.requests,
  };
}

/** The most intervals [start, end) that overlap at one instant. */
export function mostAtOnce(spans: readonly (readonly [number, number])[]): number {
  const edges: [number, number][] = [];
  for (const [start, end] of spans) edges.push([start, 1], [end, -1]);
  // At one instant, an end comes before a start: back-to-back requests on one connection are not two at once.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) {
    now += step;
    most = Math.max(most, now);
  }
  return most;
}
