import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS_PER_SOURCE_ADDRESS, sourceAddressCount, sourceAddressOf } from '../../../bench/plan/source-address.js';
import type { SimulatedClient } from '../../../clients/client.js';
import { LongPollingClient } from '../../../clients/long-polling.js';
import { WebSocketClient } from '../../../clients/websocket.js';
import { startPushServer, type PushServer } from '../../../servers/app.js';

describe('sourceAddressOf', () => {
  it('leaves a fleet one address can serve to the kernel', () => {
    expect(sourceAddressCount(CONNECTIONS_PER_SOURCE_ADDRESS)).toBe(1);
    expect(sourceAddressOf(0, CONNECTIONS_PER_SOURCE_ADDRESS)).toBeUndefined();
  });

  it('spreads a larger fleet round-robin over 127.0.0.2, 127.0.0.3, …', () => {
    expect(sourceAddressCount(100_000)).toBe(5);
    expect([0, 1, 4, 5, 99_999].map((i) => sourceAddressOf(i, 100_000))).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.6', '127.0.0.2', '127.0.0.6']);
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
    const addresses = [0, 1, 2].map((i) => sourceAddressOf(i, 3, 1)!);
    expect(addresses).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    const options = (i: number) => ({ baseUrl: server.url, since: 0, localAddress: addresses[i], longPollTimeoutMs: 5_000 });
    clients.push(new WebSocketClient(options(0)), new WebSocketClient(options(1)), new LongPollingClient(options(2)));
    for (const client of clients) client.start();
    const deadline = Date.now() + 5_000;
    while (new Set(remotes).size < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([...new Set(remotes)].sort()).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  });
});
