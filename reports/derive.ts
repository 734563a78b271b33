import type { RunResult } from '../results/results.js';

/**
 * The per-message figures the report compares strategies by. Raw totals depend on the run's length and
 * client count; dividing by delivered messages makes strategies (and two runs) comparable. Every value is
 * null when its divisor is zero, so the report prints "—" instead of Infinity or NaN.
 */
export interface DerivedMetrics {
  delivered: number;
  /** delivered / expected. */
  deliveredShare: number | null;
  requestsPerDelivered: number | null;
  withMessagesPerDelivered: number | null;
  emptyPerDelivered: number | null;
  failedPerDelivered: number | null;
  /**
   * Requests that neither carried messages, came back empty nor failed: a WebSocket handshake, a request cut
   * at shutdown. Counted so that the stacked requests chart adds up to requestsPerDelivered.
   */
  otherPerDelivered: number | null;
  /** empty / total requests. */
  emptyShare: number | null;
  bytesUpPerDelivered: number | null;
  bytesDownPerDelivered: number | null;
  bytesTotalPerDelivered: number | null;
  payloadPerDelivered: number | null;
  /** (client→server + server→client) / payload bytes: 1.0 would be a wire that carries nothing but payload. */
  overheadRatio: number | null;
  cpuMsPerThousand: number | null;
  /** Largest relative gap between the client-side and server-side byte counts, over both directions. */
  byteCountMismatch: number | null;
  /** Mean latency a short poll should show: half the poll interval, in microseconds like latencyUs. */
  expectedPollWaitUs: number;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

function mismatch(client: number, server: number): number | null {
  const larger = Math.max(client, server);
  return larger > 0 ? Math.abs(client - server) / larger : null;
}

export function deriveMetrics(run: RunResult): DerivedMetrics {
  const { delivered, expected } = run.messages;
  const { total, withMessages, empty, failed } = run.requests;
  const { clientToServer, serverToClient, payload, serverSide } = run.bytes;
  const other = Math.max(0, total - withMessages - empty - failed);
  const up = mismatch(clientToServer, serverSide.clientToServer);
  const down = mismatch(serverToClient, serverSide.serverToClient);
  const cpuPerMessage = ratio(run.server.cpuMs, delivered);
  return {
    delivered,
    deliveredShare: ratio(delivered, expected),
    requestsPerDelivered: ratio(total, delivered),
    withMessagesPerDelivered: ratio(withMessages, delivered),
    emptyPerDelivered: ratio(empty, delivered),
    failedPerDelivered: ratio(failed, delivered),
    otherPerDelivered: ratio(other, delivered),
    emptyShare: ratio(empty, total),
    bytesUpPerDelivered: ratio(clientToServer, delivered),
    bytesDownPerDelivered: ratio(serverToClient, delivered),
    bytesTotalPerDelivered: ratio(clientToServer + serverToClient, delivered),
    payloadPerDelivered: ratio(payload, delivered),
    overheadRatio: ratio(clientToServer + serverToClient, payload),
    cpuMsPerThousand: cpuPerMessage === null ? null : cpuPerMessage * 1000,
    byteCountMismatch: up === null ? down : down === null ? up : Math.max(up, down),
    expectedPollWaitUs: (run.scenario.pollIntervalMs * 1000) / 2,
  };
}
