import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { buildConnector } from 'undici';
import { addTlsSplit, emptyTlsSplit, type ByteCounts, type TlsSplit } from '../servers/contract/byte-counts.js';
import { lingerClose, TlsRecordMeter } from './tls-record-meter.js';

/** How a client speaks TLS to the server. */
export interface ClientTls {
  /** The one certificate the client trusts, PEM: the server's throwaway one. Nothing else is trusted. */
  ca: string;
  /**
   * Offers the session ticket of its last connection when it opens a new one, as a browser does (default): the
   * server then resumes the session without its certificate or a signature. False: every connection a full handshake.
   */
  resume?: boolean;
  /**
   * Told each line of the connections' secrets in the NSS key log format (what SSLKEYLOGFILE holds), so that a
   * capture of the traffic can be decrypted by Wireshark or tshark (`-o tls.keylog_file:…`).
   */
  keylog?: (line: Buffer) => void;
}

/** TLS handshakes one client made: full ones, and resumed ones (a session ticket accepted). */
export interface HandshakeCounts {
  full: number;
  resumed: number;
}

declare module 'http' {
  interface Agent {
    /**
     * Where every request made through the agent starts. Not in Node's typings, but it has been the Agent's
     * entry point since its first version.
     */
    addRequest(req: ClientRequest, options: ClientRequestArgs): void;
  }
}

/**
 * Counts the bytes of every TCP connection one client opens, at the socket: what the kernel was handed and
 * what it delivered, headers, handshakes and frames included. The client makes its requests through the
 * counter's `agent` (node:http, WebSocket handshakes) or its `connector` (undici), so nothing is estimated.
 *
 * Over TLS (an https:// origin, given `tls`) the counter opens the TCP connection itself, counts it, and runs the
 * TLS socket over a TlsRecordMeter over it: the counts stay TCP payload, and the meter splits them into handshake,
 * record overhead and application bytes (`tlsSplit`). The TLS socket trusts exactly `tls.ca`.
 */
export class WireCounter {
  private readonly closed: ByteCounts = { clientToServer: 0, serverToClient: 0 };
  private readonly live = new Set<net.Socket>();
  private readonly closedSplit = emptyTlsSplit();
  private readonly meters = new Set<TlsRecordMeter>();
  /** Open TLS connections: the TLS socket, and the TCP socket under it. */
  private readonly secureLive = new Map<tls.TLSSocket, net.Socket>();
  /** The ticket of the last session, offered on the next connection (ClientTls.resume). */
  private session: Buffer | undefined;
  readonly handshakes: HandshakeCounts = { full: 0, resumed: 0 };
  connectionsOpened = 0;

  /**
   * `localAddress`: the loopback source address every connection binds (127.0.0.2, …), so that more clients can
   * reach one server port than one source address has ephemeral ports; absent: the kernel's choice.
   */
  constructor(
    private readonly tls?: ClientTls,
    readonly localAddress?: string,
  ) {}

  /**
   * An http.Agent whose every connection is counted here; `onRequest` is told of every request made through it.
   * With TLS it is an https agent: its connections speak TLS, ALPN offering HTTP/1.1 only (a WebSocket's).
   */
  agent(options: http.AgentOptions = {}, onRequest?: () => void): http.Agent {
    return new CountedAgent(options, this, onRequest);
  }

  /** Whether connections speak TLS. */
  get secure(): boolean {
    return this.tls !== undefined;
  }

  /**
   * Opens a counted TCP connection and a TLS connection over it, offering `alpn`. The TLS socket is returned at
   * once; it emits 'secureConnect' when the handshake is done.
   */
  secureConnection(host: string, port: number, alpn: readonly string[]): tls.TLSSocket {
    if (!this.tls) throw new Error('this client speaks no TLS');
    const raw = net.connect({ host, port, noDelay: true, ...(this.localAddress !== undefined && { localAddress: this.localAddress }) });
    this.count(raw);
    const meter = new TlsRecordMeter(raw);
    this.meters.add(meter);
    raw.once('close', () => {
      addTlsSplit(this.closedSplit, meter.split());
      this.meters.delete(meter);
    });
    const resume = this.tls.resume !== false;
    // No SNI for an address: the name checked against the certificate is still `host`.
    const socket = tls.connect({
      socket: meter,
      host,
      ...(net.isIP(host) === 0 && { servername: host }),
      ca: this.tls.ca,
      ALPNProtocols: [...alpn],
      minVersion: 'TLSv1.3',
      ...(resume && this.session && { session: this.session }),
    });
    meter.watch(socket);
    if (this.tls.keylog) socket.on('keylog', this.tls.keylog);
    this.secureLive.set(socket, raw);
    raw.once('close', () => this.secureLive.delete(socket));
    // Whatever ends the TLS socket ends the connection under it, in order, reading the server's last bytes (an HTTP
    // client destroys its socket, with an error or not, once a `Connection: close` answer is in). A cut
    // (destroyAll) destroys the connection under it at once.
    socket.once('close', () => lingerClose(raw));
    if (resume) socket.on('session', (session: Buffer) => (this.session = session));
    socket.once('secureConnect', () => {
      if (socket.isSessionReused()) this.handshakes.resumed++;
      else this.handshakes.full++;
    });
    return socket;
  }

