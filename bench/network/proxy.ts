import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { networkOf, type Scenario } from '../../results/scenario.js';
import { mulberry32 } from '../plan/random.js';

/** What the emulated network does to every connection, in each direction. */
export interface LinkOptions {
  /** One-way delay, ms. */
  delayMs: number;
  /** Each chunk's delay varies uniformly within ± this, ms (never below zero). */
  jitterMs: number;
  /** Bytes per second of each connection, each direction; 0 = unlimited. */
  bandwidthBytesPerSec: number;
  /** Seed of the jitter draws. */
  seed: number;
}

/**
 * Bytes queued in one direction before the proxy stops reading from the sender: TCP flow control, in effect,
 * so that a fast sender behind a slow link cannot grow the proxy's memory without bound.
 */
const HIGH_WATER_BYTES = 1024 * 1024;
/** A capped link sends in slices of at least this size (one Ethernet segment of payload)... */
const MIN_SLICE_BYTES = 1460;
/** ...and of at most about this much transmission time, so bytes trickle at the cap instead of arriving in lumps. */
const SLICE_MS = 1;

interface Pending {
  dueAt: number;
  /** Bytes to forward, or what to do to the far socket once everything before has been forwarded. */
  item: Buffer | 'end' | 'destroy';
}

/**
 * One direction of one connection. Every chunk leaves `delay ± jitter` after it arrived (after its transmission
 * time on a capped link), and never before the chunk ahead of it: jitter spreads the arrival times, it does not
 * reorder bytes. Half-closes and resets travel the same way, behind the data.
 */
class DelayedPipe {
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Due time of the last chunk queued: the floor for the next one. */
  private lastDueAt = 0;
  /** When the capped link finishes sending what it already has. */
  private linkFreeAt = 0;
  private closed = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly link: LinkOptions,
    private readonly random: () => number,
    /** Nothing can be sent before this: a new connection's TCP handshake takes a round trip first. */
    private readonly sendableAt: number,
  ) {
    from.on('data', (chunk: Buffer) => this.enqueue(chunk));
    from.on('end', () => this.push('end', this.now()));
    // Closed without an orderly end (reset, destroyed): the far side learns of it after the data in flight.
    from.on('close', () => {
      if (!this.closed) this.push('destroy', this.now());
    });
    to.on('drain', () => this.resumeIfRoom());
  }

  private enqueue(chunk: Buffer): void {
    const bandwidth = this.link.bandwidthBytesPerSec;
    const sliceBytes = bandwidth > 0 ? Math.max(MIN_SLICE_BYTES, Math.ceil((bandwidth * SLICE_MS) / 1000)) : chunk.length;
    const now = this.now();
    for (let offset = 0; offset < chunk.length; offset += sliceBytes) {
      const slice = chunk.subarray(offset, offset + sliceBytes);
      let sentAt = now;
      if (bandwidth > 0) {
        // The slice waits for the link, then takes its transmission time; propagation delay comes on top.
        this.linkFreeAt = Math.max(now, this.linkFreeAt) + (slice.length * 1000) / bandwidth;
        sentAt = this.linkFreeAt;
      }
      this.push(slice, sentAt);
    }
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > HIGH_WATER_BYTES) this.from.pause();
  }

  /** When something handed to the pipe now can start on its way. */
  private now(): number {
    return Math.max(performance.now(), this.sendableAt);
  }

  private push(item: Pending['item'], sentAt: number): void {
    if (item !== 'end' && item !== 'destroy' && this.closed) return;
    if (item === 'destroy' || item === 'end') this.closed = true;
    const jitter = this.link.jitterMs > 0 ? (this.random() * 2 - 1) * this.link.jitterMs : 0;
    const dueAt = Math.max(this.lastDueAt, sentAt + Math.max(0, this.link.delayMs + jitter));
    this.lastDueAt = dueAt;
    this.queue.push({ dueAt, item });
    this.arm();
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head || this.timer) return;
    // Timers may fire up to a millisecond early by performance.now(): flush() re-arms until the chunk is due.
    this.timer = setTimeout(() => this.flush(), Math.max(0, Math.ceil(head.dueAt - performance.now())));
  }

  private flush(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].dueAt <= now) {
      const { item } = this.queue.shift()!;
      if (item === 'end') {
        if (!this.to.destroyed) this.to.end();
      } else if (item === 'destroy') {
        this.to.destroy();
      } else {
        this.queuedBytes -= item.length;
        if (!this.to.destroyed) this.to.write(item);
      }
    }
    this.resumeIfRoom();
    this.arm();
  }

  private resumeIfRoom(): void {
    if (this.queuedBytes <= HIGH_WATER_BYTES / 2 && !this.to.writableNeedDrain && this.from.isPaused()) this.from.resume();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/**
 * A TCP proxy on 127.0.0.1 that emulates a network between the clients and the server: every byte is
 * forwarded unchanged and in order, one-way delay (with jitter) each way, an optional bandwidth cap per
 * connection, and a new connection's first bytes leave only after the round trip of the TCP handshake.
 */
export class DelayProxy {
  private readonly server: net.Server;
  private readonly pipes = new Set<DelayedPipe>();
  private readonly sockets = new Set<net.Socket>();
  private readonly random: () => number;
  connectionsOpened = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly link: LinkOptions,
  ) {
    this.random = mulberry32(link.seed);
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      // A crowd of clients connects at once at scale: a short accept queue would turn into SYN retries.
      this.server.listen({ port, host, backlog: 4096 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const { address, port } = this.server.address() as net.AddressInfo;
    return `http://${address}:${port}`;
  }

  get openConnections(): number {
    return this.sockets.size / 2;
  }

  private accept(client: net.Socket): void {
    this.connectionsOpened++;
    const upstream = net.connect({ ...this.target, allowHalfOpen: true, noDelay: true });
    // SYN out, SYN-ACK back: only then could a real client send its first byte.
    const handshakeDoneAt = performance.now() + 2 * this.link.delayMs;
    const up = new DelayedPipe(client, upstream, this.link, this.random, handshakeDoneAt);
    const down = new DelayedPipe(upstream, client, this.link, this.random, 0);
    for (const [socket, pipe] of [
      [client, up],
      [upstream, down],
    ] as const) {
      this.sockets.add(socket);
      this.pipes.add(pipe);
      // Failures end in 'close', which the pipes forward; an unhandled 'error' would crash the proxy.
      socket.on('error', () => {});
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.pipes.delete(pipe);
      });
    }
  }

  /** Stops accepting and cuts every connection at once. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const pipe of this.pipes) pipe.stop();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** The proxy's link of a scenario, or null when it asks for no network emulation or for the kernel's (bench/network/kernel-link.ts). */
export function linkOf(
  scenario: Pick<Scenario, 'delayMs' | 'jitterMs' | 'bandwidthBytesPerSec' | 'lossPercent' | 'network' | 'seed'>,
): LinkOptions | null {
  const network = networkOf(scenario);
  if (network === null || network.network === 'kernel') return null;
  const { delayMs, jitterMs, bandwidthBytesPerSec } = network;
  return { delayMs, jitterMs, bandwidthBytesPerSec, seed: scenario.seed };
}
