import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** TCP payload bytes between this process and Redis, counted at the client sockets. */
export interface RedisTraffic {
  /** Commands sent: publishes (script calls), the reader's XREADs, the snapshots. */
  bytesToRedis: number;
  /** Replies: the stream entries each process reads, the seqs handed back. */
  bytesFromRedis: number;
}

const ports = new Set<number>();
const open = new Set<Socket>();
const closed: RedisTraffic = { bytesToRedis: 0, bytesFromRedis: 0 };
let listening = false;

/**
 * Counts the bytes of every TCP client socket this process opens to a Redis port, reconnections included.
 * node-redis keeps its socket private, so the sockets are picked up as Node creates them (the
 * `net.client.socket` diagnostics channel) and kept if they connect to a registered port: a server process
 * opens no other client socket to that port.
 */
export function countRedisTraffic(port: number): void {
  ports.add(port);
  if (listening) return;
  listening = true;
  diagnostics.subscribe('net.client.socket', (message) => {
    const { socket } = message as { socket: Socket };
    socket.once('connect', () => {
      if (!ports.has(socket.remotePort ?? -1)) return;
      open.add(socket);
      socket.once('close', () => {
        open.delete(socket);
        closed.bytesToRedis += socket.bytesWritten;
        closed.bytesFromRedis += socket.bytesRead;
      });
    });
  });
}

/** Bytes so far, over every Redis socket this process has had. */
export function redisTraffic(): RedisTraffic {
  const total = { ...closed };
  for (const socket of open) {
    total.bytesToRedis += socket.bytesWritten;
    total.bytesFromRedis += socket.bytesRead;
  }
  return total;
}
