/**
 * The seqs one simulated client received, and how they came: a seq seen before is a duplicate, one below the highest
 * so far arrived out of order. What delivered, missed, duplicated and out-of-order mean is decided here, once, for
 * the fleet's clients and for a blocked-upgrade run's groups.
 */
export class SeqReceipts {
  readonly received = new Set<number>();
  highestSeq = 0;
  duplicated = 0;
  outOfOrder = 0;

  /** Counts one received seq; false for a duplicate, which delivers nothing new (no latency sample either). */
  receive(seq: number): boolean {
    if (this.received.has(seq)) {
      this.duplicated++;
      return false;
    }
    if (seq < this.highestSeq) this.outOfOrder++;
    this.highestSeq = Math.max(this.highestSeq, seq);
    this.received.add(seq);
    return true;
  }
}
