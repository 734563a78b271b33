import net from 'node:net';
import type { ByteCounts } from '../servers/contract/byte-counts.js';

/**
 * Counts the bytes of every TCP connection one client opens, at the socket: what the kernel was handed and
 * what it delivered, headers, handshakes and frames included. Its `createConnection` is given to the
 * client's http.Agent or to `ws`, so nothing is estimated.
 */
export class WireCounter {
  private readonly closed: ByteCounts = { clientToServer: 0, serverToClient: 0 };
  private readonly live = new Set<net.Socket>();
  connectionsOpened = 0;

  readonly createConnection = (options: net.NetConnectOpts): net.Socket => {
    const socket = net.createConnection(options);
    this.connectionsOpened++;
    this.live.add(socket);
    socket.once('close', () => {
      this.closed.clientToServer += socket.bytesWritten;
      this.closed.serverToClient += socket.bytesRead;
      this.live.delete(socket);
    });
    return socket;
  };

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
