import type { Socket } from 'node:net';
import type { ByteCounts, ConnectionCounts } from '../contract/byte-counts.js';

interface SocketState {
  owner: string;
  /** A second key the current request's bytes are also credited to (a demo client), when it is watched. */
  tag: string | undefined;
  read: number;
  written: number;
  /** Owners this socket has served, so a socket shared back and forth is counted once per owner. */
  served: Set<string>;
  /** Whether the socket is counted as an open connection of `owner` right now. */
  counted: boolean;
  /** Whether any request (or route) has claimed the socket yet, even provisionally. */
  claimed: boolean;
  /** Under TLS, the TLS socket over this one: its counters are the plaintext, the application's bytes. */
  plain: Socket | undefined;
  plainRead: number;
  plainWritten: number;
}

/**
 * Counts TCP payload bytes at the server's sockets and attributes them to whoever the socket served: a
 * strategy name, or "control" for publish and stats traffic. A keep-alive socket may serve routes of several
 * owners one after another (a browser shares its connections between lanes). HTTP/1.1 without pipelining
 * reads a request only after the previous response, so settling when each response finishes and naming the
 * owner when the next request arrives credits every byte — request line, headers, body, response — exactly.
 *
 * Under TLS the ledger still counts the TCP socket, so the bytes include TLS records and handshakes: the TLS
 * socket over it (which every request names as its socket) is told to the ledger with `secure`, and whatever is
 * claimed or settled on it goes to the TCP socket under it. The TLS socket's own counters, the plaintext, are
 * kept beside as each owner's application bytes.
 */
export class ByteLedger {
  private readonly settled = new Map<string, ByteCounts>();
  /** Plaintext bytes of TLS connections per owner: what the application read and wrote, without TLS. */
  private readonly application = new Map<string, ByteCounts>();
  private readonly open = new Map<Socket, SocketState>();
  /** A TLS socket to the TCP socket under it. */
  private readonly under = new WeakMap<Socket, Socket>();
  private readonly connections = new Map<string, ConnectionCounts>();
  /** Totals per watched tag; bytes of unwatched tags are credited to their owner only, so memory stays bounded. */
  private readonly tagged = new Map<string, ByteCounts>();

  /**
   * Starts counting a socket's bytes, credited to "control" until a route claims it. It is not counted as a
   * connection of anyone until then: a socket that only ever sent garbage served no one.
   */
  track(socket: Socket): void {
    if (this.open.has(socket) || this.under.has(socket)) return;
    const state: SocketState = {
      owner: 'control',
      tag: undefined,
      read: 0,
      written: 0,
      served: new Set(),
      counted: false,
      claimed: false,
      plain: undefined,
      plainRead: 0,
      plainWritten: 0,
    };
    this.open.set(socket, state);
    socket.once('close', () => {
      this.settle(socket);
      this.leave(state);
      this.open.delete(socket);
    });
  }

  /** `socket` is a TLS socket over the tracked TCP socket `raw`: claims and settlements on it go to `raw`. */
  secure(socket: Socket, raw: Socket): void {
    this.track(raw);
    this.under.set(socket, raw);
    this.open.get(raw)!.plain = socket;
  }

  /** The socket whose bytes are counted for `socket`: the TCP socket under a TLS socket, or itself. */
  private counted(socket: Socket): Socket {
    return this.under.get(socket) ?? socket;
  }

  /**
   * Names who the socket serves now: the bytes not yet settled (this request's own) are credited to `owner`,
   * and also to `tag` when that tag is watched. `countConnection: false` moves only the bytes, for the
   * provisional "control until a route says otherwise" of every request.
   */
  claim(given: Socket, owner: string, tag?: string, countConnection = true): void {
    const socket = this.counted(given);
    if (!this.open.has(socket)) this.track(socket);
    const state = this.open.get(socket)!;
    state.claimed = true;
    state.tag = tag;
    if (state.owner === owner && (state.counted || !countConnection)) return;
    this.leave(state);
    state.owner = owner;
    if (countConnection) this.enter(state, owner);
  }

  private leave(state: SocketState): void {
    if (state.counted) this.connectionsFor(state.owner).open--;
    state.counted = false;
  }

  connectionCounts(owner: string): ConnectionCounts {
    return { ...this.connectionsFor(owner) };
  }

  private enter(state: SocketState, owner: string): void {
    state.counted = true;
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
  settle(given: Socket): void {
    // A TLS socket's own counters are its plaintext: the TCP socket under it has the bytes on the wire.
    const socket = this.counted(given);
    const state = this.open.get(socket);
    if (!state) return;
    if (state.plain) this.settlePlain(state, state.plain);
    const read = socket.bytesRead;
    const written = socket.bytesWritten;
    const counts = this.countsFor(state.owner);
    counts.clientToServer += read - state.read;
    counts.serverToClient += written - state.written;
    const tagCounts = state.tag === undefined ? undefined : this.tagged.get(state.tag);
    if (tagCounts) {
      tagCounts.clientToServer += read - state.read;
      tagCounts.serverToClient += written - state.written;
    }
    state.read = read;
    state.written = written;
  }

  private settlePlain(state: SocketState, plain: Socket): void {
    const read = plain.bytesRead;
    const written = plain.bytesWritten;
    const counts = countsIn(this.application, state.owner);
    counts.clientToServer += read - state.plainRead;
    counts.serverToClient += written - state.plainWritten;
    state.plainRead = read;
    state.plainWritten = written;
  }

  /** Totals per owner, including what open sockets moved so far. */
  totals(): Record<string, ByteCounts> {
    this.settleOpen();
    const out: Record<string, ByteCounts> = {};
    for (const [owner, counts] of this.settled) out[owner] = { ...counts };
    return out;
  }

  totalsFor(owner: string): ByteCounts {
    return this.totals()[owner] ?? { clientToServer: 0, serverToClient: 0 };
  }

  /** The plaintext of the owner's TLS connections so far, their application bytes; undefined when it had none. */
  applicationTotalsFor(owner: string): ByteCounts | undefined {
    this.settleOpen();
    const counts = this.application.get(owner);
    return counts && { ...counts };
  }

  /** Starts keeping totals for `tag` (from zero); bytes claimed with it before were not kept. */
  watchTag(tag: string): void {
    if (!this.tagged.has(tag)) this.tagged.set(tag, { clientToServer: 0, serverToClient: 0 });
  }

  forgetTag(tag: string): void {
    this.tagged.delete(tag);
  }

  /** Totals of a watched tag, including what its open sockets moved so far; undefined when not watched. */
  totalsForTag(tag: string): ByteCounts | undefined {
    this.settleOpen();
    const counts = this.tagged.get(tag);
    return counts && { ...counts };
  }

  /**
   * Settles every open socket a request has claimed. A socket no request has claimed yet is left pending: under
   * TLS its handshake comes well before its first request, and settling it now would credit the handshake to
   * control rather than to the strategy the connection serves. Its bytes are credited at its first request, or
   * to control when it closes having served no one.
   */
  private settleOpen(): void {
    for (const [socket, state] of this.open) if (state.claimed) this.settle(socket);
  }

  private countsFor(owner: string): ByteCounts {
    return countsIn(this.settled, owner);
  }
}

function countsIn(map: Map<string, ByteCounts>, owner: string): ByteCounts {
  let counts = map.get(owner);
  if (!counts) {
    counts = { clientToServer: 0, serverToClient: 0 };
    map.set(owner, counts);
  }
  return counts;
}
