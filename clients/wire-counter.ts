import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { buildConnector } from 'undici';
import type { ByteCounts } from '../servers/contract/byte-counts.js';

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
 */
export class WireCounter {
  /**
   * `localAddress`: the loopback source address every connection binds (127.0.0.2, …), so that more clients can
   * reach one server port than one source address has ephemeral ports; absent: the kernel's choice.
   */
  constructor(readonly localAddress?: string) {}

  private readonly closed: ByteCounts = { clientToServer: 0, serverToClient: 0 };
  private readonly live = new Set<net.Socket>();
  connectionsOpened = 0;

  /** An http.Agent whose every connection is counted here; `onRequest` is told of every request made through it. */
  agent(options: http.AgentOptions = {}, onRequest?: () => void): http.Agent {
    return new CountedAgent(options, this, onRequest);
  }

  /**
   * undici's `connect` option: opens each connection of an undici client the default way and counts it here. The
   * connector hands over the socket once it is connected; nothing was written or read on it before.
   * `useH2c` marks the connection as HTTP/2 with prior knowledge, so the undici client speaks HTTP/2 on it.
   */
  connector(options: { useH2c?: boolean } = {}): buildConnector.connector {
    // useH2c is undici's own option (H2CClient passes it the same way), missing from its typings.
    const open = buildConnector(options as buildConnector.BuildOptions);
    const localAddress = this.localAddress;
    return (options, callback) =>
      open(localAddress === undefined ? options : { ...options, localAddress }, (...args) => {
        const [, socket] = args;
        if (socket instanceof net.Socket) this.count(socket);
        callback(...args);
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
    for (const socket of this.live) socket.destroy(Object.assign(new Error('connection cut (simulated network failure)'), { code: 'ETIMEDOUT' }));
  }
}

class CountedAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly counter: WireCounter,
    private readonly onRequest: (() => void) | undefined,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
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
