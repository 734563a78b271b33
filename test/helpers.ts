import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { SimulatedClient } from '../clients/client.js';
import type { Gap } from '../servers/contract/message.js';

/** Polls `predicate` every 10 ms; fails with `what` after `timeoutMs` (a bound, never a measurement). */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Received {
  seqs: number[];
  payloads: unknown[];
  gaps: Gap[];
  reconnects: number;
  requests: number;
}

/** Records what a client reports through the shared event vocabulary. */
export function record(client: SimulatedClient): Received {
  const received: Received = { seqs: [], payloads: [], gaps: [], reconnects: 0, requests: 0 };
  client.on('message', (message) => {
    received.seqs.push(message.seq);
    received.payloads.push(message.payload);
  });
  client.on('gap', (gap) => received.gaps.push(gap));
  client.on('reconnect', () => received.reconnects++);
  client.on('request', () => received.requests++);
  client.on('error', () => {});
  return received;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process still exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Writes raw bytes to 127.0.0.1:`port` and collects everything until the server closes or `idleMs` pass without data. */
export function rawExchange(port: number, bytes: Buffer | string, idleMs = 300): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let text = '';
    let timer = setTimeout(() => socket.destroy(), idleMs);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), idleMs);
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

/**
 * A TCP relay in front of the server that keeps every byte the clients send, so the test reads the requests
 * exactly as they crossed the wire.
 */
export class CaptureRelay {
  readonly upstream: Buffer[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      const server = net.connect({ port: this.targetPort, host: '127.0.0.1' });
      for (const socket of [client, server]) {
        this.sockets.add(socket);
        socket.on('error', () => {});
        socket.once('close', () => this.sockets.delete(socket));
      }
      client.on('data', (chunk: Buffer) => {
        this.upstream.push(chunk);
        server.write(chunk);
      });
      server.on('data', (chunk: Buffer) => client.write(chunk));
      client.once('close', () => server.destroy());
      server.once('close', () => client.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** What the clients sent, as text (HTTP requests and handshakes are ASCII). */
  text(): string {
    return Buffer.concat(this.upstream).toString('latin1');
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The live child processes of `pid` (not their children), from /proc: what a process has started and not yet reaped. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (2nd field) is in parentheses and may hold spaces: the ppid follows the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return children;
}
