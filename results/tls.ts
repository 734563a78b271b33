/**
 * The results.json shapes of TLS: what a run over TLS adds to its bytes and its handshakes (`RunResult.tls`), and
 * what one handshake costs the server (`Results.tlsHandshakes`, the handshake probe).
 */
import type { ByteCounts, TlsByteSplit, TlsSplit } from '../servers/contract/byte-counts.js';
import type { CapacityProblem } from './problems.js';

export type { TlsByteSplit, TlsSplit };

/** A run over TLS (scenario.tls on or no-resumption). */
export interface RunTls {
  /**
   * The clients' bytes (RunResult.bytes, counted at their TCP sockets) split by what they carried, per direction:
   * read record by record on the TCP byte stream by each client's record meter (clients/tls-record-meter.ts).
   * Absent for a real-browser fleet: its sockets are not ours, and the server's application bytes are its only split.
   */
  split?: TlsSplit;
  /**
   * The plaintext the server's TLS sockets handed HTTP and took from it, per direction: the same application bytes
   * counted at the other end, without any record parsing. Equal to the split's application bytes in a valid run.
   */
  serverSideApplication: ByteCounts;
  /** Handshakes the server completed for the run's clients: every one, full or resumed. */
  handshakes: number;
  /** Of those, resumed from a session ticket (no certificate, no signature). */
  resumed: number;
  /** Connections closed before their handshake completed. */
  failedHandshakes: number;
}

/** Connections that do nothing but open, handshake and close: what each costs the server. */
export interface ConnectionCost {
  connections: number;
  /** Server CPU (user + system) over them, divided by `connections`, µs. */
  serverCpuUsPerConnection: number;
  /** TCP payload bytes of one connection, each way (counted at the server's sockets). */
  bytesPerConnection: ByteCounts;
}

/**
 * The handshake probe: N fresh connections of each kind against a fresh server process, one at a time, the server's
 * CPU over each kind divided by N. `tcp` only connects and closes, so `full` minus `tcp` is what a full TLS 1.3
 * handshake adds (an ECDSA P-256 signature, the key exchange, two session tickets), and `resumed` minus `tcp` what a
 * resumed one adds (the key exchange, no certificate or signature).
 */
export interface HandshakeProbe {
  tcp: ConnectionCost;
  full: ConnectionCost;
  resumed: ConnectionCost;
  /** The cipher suite and key the handshakes used, e.g. "TLS_AES_256_GCM_SHA384, ECDSA P-256". */
  cipher: string;
  /** Why the probe could not be measured; its figures are then all 0. */
  problem?: CapacityProblem;
}

/** A handshake probe that could not be measured: zeros and the reason. */
export function failedHandshakeProbe(reason: string): HandshakeProbe {
  const none: ConnectionCost = { connections: 0, serverCpuUsPerConnection: 0, bytesPerConnection: { clientToServer: 0, serverToClient: 0 } };
  return { tcp: none, full: none, resumed: none, cipher: '', problem: { code: 'probe-not-measured', reason } };
}

/** The server CPU one full and one resumed handshake add over a bare TCP connection, µs; null for a figure not measured. */
export function handshakeCpuUs(probe: HandshakeProbe): { full: number | null; resumed: number | null } {
  const over = (cost: ConnectionCost) =>
    probe.problem === undefined && cost.connections > 0 && probe.tcp.connections > 0
      ? cost.serverCpuUsPerConnection - probe.tcp.serverCpuUsPerConnection
      : null;
  return { full: over(probe.full), resumed: over(probe.resumed) };
}

/** The whole split of one direction: every byte of it. */
export function splitTotal(part: TlsByteSplit): number {
  return part.handshake + part.recordOverhead + part.application;
}
