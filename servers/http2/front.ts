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
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly listeners: { [E in keyof Http2FrontEvents]: ((...args: Http2FrontEvents[E]) => void)[] } = { session: [] };
  /** The socket being handed over, for the session the http2 server creates for it synchronously. */
  private handingOver?: Socket;
  /** Sockets closed because their first bytes said neither HTTP/1.1 nor HTTP/2 in time. */
  refusedSockets = 0;
  /** HTTP/2 sessions accepted since the start. */
  sessionsOpened = 0;
  /** Sessions closed before their first stream (see Http2Counters). */
  closedBeforeAnyStream = 0;

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
  }

  on<E extends keyof Http2FrontEvents>(event: E, listener: (...args: Http2FrontEvents[E]) => void): this {
    this.listeners[event].push(listener);
    return this;
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /** What /api/stats shows of HTTP/2. */
  counters(): Http2Counters {
    const { sessionsOpened, openSessions, closedBeforeAnyStream, refusedSockets } = this;
    return { sessionsOpened, openSessions, closedBeforeAnyStream, refusedSockets };
  }

  /** Says goodbye (GOAWAY) on every session: each closes once its open streams are done. */
  closeSessions(): void {
    for (const session of this.sessions) if (!session.closed) session.close();
  }

  private adopt(session: http2.ServerHttp2Session): void {
    const socket = this.handingOver;
    if (!socket) return;
    this.sessions.add(session);
    this.sessionsOpened++;
    session.once('close', () => this.sessions.delete(session));
    // Idle means no frame at all: a held poll's session is idle too, so the limit is above the longest hold.
    session.setTimeout(this.options.idleTimeoutMs, () => session.close());
    // As an HTTP/1.1 connection must send its request within the header timeout, a session must open a stream.
    // This also ends a session broken before its first request: after a malformed frame nghttp2 sends GOAWAY and
    // reads nothing more, but node leaves the connection open (and a later break waits for the idle timeout).
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

export function isHttp2Request(req: object): req is http2.Http2ServerRequest {
  return req instanceof http2.Http2ServerRequest;
}
