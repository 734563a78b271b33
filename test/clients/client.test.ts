import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTEMPT_TIMEOUT_CODE, type SimulatedClient } from '../../clients/client.js';
import { PushServer } from '../../servers/app.js';
import { STRATEGIES } from '../../bench/plan/strategies.js';
import { range, record, sleep, waitFor } from '../helpers.js';

/** Short, so a test sees several deadlines; the default (10 s) is for real runs. */
const CONNECT_TIMEOUT_MS = 300;
const LONG_POLL_TIMEOUT_MS = 400;

/**
 * A TCP front for a real server that can black-hole connections: the next `swallow` connections it accepts are
 * never read, answered or closed, as node:cluster's primary leaves a connection it handed to a worker that died
 * (see DEFAULT_CONNECT_TIMEOUT_MS); every other connection is piped to the server.
 */
class BlackHoleFront {
  swallow = 0;
  /** The black-holed connections, and which of them the client has closed. */
  readonly swallowed: net.Socket[] = [];
  readonly closedByClient = new Set<net.Socket>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  constructor(targetPort: number) {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      if (this.swallow > 0) {
        this.swallow--;
        this.swallowed.push(socket);
        // Not read: its bytes wait in the kernel, as at a process that never accepts them.
        socket.pause();
        socket.on('close', () => this.closedByClient.add(socket));
        return;
      }
      const upstream = net.connect(targetPort, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
  }

  /** Whether the client has closed a black-holed connection: its bytes are read now, up to the client's FIN. */
  async closedByTheClient(socket: net.Socket): Promise<boolean> {
    socket.resume();
    await waitFor(() => this.closedByClient.has(socket), 'the black-holed connection to end', 2_000).catch(() => {});
    return this.closedByClient.has(socket);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// A strategy another stack serves (PHP) drives it with one of these same clients: the clients are tested here once.
const SUITES = STRATEGIES.filter((entry) => entry.server).flatMap((entry) => [
  [entry.info.name, entry, '1.1'] as const,
  ...(entry.info.http2 ? [[`${entry.info.name} over HTTP/2`, entry, '2'] as const] : []),
]);

describe.each(SUITES)('%s: an attempt the server never answers', (_name, entry, httpVersion) => {
  /**
   * The client itself closes the connection it gave up on (nothing else would). Except Socket.IO's polling
   * client, as the library is: on its connect timeout engine.io-client drops the transport but leaves the
   * handshake GET pending on its connection, and opens a new one (the client's stop cuts it at the end).
   */
  const closesWhatItGivesUp = entry.info.name !== 'socketio-polling';
  let server: PushServer;
  let front: BlackHoleFront;
  const clients: SimulatedClient[] = [];

  async function start() {
    server = new PushServer({ strategies: [entry.info.name], limits: { longPollTimeoutMs: LONG_POLL_TIMEOUT_MS } });
    await server.listen(0, '127.0.0.1');
    front = new BlackHoleFront(Number(new URL(server.url).port));
    const baseUrl = await front.listen();
    const client = new entry.client({
      baseUrl,
      pollIntervalMs: 40,
      longPollTimeoutMs: LONG_POLL_TIMEOUT_MS,
      reconnectMinMs: 20,
      reconnectMaxMs: 200,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      httpVersion,
    });
    clients.push(client);
    const received = record(client);
    const timeouts: Error[] = [];
    client.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === ATTEMPT_TIMEOUT_CODE) timeouts.push(error);
    });
    return { client, received, timeouts };
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await front?.close();
    await server?.close();
  });

  it('gives up a first connection that is accepted but never answered, retries, and gets every message once', async () => {
    const { client, received, timeouts } = await start();
    front.swallow = 1;
    client.start();
    for (let i = 1; i <= 5; i++) server.source.publish(i);
    await waitFor(() => received.seqs.length >= 5, 'the messages published before the client got through');
    for (let i = 6; i <= 10; i++) server.source.publish(i);
    await waitFor(() => received.seqs.length >= 10, 'the messages published after');
    await sleep(100);
    expect(received.seqs).toEqual(range(1, 10));
    expect(front.swallowed).toHaveLength(1);
    expect(await front.closedByTheClient(front.swallowed[0])).toBe(closesWhatItGivesUp);
    expect(received.reconnects).toBeGreaterThanOrEqual(1);
    // Socket.IO gives up on its own deadline (set to ours) and reports it as its own connect_error.
    if (!entry.info.name.startsWith('socketio')) expect(timeouts.length).toBeGreaterThanOrEqual(1);
  });

  it('gives up a reconnect that is accepted but never answered, and resumes from its cursor', async () => {
    const { client, received } = await start();
    client.start();
    for (let i = 1; i <= 5; i++) server.source.publish(i);
    await waitFor(() => received.seqs.length >= 5, 'the first 5 messages');
    // The storm's case: the connection dies, and the next attempt lands on a connection nobody answers.
    front.swallow = 1;
    client.dropConnection();
    for (let i = 6; i <= 10; i++) server.source.publish(i);
    await waitFor(() => front.swallowed.length === 1, 'the reconnect to reach the black hole');
    await waitFor(() => received.seqs.length >= 10, 'the messages published while the client was cut off');
    for (let i = 11; i <= 15; i++) server.source.publish(i);
    await waitFor(() => received.seqs.length >= 15, 'the messages after it got back');
    await sleep(100);
    expect(received.seqs).toEqual(range(1, 15));
    expect(await front.closedByTheClient(front.swallowed[0])).toBe(closesWhatItGivesUp);
  });
});