  /**
   * Closes every open TLS connection in order: this side's close_notify, then the server's, read before the TCP
   * connection closes. A client that cut its connections instead would leave the server's close_notify, 24 bytes
   * it writes when it sees the client go, unread: counted at the server, never at the client. Bounded: a connection
   * still open after `timeoutMs` is destroyed.
   */
  async closeSecure(timeoutMs: number): Promise<void> {
    // In cleartext nothing is still on its way once a client stops: its connections are its HTTP client's to close.
    if (!this.tls) return;
    const secureOver = new Map([...this.secureLive].map(([socket, raw]) => [raw, socket]));
    // Every TCP connection still open, including one already closing in order (a poll's, without keep-alive): until
    // it closes, the server's close_notify may still be on its way, counted at the server and not yet here.
    await Promise.all(
      [...this.live].map(
        (raw) =>
          new Promise<void>((resolve) => {
            if (raw.destroyed) return resolve();
            // With an error, so the HTTP client holding the TLS socket learns why (undici's HTTP/2 client throws on a
            // socket that closes without one).
            const timer = setTimeout(() => {
              secureOver.get(raw)?.destroy(Object.assign(new Error('no close_notify from the server'), { code: 'ETIMEDOUT' }));
              raw.destroy();
            }, timeoutMs);
            raw.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            secureOver.get(raw)?.end();
          }),
      ),
    );
  }

  /** The TLS connections' bytes split by what they carried; undefined without TLS. */
  get tlsSplit(): TlsSplit | undefined {
    if (!this.tls) return undefined;
    const split = addTlsSplit(emptyTlsSplit(), this.closedSplit);
    for (const meter of this.meters) addTlsSplit(split, meter.split());
    return split;
  }

  /**
   * undici's `connect` option: opens each connection of an undici client the default way and counts it here. The
   * connector hands over the socket once it is connected; nothing was written or read on it before.
   * `useH2c` marks the connection as HTTP/2 with prior knowledge, so the undici client speaks HTTP/2 on it.
   */
  connector(options: { useH2c?: boolean } = {}): buildConnector.connector {
    // useH2c is undici's own option (H2CClient passes it the same way), missing from its typings.
    const open = buildConnector(options as buildConnector.BuildOptions);
    // Over TLS, HTTP/2 is what ALPN picks when offered, as a browser offers it; HTTP/1.1 only otherwise.
    const alpn = options.useH2c ? ['h2', 'http/1.1'] : ['http/1.1'];
    const localAddress = this.localAddress;
    return (connectOptions, callback) => {
      if (connectOptions.protocol === 'https:') return this.connectSecure(connectOptions, alpn, callback);
      open(localAddress === undefined ? connectOptions : { ...connectOptions, localAddress }, (...args) => {
        const [, socket] = args;
        if (socket instanceof net.Socket) this.count(socket);
        callback(...args);
      });
    };
  }

  private connectSecure(options: buildConnector.Options, alpn: readonly string[], callback: buildConnector.Callback): void {
    const socket = this.secureConnection(options.hostname, Number(options.port) || 443, alpn);
    let settled = false;
    const onError = (error: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      callback(error, null);
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      if (settled) return;
      settled = true;
      socket.off('error', onError);
      callback(null, socket);
    });
  }

  /** Counts a connection from its opening to its close. */
  count(socket: net.Socket): void {
    this.connectionsOpened++;
    this.live.add(socket);
    socket.once('close', () => {
      this.closed.clientToServer += socket.bytesWritten;
      this.closed.serverToClient += socket.bytesRead;
      this.live.delete(socket);
    });
  }

  get bytes(): ByteCounts {
    const total = { ...this.closed };
    for (const socket of this.live) {
      total.clientToServer += socket.bytesWritten;
      total.serverToClient += socket.bytesRead;
    }
    return total;
  }

  get openConnections(): number {
    return this.live.size;
  }

  /**
   * Cuts every open connection, as a network failure would: the client sees its connections time out. Not as a
   * reset (ECONNRESET): on a reused keep-alive connection a reset makes some HTTP clients (engine.io's, through
   * xmlhttprequest-ssl) silently send the request again, so the client would never learn it was cut.
   */
  destroyAll(): void {
    const cut = () => Object.assign(new Error('connection cut (simulated network failure)'), { code: 'ETIMEDOUT' });
    // A TLS connection is cut at the socket its client holds, the TLS one (it takes the TCP one with it), so the
    // client learns of it as it would of a cut TCP socket.
    const under = new Set(this.secureLive.values());
    for (const socket of this.secureLive.keys()) socket.destroy(cut());
    for (const raw of under) raw.destroy();
    for (const socket of this.live) if (!under.has(socket)) socket.destroy(cut());
  }
}

class CountedAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly counter: WireCounter,
    private readonly onRequest: (() => void) | undefined,
  ) {
    super(options);
    // An https request refuses an agent of another protocol; over TLS this agent is an https one.
    if (counter.secure) Object.assign(this, { protocol: 'https:' });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    if (this.counter.secure) return this.counter.secureConnection(options.host ?? '127.0.0.1', Number(options.port), ['http/1.1']);
    const { localAddress } = this.counter;
    const socket = super.createConnection(localAddress === undefined ? options : { ...options, localAddress }, callback);
    // Plain TCP to loopback: the agent's default connection is always a net.Socket.
    if (socket instanceof net.Socket) this.counter.count(socket);
    return socket;
  }

  override addRequest(req: http.ClientRequest, options: http.ClientRequestArgs): void {
    this.onRequest?.();
    super.addRequest(req, options);
  }
}
