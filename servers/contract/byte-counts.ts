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
