import type { RedisTraffic } from '../../servers/log/redis/redis-traffic.js';
import type { ServerStats } from '../../servers/observe/stats.js';
import type { TimelineBucket } from '../measure/server-timeline.js';
import type { ByteCounts } from '../../servers/contract/byte-counts.js';

/** What one worker of a cluster run reports; the primary adds the workers' reports into one ServerReport. */
export interface WorkerReport {
  stats: ServerStats;
  /** User + system CPU since openWindow (or since it started, for a replacement), ms. */
  cpuMs: number;
  eventLoopDelayP99Us: number;
  eventLoopDelayMaxUs: number;
  peakRssBytes: number;
  rssBeforeClientsBytes?: number;
  rssConnectedBytes?: number;
  connectionsAtRssSample?: number;
}

/** The calls a cluster primary (bench/children/cluster-process.ts) makes to each of its workers (bench/children/cluster-worker.ts). */
export interface WorkerProtocol {
  /** Opens the Redis source and listens on `port` (0 for the first worker: the port is then the cluster's). */
  start: [
    { strategy: string; longPollTimeoutMs: number; port: number; redisUrl: string; keyPrefix: string; publishToken?: string },
    { port: number },
  ];
  openWindow: [void, void];
  attached: [{ strategy: string }, number];
  strategyTraffic: [{ strategy: string }, { requests: number; bytes: ByteCounts }];
  /** RSS after a full collection and the strategy's open connections; the collection's CPU is left out. */
  markConnected: [{ strategy: string }, void];
  collect: [{ strategy: string; closeTimeoutMs: number }, WorkerReport];
  timeline: [void, TimelineBucket[]];
  redisTraffic: [void, RedisTraffic];
  shutdown: [void, void];
}
