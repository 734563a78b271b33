import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../../clients/client.js';
import { SocketIoPollingClient } from '../../../clients/socketio-polling.js';
import { SocketIoWebSocketClient } from '../../../clients/socketio-ws.js';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import type { SocketIoPeer } from '../../../servers/peers/socket-io-peer.js';
import { range, record, waitFor } from '../../helpers.js';

/** Short enough that a test sees several heartbeats, long enough for a busy machine to answer each in time. */
const PING_INTERVAL_MS = 60;

describe('Socket.IO references', () => {
  let server: PushServer;
  const clients: SimulatedClient[] = [];
  let heartbeats: Record<string, number>;

  /** Both modes on one server, each engine's heartbeat shortened and its pongs counted. */
  async function start(): Promise<void> {
    server = new PushServer({ strategies: ['socketio-ws', 'socketio-polling'] });
    heartbeats = {};
    for (const strategy of server.strategies) {
      const { engine, info } = strategy as SocketIoPeer;
      heartbeats[info.name] = 0;
      engine.opts.pingInterval = PING_INTERVAL_MS;
      engine.on('connection', (socket: { on(event: 'heartbeat', listener: () => void): void }) =>
        socket.on('heartbeat', () => heartbeats[info.name]++),
      );
    }
    await server.listen(0, '127.0.0.1');
  }

  function connect<C extends SimulatedClient>(Client: new (options: { baseUrl: string; since?: number }) => C, since = 0) {
    const client = new Client({ baseUrl: server.url, since });
    clients.push(client);
    const received = record(client);
    client.start();
    return { client, received };
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await server?.close();
  });

  it.each([
    ['socketio-polling', SocketIoPollingClient],
    ['socketio-ws', SocketIoWebSocketClient],
  ] as const)('%s: counts its packets and heartbeats at both ends to the byte', async (name, Client) => {
    await start();
    const { client, received } = connect(Client);
    await waitFor(() => server.stats().strategies[name].attached === 1, 'the client to connect');
    for (let i = 1; i <= 5; i++) server.source.publish(`m${i}`);
    await waitFor(() => received.seqs.length >= 5, 'five messages');
    const afterMessages = client.bytes;
    await waitFor(() => heartbeats[name] >= 3, 'three heartbeats');
    const afterHeartbeats = client.bytes;
    // Heartbeats are traffic like any other: both directions grew with no message sent.
    expect(afterHeartbeats.clientToServer).toBeGreaterThan(afterMessages.clientToServer);
    expect(afterHeartbeats.serverToClient).toBeGreaterThan(afterMessages.serverToClient);

    await client.stop();
    await waitFor(() => server.stats().strategies[name].connections.open === 0, 'the server side to close');
    expect(received.seqs).toEqual(range(1, 5));
    expect(server.stats().strategies[name].bytes).toEqual(client.bytes);
  });

  it('classifies polling answers: messages, then heartbeats answered "nothing new"', async () => {
    await start();
    const { client } = connect(SocketIoPollingClient);
    let withMessages = 0;
    let empty = 0;
    client.on('response', () => withMessages++);
    client.on('empty', () => empty++);
    await waitFor(() => server.stats().strategies['socketio-polling'].attached === 1, 'the client to connect');
    server.source.publish('one');
    await waitFor(() => withMessages === 1, 'an answer with the message');
    await waitFor(() => empty >= 2, 'two heartbeat answers');
    expect(withMessages).toBe(1);
  });

  it('serves both modes side by side from one message source, per user too', async () => {
    await start();
    const polling = connect(SocketIoPollingClient);
    const ws = connect(SocketIoWebSocketClient);
    await waitFor(() => server.stats().strategies['socketio-polling'].attached === 1, 'the polling client');
    await waitFor(() => server.stats().strategies['socketio-ws'].attached === 1, 'the WebSocket client');
    server.source.publish('all');
    server.source.publish('for-bob', 'bob');
    server.source.publish('all-2');
    await waitFor(() => polling.received.seqs.length >= 2 && ws.received.seqs.length >= 2, 'both clients');
    expect(polling.received.payloads).toEqual(['all', 'all-2']);
    expect(ws.received.payloads).toEqual(['all', 'all-2']);
  });

  it('refuses a bad cursor in the handshake as a failure, and a wrong method with 405', async () => {
    await start();
    const { received } = connect(SocketIoPollingClient, -1);
    await waitFor(() => server.stats().strategies['socketio-polling'].failed === 1, 'the refusal');
    expect(server.stats().strategies['socketio-polling'].failedByStatus).toEqual({ '400': 1 });
    expect(received.seqs).toEqual([]);
    const res = await fetch(new URL(ROUTES.socketIoPolling, server.url), { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});
