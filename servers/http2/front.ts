import type http from 'node:http';
import http2 from 'node:http2';
import type { Socket } from 'node:net';

/** The first bytes of every HTTP/2 connection with prior knowledge (RFC 9113 §3.4), always "PRI * HTTP/2.0…". */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** No HTTP/1.1 method starts with these bytes: a connection that does speaks HTTP/2, or nothing valid at all. */
const PREFACE_START = HTTP2_PREFACE.subarray(0, 3);

/** HTTP/2 cleartext on the HTTP/1.1 port (this module), beside any one strategy's counters. */
export interface Http2Counters {
  /** Sessions accepted since the start: every connection whose first bytes were "PRI", a broken preface's too. */
  sessionsOpened: number;
  /** Sessions open now. */
  openSessions: number;
  /** Sessions that closed without a single stream: a wrong preface, a malformed first frame, a client that asked nothing. */
  closedBeforeAnyStream: number;
  /** Connections closed because they had not shown their protocol (three bytes) within the header timeout. */
  refusedSockets: number;
  /**
   * Sessions whose peer had gone while nghttp2 no longer read from it (after a protocol error it says GOAWAY and
   * stops reading), found by the dead-session check and closed.
   */
  closedAfterPeerLeft: number;
}

export type Http2Handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;

/** Every stream as node's core API gives it; a route that wants node's request and response builds them (compat.ts). */
export type Http2StreamHandler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, rawHeaders: readonly string[]) => void;

export interface Http2FrontOptions {
  /**
   * A new connection that sends nothing to tell its protocol by within this long is closed, ms; so is an HTTP/2
   * session that opens no stream within it.
   */
  sniffTimeoutMs: number;
  /** An HTTP/2 session without any frame for this long is closed (the HTTP/1.1 keep-alive's counterpart), ms. */
  idleTimeoutMs: number;
  /** Streams a client may have open at once on one session (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams: number;
  /** How often sessions that moved no byte are checked for a peer that has gone, ms. */
  deadSessionCheckMs: number;
  /** A session closed for being idle whose streams have not finished is destroyed this much later, ms. */
  idleCloseGraceMs: number;
}

export interface Http2FrontEvents {
  /** A new HTTP/2 session, with the TCP socket under it (its `socket` property is only a proxy of it). */
  session: [session: http2.ServerHttp2Session, socket: Socket];
}

/**
 * HTTP/2 cleartext with prior knowledge on the port of an HTTP/1.1 server. Every accepted socket's first bytes
 * are looked at before any parser sees them: the HTTP/2 preface hands the socket to an `http2` server (its core
 * API: each stream arrives as itself, with its header fields, for `handler`), anything else to the HTTP/1.1
 * server's own connection handling, as if nothing had been looked at (the bytes are put back).
 *
 * Installed right after `http.createServer()`: it takes the connection listeners the server has then (node's
 * own HTTP/1.1 one) and runs them after the look; listeners added later see every socket at once, both kinds.
 */
export class Http2Front {
  readonly server: http2.Http2Server;
  /** Every open session, with its socket and the bytes it had moved at the last dead-session check. */
  private readonly sessions = new Map<http2.ServerHttp2Session, SessionWatch>();
  private readonly deadSessionCheck: NodeJS.Timeout;
  private readonly listeners: { [E in keyof Http2FrontEvents]: ((...args: Http2FrontEvents[E]) => void)[] } = { session: [] };
  /** The socket being handed over, for the session the http2 server creates for it synchronously. */
  private handingOver?: Socket;
  /** Sockets closed because their first bytes said neither HTTP/1.1 nor HTTP/2 in time. */
  refusedSockets = 0;
  /** HTTP/2 sessions accepted since the start. */
  sessionsOpened = 0;
  /** Sessions closed before their first stream (see Http2Counters). */
  closedBeforeAnyStream = 0;
  /** Sessions closed once the dead-session check let their peer's close be seen (see Http2Counters). */
  closedAfterPeerLeft = 0;

