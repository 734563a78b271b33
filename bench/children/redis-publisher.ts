import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS } from '../../servers/constants.js';
import { nowMs } from '../../servers/contract/message.js';
import type { RedisLog } from '../../servers/log/redis/redis-log.js';
import { LoadMonitor } from '../measure/process-load.js';
import type { ScheduleReport } from '../ipc/protocol.js';
import { playSchedule } from '../plan/schedule.js';

/**
 * The schedule played straight into the log in Redis, as an application back end next to the servers would: sent
 * in schedule order on one connection, so Redis assigns the seqs in that order, each awaited at the end.
 * `onStored` counts each publish Redis has acknowledged (a fault run's count before the kill).
 */
export async function publishIntoRedis(
  log: RedisLog,
  schedule: { offsetsMs: number[]; durationMs: number; payloadBytes: number; startAtMs?: number },
  onStored: () => void = () => {},
): Promise<ScheduleReport> {
  const { offsetsMs, durationMs, payloadBytes, startAtMs } = schedule;
  const payload = 'x'.repeat(payloadBytes);
  const startedAt = startAtMs === undefined ? performance.now() : performance.now() - (nowMs() - startAtMs);
  const report: ScheduleReport = { published: 0, lastSeq: 0, latePublishes: 0, maxLagMs: 0 };
  const monitor = new LoadMonitor();
  monitor.start();
  const pending: Promise<number>[] = [];
  await playSchedule({ offsetsMs, durationMs, startedAt }, report, () => {
    const publishing = log.publish(payload, undefined, { ringSize: DEFAULT_LIMITS.ringSize, payloadDepth: DEFAULT_LIMITS.payloadDepth, floor: 0 });
    pending.push(
      publishing.then((message) => {
        onStored();
        return message.seq;
      }),
    );
  });
  const seqs = await Promise.all(pending);
  return { ...report, published: seqs.length, lastSeq: Math.max(0, ...seqs), seqs, load: monitor.stop() };
}
