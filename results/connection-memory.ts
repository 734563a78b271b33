/**
 * What one more connection costs the server in memory: three figures, each the difference between a sample with
 * every client connected and one before any, divided by the connections open at the second sample. Both samples
 * are taken after a full garbage collection, so the garbage of the handshakes is not counted as memory held.
 */

/** The samples a run takes (results.json's server figures), any of which may be missing. */
export interface ConnectionMemorySamples {
  rssBeforeClientsBytes?: number;
  rssConnectedBytes?: number;
  heapBeforeClientsBytes?: number;
  heapConnectedBytes?: number;
  /**
   * Kernel memory charged to the server's own TCP sockets with every client connected (the sum of `ss -tm`'s
   * skmem over the server's port: receive and send queues, forward allocations, option memory, backlog).
   */
  socketKernelBytes?: number;
  /** Connections of the strategy open when the connected sample was taken. */
  connectionsAtRssSample?: number;
}

export interface ConnectionMemory {
  /** Resident set size per connection: everything the process holds (V8 heap, buffers, native objects). */
  rssBytes?: number;
  /** Bytes of the V8 heap in use per connection: the JavaScript objects one connection keeps. */
  heapBytes?: number;
  /** Kernel socket memory per connection (server side only); absent where `ss` could not be read. */
  kernelBytes?: number;
}

/**
 * Below this many connections their memory drowns in the noise of RSS (pages the collector returns or keeps, a
 * few MiB either way): the per-connection figures are left out rather than printed as noise, or as negative.
 */
export const MIN_CONNECTIONS_FOR_MEMORY = 1_000;

/** The per-connection figures of a run's samples, rounded to whole bytes; each absent when its samples are. */
export function connectionMemory(samples: ConnectionMemorySamples): ConnectionMemory {
  const connections = samples.connectionsAtRssSample ?? 0;
  if (connections < MIN_CONNECTIONS_FOR_MEMORY) return {};
  const per = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : Math.round((after - before) / connections);
  const out: ConnectionMemory = {};
  const rssBytes = per(samples.rssBeforeClientsBytes, samples.rssConnectedBytes);
  const heapBytes = per(samples.heapBeforeClientsBytes, samples.heapConnectedBytes);
  // The kernel's figure is taken with the clients connected only: the server's sockets are all the clients'.
  const kernelBytes = per(0, samples.socketKernelBytes);
  if (rssBytes !== undefined) out.rssBytes = rssBytes;
  if (heapBytes !== undefined) out.heapBytes = heapBytes;
  if (kernelBytes !== undefined) out.kernelBytes = kernelBytes;
  return out;
}

/** How many times `ours` is `reference` (1.1 = 10 % more memory per connection); null without both. */
export function memoryRatio(ours: number | undefined, reference: number | undefined): number | null {
  if (ours === undefined || reference === undefined || reference <= 0) return null;
  return ours / reference;
}
