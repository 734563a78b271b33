import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSkmem, serverSocketMemory } from '../../../bench/measure/socket-memory.js';
import { missing } from '../../requirements.js';

describe('parseSkmem', () => {
  it('sums the held fields of every socket (r, t, f, w, o, bl), not the limits (rb, tb) or the drops (d)', () => {
    const output = [
      'ESTAB 0 0 127.0.0.1:4000 127.0.0.1:51000',
      '\t skmem:(r0,rb131072,t0,tb2626560,f4096,w0,o0,bl0,d0)',
      'ESTAB 12 0 127.0.0.1:4000 127.0.0.1:51001',
      '\t skmem:(r768,rb131072,t256,tb2626560,f3328,w512,o8,bl16,d3)',
    ].join('\n');
    expect(parseSkmem(output)).toEqual({ sockets: 2, bytes: 4096 + 768 + 256 + 3328 + 512 + 8 + 16 });
  });

  it('finds no socket in an empty listing', () => {
    expect(parseSkmem('')).toEqual({ sockets: 0, bytes: 0 });
  });
});

describe.skipIf(missing(['ss'], 'kernel socket memory per connection'))('serverSocketMemory', () => {
  const server = net.createServer((socket) => {
    // The clients hang up with the server's bytes unread: the kernel answers with a reset, expected here.
    socket.on('error', () => undefined);
    socket.write('x'.repeat(3000));
  });
  const clients: net.Socket[] = [];
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    for (let i = 0; i < 5; i++) {
      // Connected and never read from: the server's 3,000 bytes wait in this client's receive queue, not the server's.
      const client = net.connect(port, '127.0.0.1');
      client.pause();
      await new Promise<void>((resolve) => client.once('connect', resolve));
      clients.push(client);
    }
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("lists exactly the server's side of its connections, not the clients' side", async () => {
    // The accepts may trail the clients' connects by a turn of the event loop.
    let memory = serverSocketMemory(port);
    for (let i = 0; i < 50 && memory?.sockets !== clients.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      memory = serverSocketMemory(port);
    }
    expect(memory?.sockets).toBe(5);
    expect(memory!.bytes).toBeGreaterThanOrEqual(0);
  });
});