  constructor(
    private readonly httpServer: http.Server,
    handler: Http2StreamHandler,
    private readonly options: Http2FrontOptions,
  ) {
    this.server = http2.createServer({ settings: { maxConcurrentStreams: options.maxConcurrentStreams } });
    // No 'request' listener: node would then build a compatibility request and response for every stream.
    this.server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) =>
      handler(stream, headers, rawHeaders),
    );
    this.server.on('session', (session) => this.adopt(session));
    // A broken frame costs its connection (nghttp2 answers GOAWAY and closes it), never the server.
    this.server.on('sessionError', () => {});
    this.server.on('streamError', () => {});
    const http1 = httpServer.listeners('connection') as ((socket: Socket) => void)[];
    httpServer.removeAllListeners('connection');
    httpServer.on('connection', (socket: Socket) => this.sniff(socket, http1));
    this.http1 = http1;
    this.deadSessionCheck = setInterval(() => this.checkQuietSessions(), options.deadSessionCheckMs).unref();
  }

  /** node's own HTTP/1.1 connection listener(s), taken over at construction. */
  private readonly http1: ((socket: Socket) => void)[];

  on<E extends keyof Http2FrontEvents>(event: E, listener: (...args: Http2FrontEvents[E]) => void): this {
    this.listeners[event].push(listener);
    return this;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /** What /api/stats shows of HTTP/2. */
  counters(): Http2Counters {
    const { sessionsOpened, openSessions, closedBeforeAnyStream, refusedSockets, closedAfterPeerLeft } = this;
    return { sessionsOpened, openSessions, closedBeforeAnyStream, refusedSockets, closedAfterPeerLeft };
  }

  /** Says goodbye (GOAWAY) on every session: each closes once its open streams are done. Stops the dead-session check. */
  closeSessions(): void {
    clearInterval(this.deadSessionCheck);
    for (const session of this.sessions.keys()) if (!session.closed) session.close();
  }

  /**
   * Hands an HTTP/1.1 connection to node's HTTP/1.1 server again, with `bytes` to be parsed first: a request
   * node took for an upgrade (it has let go of the connection) that is to be served as a plain request.
   */
  reparseHttp1(socket: Socket, bytes: Buffer): void {
    socket.pause();
    socket.unshift(bytes);
    for (const listener of this.http1) listener.call(this.httpServer, socket);
    socket.resume();
  }

  private adopt(session: http2.ServerHttp2Session): void {
    const socket = this.handingOver;
    if (!socket) return;
    this.sessions.set(session, { socket, bytes: -1, peerLeft: false });
    this.sessionsOpened++;
    // However the session ends (GOAWAY, an error, a timeout, its socket's close), its socket goes with it.
    session.once('close', () => {
      const watch = this.sessions.get(session);
      if (watch?.peerLeft) this.closedAfterPeerLeft++;
      this.sessions.delete(session);
      socket.destroy();
    });
    session.on('error', () => session.destroy());
    // Idle means no frame at all: a held poll's session is idle too, so the limit is above the longest hold.
    session.setTimeout(this.options.idleTimeoutMs, () => this.retire(session));
    // As an HTTP/1.1 connection must send its request within the header timeout, a session must open a stream.
    // This also ends a session broken before its first request without waiting for the dead-session check.
    const firstStream = setTimeout(() => session.destroy(), this.options.sniffTimeoutMs);
    firstStream.unref();
    let streamed = false;
    session.once('stream', () => {
      streamed = true;
      clearTimeout(firstStream);
    });
    session.once('close', () => {
      clearTimeout(firstStream);
      if (!streamed) this.closedBeforeAnyStream++;
    });
    for (const listener of this.listeners.session) listener(session, socket);
  }

  /** Says goodbye to an idle session; streams that cannot finish (a peer that reads nothing) do not keep it. */
  private retire(session: http2.ServerHttp2Session): void {
    session.close();
    if (session.destroyed) return;
    const grace = setTimeout(() => session.destroy(), this.options.idleCloseGraceMs);
    grace.unref();
    session.once('close', () => clearTimeout(grace));
  }

  /**
   * Lets a gone peer's close be seen on a session nghttp2 has stopped reading. After a connection error (a
   * malformed frame) nghttp2 sends GOAWAY and never asks for input again, and node says nothing of it: the
   * peer's FIN is never read, and the socket would sit in CLOSE-WAIT, counted as open, until the idle timeout.
   * A session that moved no byte since the last check, with nothing waiting to be written, is asked to read
   * again (libuv's read start, through the socket's handle: node has no public call for a socket an HTTP/2
   * session has consumed). On a session that reads, this does nothing (libuv answers EALREADY); on one nghttp2
   * has given up, the peer's FIN arrives, the socket closes and the session with it. A session busy writing
   * (its write queue not empty) is left alone: node stops reading while a write is under way, on purpose.
   */
  private checkQuietSessions(): void {
    for (const watch of this.sessions.values()) {
      const { socket } = watch;
      const bytes = socket.bytesRead + socket.bytesWritten;
      if (bytes !== watch.bytes) {
        watch.bytes = bytes;
        continue;
      }
      const handle = (socket as unknown as { _handle?: ConsumedHandle | null })._handle;
      if (!handle || handle.writeQueueSize > 0) continue;
      // 0: reading had stopped and starts again; the session may be one whose peer has gone.
      if (handle.readStart() === 0) watch.peerLeft = true;
    }
  }

  /** Reads until the protocol is known (at most 3 bytes are needed), then hands the socket and the bytes on. */
  private sniff(socket: Socket, http1: ((socket: Socket) => void)[]): void {
    let seen: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => {
      this.refusedSockets++;
      socket.destroy();
    }, this.options.sniffTimeoutMs);
    timer.unref();
    const stop = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', stop);
    };
    const onData = (chunk: Buffer) => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const compared = Math.min(seen.length, PREFACE_START.length);
      const mayBeHttp2 = seen.subarray(0, compared).equals(PREFACE_START.subarray(0, compared));
      if (mayBeHttp2 && compared < PREFACE_START.length) return;
      stop();
      socket.pause();
      socket.unshift(seen);
      if (mayBeHttp2) {
        // node:http accepts its sockets half-open (it ends them itself); a session does not, so the client's
        // end of the connection must end the socket, as on an http2 server's own.
        socket.allowHalfOpen = false;
        // nghttp2 checks the rest of the preface: a wrong one is a connection error (GOAWAY, then closed).
        this.handingOver = socket;
        this.server.emit('connection', socket);
        this.handingOver = undefined;
      } else {
        for (const listener of http1) listener.call(this.httpServer, socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.once('close', stop);
  }
}

/** A session as the dead-session check sees it. */
interface SessionWatch {
  readonly socket: Socket;
  /** Bytes read and written by the socket at the last check (-1: not checked yet). */
  bytes: number;
  /** Reading had stopped and was started again: if the session now closes, its peer had left unseen. */
  peerLeft: boolean;
}

/** What the dead-session check uses of a TCP socket's libuv handle (node's internal TCPWrap). */
interface ConsumedHandle {
  readStart(): number;
  readonly writeQueueSize: number;
}

export function isHttp2Request(req: object): req is http2.Http2ServerRequest {
  return req instanceof http2.Http2ServerRequest;
}
