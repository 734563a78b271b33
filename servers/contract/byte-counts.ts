/** Byte and connection counts as the server's /api/stats reports them and the clients count them. */

export interface ByteCounts {
  clientToServer: number;
  serverToClient: number;
}

export interface ConnectionCounts {
  /** TCP connections that served this owner at least once. */
  opened: number;
  /** Open now, currently serving this owner. */
  open: number;
  peak: number;
}

/**
 * One direction of a TLS connection's bytes, split by what they carried; the three add up to the TCP payload.
 * - handshake: every record of TLS's own: ClientHello to Finished, ChangeCipherSpec, session tickets, alerts
 *   (close_notify), key updates — whole records, header and tag included;
 * - recordOverhead: what the application's records add to the application's bytes: the 5-byte record header, the
 *   inner content type byte, any padding and the 16-byte AEAD tag (22 bytes a record under TLS 1.3, unpadded);
 * - application: the plaintext the application wrote, byte for byte what the same traffic is in cleartext.
 */
export interface TlsByteSplit {
  handshake: number;
  recordOverhead: number;
  application: number;
}

export interface TlsSplit {
  clientToServer: TlsByteSplit;
  serverToClient: TlsByteSplit;
}

export function emptyTlsSplit(): TlsSplit {
  return {
    clientToServer: { handshake: 0, recordOverhead: 0, application: 0 },
    serverToClient: { handshake: 0, recordOverhead: 0, application: 0 },
  };
}

/** `into` plus `add`, field by field (into is changed and returned). */
export function addTlsSplit(into: TlsSplit, add: TlsSplit): TlsSplit {
  for (const direction of ['clientToServer', 'serverToClient'] as const) {
    into[direction].handshake += add[direction].handshake;
    into[direction].recordOverhead += add[direction].recordOverhead;
    into[direction].application += add[direction].application;
  }
  return into;
}
