import type { BrokerCost } from '../../results/results.js';
import type { RedisTraffic } from '../../servers/log/redis/redis-traffic.js';
import { delay, type RpcChild } from '../ipc/rpc.js';
import type { KillReport, ScheduleReport, ServerProtocol } from '../ipc/protocol.js';

/** The Redis a bench's runs with the Redis source use: its URL and, when it runs on this machine, its process. */
export interface BenchRedis {
  url: string;
  /** Redis's own CPU so far, ms (see bench/run/redis-service.ts); null when it cannot be read. */
  cpuMs(): Promise<number | null>;
}

/** The broker's counters at one instant: Redis's CPU and the bytes between the server processes and Redis. */
export interface BrokerSnapshot {
  redisCpuMs: number | null;
  traffic: RedisTraffic | null;
}

export async function brokerSnapshot(server: RpcChild<ServerProtocol>, redis: BenchRedis | undefined, callMs: number): Promise<BrokerSnapshot> {
  const traffic = await server.call('brokerTraffic', undefined, callMs);
  return { redisCpuMs: redis ? await redis.cpuMs() : null, traffic };
}

/** What the broker cost between two snapshots; null without a broker (the memory source). */
export function brokerCost(before: BrokerSnapshot, after: BrokerSnapshot, published: number): BrokerCost | null {
  if (!before.traffic || !after.traffic) return null;
  return {
    published,
    redisCpuMs: before.redisCpuMs === null || after.redisCpuMs === null ? null : after.redisCpuMs - before.redisCpuMs,
    bytesToRedis: after.traffic.bytesToRedis - before.traffic.bytesToRedis,
    bytesFromRedis: after.traffic.bytesFromRedis - before.traffic.bytesFromRedis,
  };
}

/**
 * A fault run on the Redis source: the publisher (the cluster's primary) keeps to its schedule while one server
 * process is SIGKILLed `killAtMs` into it and replaced; the log in Redis loses nothing, so every client should
 * get every message, from a survivor or from the replacement.
 */
export async function publishAcrossKill(
  server: RpcChild<ServerProtocol>,
  schedule: { offsetsMs: number[]; durationMs: number; payloadBytes: number },
  killAtMs: number,
  budgets: { scheduleMs: number; startMs: number },
): Promise<{ schedule: ScheduleReport; kill: KillReport }> {
  const running = server.call('runSchedule', schedule, budgets.scheduleMs);
  // A schedule that fails (Redis gone) fails the run; it must not go unhandled while we wait to kill.
  running.catch(() => {});
  await delay(killAtMs);
  const kill = await server.call('killOne', undefined, budgets.startMs);
  return { schedule: await running, kill };
}
