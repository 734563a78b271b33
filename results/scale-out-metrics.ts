import { ratio } from './metrics.js';
import type { BrokerCost, RunResult } from './results.js';

/**
 * The scale-out figures, computed once for the report and the terminal summary. Null when a divisor is zero or a
 * figure could not be measured, so a rendering prints "—".
 */

/** Messages delivered per second of server CPU (every server process, the cluster primary included). */
export function deliveriesPerServerCpuSecond(run: Pick<RunResult, 'messages' | 'server'>): number | null {
  return ratio(run.messages.delivered, run.server.cpuMs / 1000);
}

/** Redis's own CPU per 1,000 published messages, ms. */
export function redisCpuMsPerThousand(broker: BrokerCost): number | null {
  return broker.redisCpuMs === null ? null : ratio(broker.redisCpuMs * 1000, broker.published);
}

/** Bytes between the server processes and Redis per published message, both ways, and each way. */
export function brokerBytesPerMessage(broker: BrokerCost): { total: number | null; toRedis: number | null; fromRedis: number | null } {
  return {
    total: ratio(broker.bytesToRedis + broker.bytesFromRedis, broker.published),
    toRedis: ratio(broker.bytesToRedis, broker.published),
    fromRedis: ratio(broker.bytesFromRedis, broker.published),
  };
}
