import type { Socket } from 'node:net';
import tls from 'node:tls';
import { TLS_CLOSE_WAIT_MS } from '../constants.js';
import type { CertificatePem } from './certificate.js';

/** TLS on the server's port, beside any one strategy's counters. */
export interface TlsCounters {
  /** Handshakes completed: every one, full or resumed. */
  handshakes: number;
  /** Of those, the ones that resumed an earlier session from a ticket: no certificate sent, no signature made. */
  resumed: number;
  /** Connections closed before their handshake completed: no TLS, a failed handshake, a timeout, a client gone. */
  failed: number;
}

/** What ALPN offers, in the server's order of preference: HTTP/2 when the client speaks it, as browsers do. */
export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1'];

export interface TlsAcceptorOptions {
  /** A connection whose handshake has not completed within this long is closed, ms. */
  handshakeTimeoutMs: number;
}

/**
 * TLS 1.3 on accepted TCP sockets: each raw socket is wrapped in a server-side TLSSocket that uses it directly
 * (node's TLS works on the socket's own handle, in C++, as an https server's does: no JavaScript stream in
 * between), and once the handshake is done `secured` gets the TLS socket, whose `alpnProtocol` says which HTTP it
 * speaks, and the raw socket under it, whose `bytesRead` and `bytesWritten` stay the TCP payload bytes — TLS
 * records, handshakes and all — while the TLS socket's count the plaintext.
 *
 * TLS 1.3 only: every browser speaks it, and its one record layout (5-byte header, 16-byte AEAD tag, one byte of
 * inner content type) is what the clients' record meter reads. Session tickets are on (node's default: two per
 * full handshake), so a client that keeps one resumes without the certificate and its signature.
 */
export class TlsAcceptor {
  readonly context: tls.SecureContext;
  private readonly counts: TlsCounters = { handshakes: 0, resumed: 0, failed: 0 };

  constructor(
    pem: CertificatePem,
    private readonly options: TlsAcceptorOptions,
  ) {
    this.context = tls.createSecureContext({ cert: pem.cert, key: pem.key, minVersion: 'TLSv1.3' });
  }

  counters(): TlsCounters {
    return { ...this.counts };
  }

  /** Starts the handshake on `raw`; `secured` is called once it completes, never if it fails (the socket is then destroyed). */
  accept(raw: Socket, secured: (socket: tls.TLSSocket, raw: Socket) => void): void {
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: this.context, ALPNProtocols: [...ALPN_PROTOCOLS] });
    let done = false;
    const fail = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.counts.failed++;
      socket.destroy();
    };
    const timer = setTimeout(fail, this.options.handshakeTimeoutMs);
    timer.unref();
    // Before the handshake an error is the handshake's (a client speaking no TLS, an alert): it fails. After it
    // the listener does nothing, and whoever serves the socket listens for its own.
    socket.on('error', fail);
    socket.once('close', fail);
    // A client that ends its side before the handshake is done will never finish it (the raw socket accepts
    // half-open connections, for HTTP's sake): closed now, not at the timeout.
    socket.once('end', fail);
    socket.once('secure', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // What a tls.Server sets when it emits 'secureConnection': until then an http2 session on the socket would
      // wait for a 'secureConnect' that a server-side socket never emits.
      (socket as tls.TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
      this.counts.handshakes++;
      if (socket.isSessionReused()) this.counts.resumed++;
      closeAfterThePeer(socket);
      secured(socket, raw);
    });
  }
}

/**
 * node:http closes a connection after its last answer (Connection: close) with destroySoon(): the socket is
 * destroyed as soon as its own close is written. A TLS peer answers our close_notify with its own, which then meets a
 * closed socket: the kernel answers it with a reset, and bytes the client counted as sent the server never read. Over
 * TLS the socket is ended instead and closes when the peer's close arrives (a socket that does not stay half-open
 * is destroyed at the peer's FIN), or after TLS_CLOSE_WAIT_MS from a peer that never closes.
 */
function closeAfterThePeer(socket: tls.TLSSocket): void {
  socket.destroySoon = function (this: tls.TLSSocket) {
    if (this.writable) this.end();
    setTimeout(() => this.destroy(), TLS_CLOSE_WAIT_MS).unref();
  };
}
