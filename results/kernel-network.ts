/**
 * What the kernel network (scenario.network 'kernel', docs/network.md) measured of a run: the round trip TCP saw
 * against the model's, and how many segments TCP had to send again. Counts are per run: each run has namespaces
 * of its own, made for it, so their counters start at zero.
 */
export interface KernelNetworkOutcome {
  /** The model's round trip: one delay each way, ms. */
  modelRttMs: number;
  /**
   * TCP's smoothed RTT (`ss -ti`, from the server's namespace) over the server's established connections after the
   * last message drained, ms; null when no connection was open then.
   */
  tcpRttMs: RttSummary | null;
  /**
   * The least RTT each of those connections measured (ss's minrtt), over them: the path's round trip without the
   * receivers' delayed acknowledgements or any queueing, which the smoothed RTT includes. Absent in older files.
   */
  tcpMinRttMs?: RttSummary | null;
  /** Segments TCP sent again (RetransSegs of /proc/net/snmp in each namespace), the whole run. */
  retransmittedSegments: { serverToClient: number; clientToServer: number };
  /** Segments TCP sent (OutSegs), the denominator of a retransmission rate. */
  segmentsSent: { serverToClient: number; clientToServer: number };
}

export interface RttSummary {
  median: number;
  min: number;
  max: number;
  connections: number;
}

/** The RTT figures of a list of per-connection RTTs, or null for none. */
export function rttSummary(rttsMs: readonly number[]): RttSummary | null {
  if (rttsMs.length === 0) return null;
  const sorted = [...rttsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1)!, connections: sorted.length };
}

/** Retransmitted segments in both directions. */
export function totalRetransmissions(outcome: KernelNetworkOutcome): number {
  return outcome.retransmittedSegments.serverToClient + outcome.retransmittedSegments.clientToServer;
}
