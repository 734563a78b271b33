import type { Socket as EngineSocket } from 'engine.io';

/** An engine.io packet as its `packetCreate` and `flush` events hand it over. */
interface EnginePacket {
  data?: unknown;
}

function packetBytes(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;
}

/**
 * What one Socket.IO client's connection holds in user space, so a replay can be paced the way PushFanout paces
 * ours: packets waiting in engine.io's write buffer (counted from its public `packetCreate` and `flush` events,
 * as UTF-16 units of the encoded packets) plus the bytes not yet handed to the kernel by the socket under the
 * transport. For the polling transport that socket is the session's first request's: a poll answer on another
 * connection is not seen, but a client asks for the next only once it has read the last.
 */
export class EngineBacklog {
  private writeBufferBytes = 0;

  constructor(private readonly conn: EngineSocket) {
    conn.on('packetCreate', this.onPacket);
    conn.on('flush', this.onFlush);
  }

  get bytes(): number {
    return this.writeBufferBytes + (this.conn.request.socket?.writableLength ?? 0);
  }

  /**
   * Calls `next` once when some of the backlog may have moved on: engine.io flushed its buffer to the
   * transport, the transport finished a send, the socket drained, or the connection closed.
   */
  whenProgress(next: () => void): void {
    const { conn } = this;
    const { transport } = conn;
    const socket = conn.request.socket;
    const wake = () => {
      conn.off('drain', wake);
      conn.off('close', wake);
      transport.off('drain', wake);
      socket?.off('drain', wake);
      next();
    };
    conn.on('drain', wake);
    conn.on('close', wake);
    transport.on('drain', wake);
    socket?.on('drain', wake);
  }

  /** Stops counting (the replay is over: live messages are not watched, so the broadcast costs nothing more). */
  dispose(): void {
    this.conn.off('packetCreate', this.onPacket);
    this.conn.off('flush', this.onFlush);
  }

  private readonly onPacket = (packet: EnginePacket): void => {
    this.writeBufferBytes += packetBytes(packet);
  };

  private readonly onFlush = (): void => {
    this.writeBufferBytes = 0;
  };
}

/**
 * Bytes a connection holds in user space, for measuring (stats, tests): engine.io's write buffer, which it keeps
 * private and which is only read here, plus the socket under the transport (see EngineBacklog).
 */
export function engineBufferedBytes(conn: EngineSocket): number {
  const writeBuffer = (conn as unknown as { writeBuffer?: EnginePacket[] }).writeBuffer ?? [];
  let total = conn.request.socket?.writableLength ?? 0;
  for (const packet of writeBuffer) total += packetBytes(packet);
  return total;
}
