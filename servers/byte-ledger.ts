import type { Socket } from 'node:net';

export interface ByteCounts {
  clientToServer: number;
  serverToClient: number;
}

interface SocketState {
  owner: string;
  read: number;
  written: number;
  /** Owners this socket has served, so a socket shared back and forth is counted once per owner. */
  served: Set<string>;
}

export interface ConnectionCounts {
  /** TCP connections that served this owner at least once. */
  opened: number;
  /** Open now, currently serving this owner. */
  open: number;
  peak: number;
}

/**
 * Counts TCP payload bytes at the server's sockets and attributes them to whoever the socket served: a
 * strategy name, or "control" for publish and stats traffic. A keep-alive socket may serve routes of several
 * owners one after another (a browser shares its connections between lanes). HTTP/1.1 without pipelining
 * reads a request only after the previous response, so settling when each response finishes and naming the
 * owner when the next request arrives credits every byte — request line, headers, body, response — exactly.
 */
export class ByteLedger {
  private readonly settled = new Map<string, ByteCounts>();
  private readonly open = new Map<Socket, SocketState>();
  private readonly connections = new Map<string, ConnectionCounts>();

  /** Starts counting a socket; bytes are credited to `owner` until `claim` names another. */
  track(socket: Socket, owner = 'control'): void {
    if (this.open.has(socket)) return;
    const state: SocketState = { owner, read: 0, written: 0, served: new Set() };
    this.open.set(socket, state);
    this.enter(state, owner);
    socket.once('close', () => {
      this.settle(socket);
      const state = this.open.get(socket);
      if (state) this.connectionsFor(state.owner).open--;
      this.open.delete(socket);
    });
  }

  /** Names who the socket serves now: the bytes not yet settled (this request's own) are credited to `owner`. */
  claim(socket: Socket, owner: string): void {
    const state = this.open.get(socket);
    if (!state) return this.track(socket, owner);
    if (state.owner === owner) return;
    this.connectionsFor(state.owner).open--;
    this.enter(state, owner);
  }

  connectionCounts(owner: string): ConnectionCounts {
    return { ...this.connectionsFor(owner) };
  }

  private enter(state: SocketState, owner: string): void {
    state.owner = owner;
    const counts = this.connectionsFor(owner);
    if (!state.served.has(owner)) counts.opened++;
    state.served.add(owner);
    counts.open++;
    counts.peak = Math.max(counts.peak, counts.open);
  }

  private connectionsFor(owner: string): ConnectionCounts {
    let counts = this.connections.get(owner);
    if (!counts) {
      counts = { opened: 0, open: 0, peak: 0 };
      this.connections.set(owner, counts);
    }
    return counts;
  }

  /** Credits the bytes the socket moved since the last settlement to its owner. */
  settle(socket: Socket): void {
    const state = this.open.get(socket);
    if (!state) return;
    const read = socket.bytesRead;
    const written = socket.bytesWritten;
    const counts = this.countsFor(state.owner);
    counts.clientToServer += read - state.read;
    counts.serverToClient += written - state.written;
    state.read = read;
    state.written = written;
  }

  /** Totals per owner, including what open sockets moved so far. */
  totals(): Record<string, ByteCounts> {
    for (const socket of this.open.keys()) this.settle(socket);
    const out: Record<string, ByteCounts> = {};
    for (const [owner, counts] of this.settled) out[owner] = { ...counts };
    return out;
  }

  totalsFor(owner: string): ByteCounts {
    return this.totals()[owner] ?? { clientToServer: 0, serverToClient: 0 };
  }

  private countsFor(owner: string): ByteCounts {
    let counts = this.settled.get(owner);
    if (!counts) {
      counts = { clientToServer: 0, serverToClient: 0 };
      this.settled.set(owner, counts);
    }
    return counts;
  }
}
