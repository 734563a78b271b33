import type { HttpVersion } from '../../servers/contract/wire.js';

/** How the capacity probes drive each endpoint. */
export interface CapacityPlan {
  /** Seconds of measured load per endpoint, after a warm-up. */
  durationSec: number;
  warmupSec: number;
  /** autocannon connections: enough requests in flight to keep the server busy all the time. */
  connections: number;
  /** A Cookie header of this size on every request, as in the scenarios (0: none). */
  cookieBytes: number;
  /** Payload of the published message (publish) and of the message a long poll finds ready. */
  payloadBytes: number;
  /** '1.1': autocannon; '2': h2load over HTTP/2 (bench/capacity/h2load-probe.ts). Absent: HTTP/1.1 only. */
  httpVersions?: HttpVersion[];
}

export const DEFAULT_CAPACITY: CapacityPlan = { durationSec: 5, warmupSec: 1, connections: 50, cookieBytes: 0, payloadBytes: 100, httpVersions: ['1.1', '2'] };
