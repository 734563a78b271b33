import type { ClientOptions, SimulatedClient } from '../../clients/client.js';
import type { HandshakeCounts } from '../../clients/wire-counter.js';
import { addTlsSplit, emptyTlsSplit, type TlsSplit } from '../../servers/contract/byte-counts.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';
import { clientCloseTimeoutMs } from '../plan/budgets.js';

/** What the clients of a run over TLS saw of it: their bytes split by what they carried, their handshakes. */
export interface FleetTls {
  split: TlsSplit;
  handshakes: HandshakeCounts;
}

export type TransportOptions = Pick<ClientOptions, 'tls' | 'keepAlive' | 'closeTimeoutMs'>;

/**
 * What a client's options take from the scenario's transport: TLS (trusting `ca`, resuming sessions unless the
 * scenario says no-resumption), keep-alive, and how long a stop waits for its connections to close under loss. A
 * TLS scenario without the certificate cannot be run.
 */
export function transportOptions(scenario: Scenario, ca: string | undefined): TransportOptions {
  const tls = scenarioValue(scenario, 'tls');
  if (tls !== 'off' && ca === undefined) throw new Error('a run over TLS needs the server’s certificate for its clients');
  const closeTimeoutMs = clientCloseTimeoutMs(scenario);
  return {
    keepAlive: scenarioValue(scenario, 'keepAlive') === 'on',
    ...(closeTimeoutMs !== undefined && { closeTimeoutMs }),
    ...(tls !== 'off' && { tls: { ca: ca!, resume: tls === 'on' } }),
  };
}

/** The clients' TLS evidence added up; undefined when they spoke cleartext. */
export function fleetTls(clients: readonly SimulatedClient[]): FleetTls | undefined {
  let total: FleetTls | undefined;
  for (const client of clients) {
    const split = client.tlsSplit;
    if (!split) continue;
    total ??= { split: emptyTlsSplit(), handshakes: { full: 0, resumed: 0 } };
    addTlsSplit(total.split, split);
    const { full, resumed } = client.handshakes;
    total.handshakes.full += full;
    total.handshakes.resumed += resumed;
  }
  return total;
}

/** Several client processes' evidence as one; undefined when none spoke TLS. */
export function mergeFleetTls(parts: readonly (FleetTls | undefined)[]): FleetTls | undefined {
  let total: FleetTls | undefined;
  for (const part of parts) {
    if (!part) continue;
    total ??= { split: emptyTlsSplit(), handshakes: { full: 0, resumed: 0 } };
    addTlsSplit(total.split, part.split);
    total.handshakes.full += part.handshakes.full;
    total.handshakes.resumed += part.handshakes.resumed;
  }
  return total;
}
