import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { DelayProxy, linkOf, type LinkOptions } from '../../../bench/network/proxy.js';
import { waitFor } from '../../helpers.js';

/**
 * The proxy is checked against the test's own clock (performance.now() in this process, which runs both ends):
 * a delay is never shorter than asked (a timer may fire up to a millisecond early by this clock, hence the 1 ms),
 * and not much longer on a machine that is not saturated (TOLERANCE_MS, generous for a shared 2-core machine).
 */
const EARLY_MS = 1;
const TOLERANCE_MS = 40;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP server that hands each accepted socket to `onSocket`. */
async function tcpServer(onSocket: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  return (server.address() as net.AddressInfo).port;
}

async function proxyTo(port: number, link: Partial<LinkOptions>): Promise<number> {
  const proxy = new DelayProxy({ host: '127.0.0.1', port }, { delayMs: 0, jitterMs: 0, bandwidthBytesPerSec: 0, seed: 1, ...link });
  const url = await proxy.listen();
  cleanups.push(() => proxy.close());
  return Number(new URL(url).port);
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  cleanups.push(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

function collect(socket: net.Socket): { chunks: Buffer[]; ended: Promise<Buffer> } {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { chunks, ended: new Promise((resolve) => socket.once('end', () => resolve(Buffer.concat(chunks)))) };
}

describe('DelayProxy', () => {
  it('delays each direction by the one-way delay, and a new connection by the TCP handshake first', async () => {
    const delayMs = 60;
    const arrivals: number[] = [];
    const serverPort = await tcpServer((socket) =>
      socket.on('data', (chunk) => {
        arrivals.push(performance.now());
        socket.write(chunk); // an echo: the answer travels back through the proxy
      }),
    );
    const client = await connect(await proxyTo(serverPort, { delayMs }));
    const connectedAt = performance.now();
    const echoes: number[] = [];
    client.on('data', () => echoes.push(performance.now()));

    // First bytes: SYN and SYN-ACK cost a round trip before they can leave, then one transit.
    client.write('first');
    await waitFor(() => echoes.length === 1, 'the first echo');
    expect(arrivals[0] - connectedAt).toBeGreaterThanOrEqual(3 * delayMs - EARLY_MS);
    expect(arrivals[0] - connectedAt).toBeLessThan(3 * delayMs + TOLERANCE_MS);

    // On the open connection: one transit to the server, one back.
    const sentAt = performance.now();
    client.write('second');
    await waitFor(() => echoes.length === 2, 'the second echo');
    const oneWay = arrivals[1] - sentAt;
    const roundTrip = echoes[1] - sentAt;
    expect(oneWay).toBeGreaterThanOrEqual(delayMs - EARLY_MS);
    expect(oneWay).toBeLessThan(delayMs + TOLERANCE_MS);
    expect(roundTrip).toBeGreaterThanOrEqual(2 * delayMs - EARLY_MS);
    expect(roundTrip).toBeLessThan(2 * delayMs + TOLERANCE_MS);
  });

  it('forwards every byte unchanged and in order, both ways at once, under jitter', async () => {
    const up = randomBytes(1024 * 1024);
    const down = randomBytes(768 * 1024);
    let received: Promise<Buffer> | undefined;
    const serverPort = await tcpServer((socket) => {
      received = collect(socket).ended;
      writeInRandomChunks(socket, down);
    });
    const client = await connect(await proxyTo(serverPort, { delayMs: 5, jitterMs: 5 }));
    const back = collect(client).ended;
    writeInRandomChunks(client, up);
    await waitFor(() => received !== undefined, 'the server side of the connection');
    const [atServer, atClient] = await Promise.all([received!, back]);
    expect(atServer.equals(up)).toBe(true);
    expect(atClient.equals(down)).toBe(true);
  });

  it('keeps each chunk’s delay within delay ± jitter without letting a chunk overtake another', async () => {
    const delayMs = 40;
    const jitterMs = 20;
    const delays: number[] = [];
    const order: number[] = [];
    let buffered = '';
    const serverPort = await tcpServer((socket) =>
      socket.on('data', (chunk) => {
        buffered += chunk.toString();
        for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
          const [seq, sentAt] = buffered.slice(0, end).split(' ').map(Number);
          buffered = buffered.slice(end + 1);
          order.push(seq);
          delays.push(performance.now() - sentAt);
        }
      }),
    );
    const client = await connect(await proxyTo(serverPort, { delayMs, jitterMs, seed: 7 }));
    client.write('0 0\n'); // pays the handshake; not measured
    await waitFor(() => order.length === 1, 'the first line');
    order.length = 0;
    delays.length = 0;
    for (let seq = 1; seq <= 40; seq++) {
      client.write(`${seq} ${performance.now()}\n`);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await waitFor(() => order.length === 40, 'forty lines');
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(delayMs - jitterMs - EARLY_MS);
      expect(delay).toBeLessThan(delayMs + jitterMs + TOLERANCE_MS);
    }
    // Jitter is there: the delays are not all the same.
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(jitterMs / 2);
  });

  it('caps the bandwidth of a connection', async () => {
    const bandwidthBytesPerSec = 200_000;
    const bytes = 100_000;
    let firstByteAt = 0;
    let lastByteAt = 0;
    let count = 0;
    const serverPort = await tcpServer((socket) =>
      socket.on('data', (chunk) => {
        if (count === 0) firstByteAt = performance.now();
        count += chunk.length;
        lastByteAt = performance.now();
      }),
    );
    const client = await connect(await proxyTo(serverPort, { bandwidthBytesPerSec }));
    client.write(randomBytes(bytes));
    await waitFor(() => count === bytes, 'every byte', 10_000);
    // The first slice (one segment, 1,460 bytes) arrives after its own transmission time, the rest at the cap;
    // the first and the last timer may each fire a little early by this clock.
    const expectedMs = ((bytes - 1460) * 1000) / bandwidthBytesPerSec;
    expect(lastByteAt - firstByteAt).toBeGreaterThanOrEqual(expectedMs - 2 * EARLY_MS);
    expect(lastByteAt - firstByteAt).toBeLessThan(expectedMs + 200);
  });

  it('forwards a half-close after the data before it, and the far side’s answer after that', async () => {
    const serverPort = await tcpServer((socket) => {
      const { ended } = collect(socket);
      void ended.then((all) => socket.end(`got ${all.length}`));
    });
    const client = await connect(await proxyTo(serverPort, { delayMs: 10 }));
    const answer = collect(client).ended;
    client.end('x'.repeat(5000));
    expect((await answer).toString()).toBe('got 5000');
  });

  it('is not needed when the scenario asks for no network', () => {
    expect(linkOf({ seed: 1 })).toBeNull();
    expect(linkOf({ seed: 1, delayMs: 0, jitterMs: 0, bandwidthBytesPerSec: 0 })).toBeNull();
    expect(linkOf({ seed: 3, delayMs: 50 })).toEqual({ delayMs: 50, jitterMs: 0, bandwidthBytesPerSec: 0, seed: 3 });
  });
});

/** Writes `data` in chunks of 1 to 64 KiB, so that slices and TCP segments fall at random places. */
function writeInRandomChunks(socket: net.Socket, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    const size = 1 + Math.floor(Math.random() * 65_536);
    socket.write(data.subarray(offset, offset + size));
    offset += size;
  }
  socket.end();
}
