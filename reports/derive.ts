import { perDeliveredMessage, ratio, type PerDeliveredMessage } from '../results/metrics.js';
import type { RunResult } from '../results/results.js';

/**
 * What the report shows of a run beside its per-delivered-message figures (results/metrics.ts): the delivered
 * share, the cross-check of the byte counts and the wait a short poll should show. Null where a divisor is zero.
 */
export interface DerivedMetrics extends PerDeliveredMessage {
  /** delivered / expected. */
  deliveredShare: number | null;
  /** Largest relative gap between the client-side and server-side byte counts, over both directions. */
  byteCountMismatch: number | null;
  /** Mean latency a short poll should show: half the poll interval, in microseconds like latencyUs. */
  expectedPollWaitUs: number;
}

function mismatch(client: number, server: number): number | null {
  const larger = Math.max(client, server);
  return larger > 0 ? Math.abs(client - server) / larger : null;
}

export function deriveMetrics(run: RunResult): DerivedMetrics {
  const { clientToServer, serverToClient, serverSide } = run.bytes;
  const up = mismatch(clientToServer, serverSide.clientToServer);
  const down = mismatch(serverToClient, serverSide.serverToClient);
  return {
    ...perDeliveredMessage(run),
    deliveredShare: ratio(run.messages.delivered, run.messages.expected),
    byteCountMismatch: up === null ? down : down === null ? up : Math.max(up, down),
    expectedPollWaitUs: (run.scenario.pollIntervalMs * 1000) / 2,
  };
}
