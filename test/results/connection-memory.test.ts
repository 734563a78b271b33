import { describe, expect, it } from 'vitest';
import { connectionMemory, memoryRatio, MIN_CONNECTIONS_FOR_MEMORY } from '../../results/connection-memory.js';

describe('connectionMemory', () => {
  it('divides each difference by the connections open at the connected sample, to whole bytes', () => {
    expect(
      connectionMemory({
        rssBeforeClientsBytes: 80_000_000,
        rssConnectedBytes: 150_000_000,
        heapBeforeClientsBytes: 10_000_000,
        heapConnectedBytes: 57_170_000,
        socketKernelBytes: 12_345,
        connectionsAtRssSample: 10_000,
      }),
    ).toEqual({ rssBytes: 7_000, heapBytes: 4_717, kernelBytes: 1 });
  });

  it('leaves out a figure whose samples are missing, and all of them below the connection threshold', () => {
    expect(connectionMemory({ rssBeforeClientsBytes: 1, rssConnectedBytes: 2_001, connectionsAtRssSample: 2_000 })).toEqual({ rssBytes: 1 });
    expect(connectionMemory({ rssBeforeClientsBytes: 0, rssConnectedBytes: 9_990, connectionsAtRssSample: MIN_CONNECTIONS_FOR_MEMORY - 1 })).toEqual(
      {},
    );
    expect(connectionMemory({ rssBeforeClientsBytes: 0, rssConnectedBytes: 9_990 })).toEqual({});
  });

  it('keeps a negative difference as measured (memory returned to the system while the clients connected)', () => {
    expect(connectionMemory({ heapBeforeClientsBytes: 5_000_000, heapConnectedBytes: 4_000_000, connectionsAtRssSample: 1_000 })).toEqual({
      heapBytes: -1_000,
    });
  });
});

describe('memoryRatio', () => {
  it('is ours over the reference, and null without both or with a reference of nothing', () => {
    expect(memoryRatio(6_380, 5_800)).toBeCloseTo(1.1, 10);
    expect(memoryRatio(undefined, 5_800)).toBeNull();
    expect(memoryRatio(6_000, undefined)).toBeNull();
    expect(memoryRatio(6_000, 0)).toBeNull();
  });
});
