import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import { ByteLedger } from '../wire/byte-ledger.js';

/**
 * What an HTTP/2 request passes where an HTTP/1.1 request passes its socket (`req.socket`, the lean path's
 * `connection.socket`): the ledger credits a stream through Http2Attribution, never by the socket's own counters,
 * which belong to every stream of the session. It offers what the request paths read of a socket.
 */
export class StreamKey {
  constructor(readonly stream: http2.ServerHttp2Stream) {}

  get destroyed(): boolean {
    return this.stream.destroyed;
  }

  /** Read as a socket's by on-finished (body parsers, express): whether the request can still be read, answered. */
  get readable(): boolean {
    return this.stream.readable;
  }

  get writable(): boolean {
    return this.stream.writable;
  }

  get remoteAddress(): string | undefined {
    return this.stream.session?.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.stream.session?.socket.remotePort;
  }

  /**
   * A socket's 'close' and 'error' are the stream's here: code written for HTTP/1.1 that waits on the request's
   * socket (on-finished, under express's body parser and response helpers) then waits on the stream.
   */
  on(event: 'close' | 'error', listener: (...args: unknown[]) => void): this {
    this.stream.on(event, listener);
    return this;
  }

  once(event: 'close' | 'error', listener: (...args: unknown[]) => void): this {
    this.stream.once(event, listener);
    return this;
  }

  removeListener(event: 'close' | 'error', listener: (...args: unknown[]) => void): this {
    this.stream.removeListener(event, listener);
    return this;
  }

  off(event: 'close' | 'error', listener: (...args: unknown[]) => void): this {
    return this.removeListener(event, listener);
  }
}

/** The byte ledger of a server that also speaks HTTP/2: a StreamKey's claims go to the stream's session. */
export class LedgerWithStreams extends ByteLedger {
  readonly http2 = new Http2Attribution(this);

  override track(socket: Socket): void {
    if (!isStreamKey(socket)) super.track(socket);
  }

  override claim(socket: Socket, owner: string, tag?: string, countConnection = true): void {
    if (isStreamKey(socket)) this.http2.claim(socket.stream, owner, tag, countConnection);
    else super.claim(socket, owner, tag, countConnection);
  }

  /** A stream settles its session at its own boundaries (see Http2Attribution). */
  override settle(socket: Socket): void {
    if (!isStreamKey(socket)) super.settle(socket);
  }
}

function isStreamKey(socket: object): socket is StreamKey & Socket {
  return socket instanceof StreamKey;
}

interface StreamClaim {
  owner: string;
  session: SessionState;
}

interface SessionState {
  socket: Socket;
  /** Open streams per owner. */
  open: Map<string, number>;
  /** Who the ledger credits the session's socket to now. */
  owner: string;
}

/**
 * Credits the bytes of an HTTP/2 session to the routes its streams served, at stream boundaries.
 *
 * An HTTP/2 session multiplexes streams on one TCP socket, and the ledger counts at the socket: frame headers,
 * HPACK-coded headers, DATA, and the connection's own frames (the preface, SETTINGS, PING, WINDOW_UPDATE,
 * GOAWAY) alike. Nothing at the socket says which stream a byte belonged to without parsing every frame, so the
 * session's bytes are settled whenever a stream begins or ends, and the bytes of the interval before go to the
 * owner of the streams open in it:
 * - when every stream open in an interval has one owner (always in the bench: a simulated client's session
 *   serves its strategy only), that owner gets exactly the session's bytes, the connection's own frames included,
 *   as an HTTP/1.1 keep-alive socket's bytes go to the requests it served;
 * - when streams of several owners overlap (a browser tab sharing one session between lanes), each interval goes
 *   to the owner of the stream that began last; the totals are still exact, only their split between those
 *   owners is approximate.
 * Bytes with no stream open (a PING, a late WINDOW_UPDATE) stay with the owner that had the session last.
 */
export class Http2Attribution {
  private readonly sessions = new WeakMap<http2.Http2Session, SessionState>();
  private readonly streams = new WeakMap<http2.Http2Stream, StreamClaim>();

  constructor(private readonly ledger: ByteLedger) {}

  /** A new session on `socket` (already tracked by the ledger, as "control" until a stream is claimed). */
  adopt(session: http2.Http2Session, socket: Socket): void {
    this.sessions.set(session, { socket, open: new Map(), owner: 'control' });
  }

  /**
   * Names who `stream` serves (again: a route claims what the app first claimed as control). `countConnection:
   * false` moves only the bytes, as ByteLedger.claim.
   */
  claim(stream: http2.Http2Stream, owner: string, tag?: string, countConnection = true): void {
    let claim = this.streams.get(stream);
    if (!claim) {
      const session = stream.session && this.sessions.get(stream.session);
      if (!session) return;
      claim = { owner, session };
      this.streams.set(stream, claim);
      stream.once('close', () => this.release(stream));
    } else {
      this.count(claim.session, claim.owner, -1);
      claim.owner = owner;
    }
    const session = claim.session;
    // The bytes so far belong to the streams open before this one, if any still are; else to this one.
    if (session.owner !== owner && this.openOf(session, session.owner) > 0) this.ledger.settle(session.socket);
    this.count(session, owner, +1);
    session.owner = owner;
    this.ledger.claim(session.socket, owner, tag, countConnection);
  }

  /**
   * Credits the session's bytes from now on to `owner`, without following its streams: for a bare route, which
   * skips the per-stream bookkeeping and whose sessions serve it alone (a simulated client's do). The bytes before
   * go to whoever had the session.
   */
  claimSession(session: http2.Http2Session | undefined, owner: string): void {
    const state = session && this.sessions.get(session);
    if (!state || state.owner === owner) return;
    this.ledger.settle(state.socket);
    state.owner = owner;
    this.ledger.claim(state.socket, owner);
  }

  private release(stream: http2.Http2Stream): void {
    const claim = this.streams.get(stream);
    if (!claim) return;
    this.streams.delete(stream);
    const session = claim.session;
    this.ledger.settle(session.socket);
    this.count(session, claim.owner, -1);
    if (this.openOf(session, session.owner) > 0) return;
    const next = [...session.open.keys()].at(-1);
    if (next !== undefined) {
      session.owner = next;
      this.ledger.claim(session.socket, next);
    }
  }

  private openOf(session: SessionState, owner: string): number {
    return session.open.get(owner) ?? 0;
  }

  private count(session: SessionState, owner: string, delta: number): void {
    const open = this.openOf(session, owner) + delta;
    if (open <= 0) session.open.delete(owner);
    else if (delta < 0) session.open.set(owner, open);
    else {
      // Moved to the end: the last key is the owner that began a stream last.
      session.open.delete(owner);
      session.open.set(owner, open);
    }
  }
}
