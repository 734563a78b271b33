import type { HttpVersion } from '../../servers/contract/wire.js';
import type { CapacityScenario } from '../../results/scenario.js';

/** How the capacity probes drive each endpoint. */
export interface CapacityPlan {
  /** Seconds of measured load per endpoint, after a warm-up. */
  durationSec: number;
  warmupSec: number;
  /** autocannon connections: enough requests in flight to keep the server busy all the time. */
  connections: number;
  /**
   * The scenario fields the probes share with the runs: the identity every request carries, and the payload of
   * the published message (publish) and of the message a long poll finds ready. --cookie-bytes and --payload set them.
   */
  scenario: CapacityScenario;
  /** '1.1': autocannon; '2': h2load over HTTP/2 (bench/capacity/h2load-probe.ts). Absent: HTTP/1.1 only. */
  httpVersions?: HttpVersion[];
  /** Cleartext (false), over TLS (true), or each (--tls off,on). Absent: cleartext only. */
  tls?: boolean[];
}

export const DEFAULT_CAPACITY: CapacityPlan = {
  durationSec: 5,
  warmupSec: 1,
  connections: 50,
  scenario: { payloadBytes: 100 },
  httpVersions: ['1.1', '2'],
};
