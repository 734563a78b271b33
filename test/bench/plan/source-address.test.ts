import net, { type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECTIONS_PER_SOURCE_ADDRESS,
  MAX_SOURCE_ADDRESSES,
  sourceAddressCount,
  sourceAddresses,
  sourceAddressOf,
} from '../../../bench/plan/source-address.js';
import { readLoopbackPortUse } from '../../../bench/plan/machine-limits.js';
import type { SimulatedClient } from '../../../clients/client.js';
import { LongPollingClient } from '../../../clients/long-polling.js';
import { WebSocketClient } from '../../../clients/websocket.js';
import { startPushServer, type PushServer } from '../../../servers/app.js';

describe('sourceAddresses', () => {
  it('leaves a fleet one address can serve to the kernel', () => {
    expect(sourceAddressCount(CONNECTIONS_PER_SOURCE_ADDRESS)).toBe(1);
    expect(sourceAddresses(CONNECTIONS_PER_SOURCE_ADDRESS)).toEqual([]);
    expect(sourceAddressOf(0, [])).toBeUndefined();
  });

  it('spreads a larger fleet round-robin over 127.0.0.2, 127.0.0.3, …', () => {
    const addresses = sourceAddresses(100_000);
    expect(addresses).toHaveLength(25);
    expect([0, 1, 24, 25, 99_999].map((i) => sourceAddressOf(i, addresses))).toEqual([
      '127.0.0.2',
      '127.0.0.3',
      '127.0.0.26',
      '127.0.0.2',
      '127.0.0.26',
    ]);
  });

  it('takes the addresses with the fewest ports in use, the lower first among equals', () => {
    const inUse = new Map([
      ['127.0.0.2', 4_000],
      ['127.0.0.3', 10],
      ['127.0.0.5', 1],
    ]);
    const addresses = sourceAddresses(100_000, () => inUse);
    expect(addresses).toHaveLength(25);
    expect(addresses.slice(0, 3)).toEqual(['127.0.0.4', '127.0.0.6', '127.0.0.7']);
    expect(addresses).not.toContain('127.0.0.2');
    expect(addresses).not.toContain('127.0.0.3');
    expect(addresses).not.toContain('127.0.0.5');
    expect(sourceAddresses(MAX_SOURCE_ADDRESSES * CONNECTIONS_PER_SOURCE_ADDRESS * 2)).toHaveLength(MAX_SOURCE_ADDRESSES);
  });
});

describe('readLoopbackPortUse', () => {
  it('counts the ports a loopback address holds, from the kernel’s table', async () => {
    const server = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const before = readLoopbackPortUse().get('127.0.0.213') ?? 0;
    const sockets = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<net.Socket>((resolve, reject) => {
            const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.213' }, () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    try {
      expect(readLoopbackPortUse().get('127.0.0.213')).toBe(before + 3);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('clients bound to their source addresses', () => {
  let server: PushServer;
  const remotes: string[] = [];
  const clients: SimulatedClient[] = [];

  beforeAll(async () => {
    server = await startPushServer({ strategies: ['websocket', 'long-polling'], port: 0, host: '127.0.0.1' });
    server.httpServer.on('connection', (socket: Socket) => remotes.push(socket.remoteAddress ?? ''));
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await server.close();
  });

  it('reach the server from the addresses they were given, over ws (node:http agent) and undici alike', async () => {
    // Three addresses for three clients: a fleet of 3 at one connection per address.
    const addresses = sourceAddresses(3, undefined, 1);
    expect(addresses).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    const options = (i: number) => ({ baseUrl: server.url, since: 0, localAddress: addresses[i], longPollTimeoutMs: 5_000 });
    clients.push(new WebSocketClient(options(0)), new WebSocketClient(options(1)), new LongPollingClient(options(2)));
    for (const client of clients) client.start();
    const deadline = Date.now() + 5_000;
    while (new Set(remotes).size < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([...new Set(remotes)].sort()).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  });
});
