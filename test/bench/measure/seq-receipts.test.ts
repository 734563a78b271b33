import { describe, expect, it } from 'vitest';
import { SeqReceipts } from '../../../bench/measure/seq-receipts.js';

describe('SeqReceipts', () => {
  it('counts a seq seen before as a duplicate and one below the highest so far as out of order', () => {
    const receipts = new SeqReceipts();
    expect([2, 1, 3, 3, 2].map((seq) => receipts.receive(seq))).toEqual([true, true, true, false, false]);
    expect([...receipts.received].sort()).toEqual([1, 2, 3]);
    expect(receipts.highestSeq).toBe(3);
    expect(receipts.duplicated).toBe(2);
    expect(receipts.outOfOrder).toBe(1);
  });

  it('counts nothing odd for seqs that come once each, in order', () => {
    const receipts = new SeqReceipts();
    for (const seq of [5, 6, 9]) receipts.receive(seq);
    expect(receipts).toMatchObject({ highestSeq: 9, duplicated: 0, outOfOrder: 0 });
  });
});
