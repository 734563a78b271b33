import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer } from '../../servers/app.js';
import { ROUTES, SUBPROTOCOL } from '../../servers/contract/wire.js';
import { waitFor } from '../helpers.js';

describe('graceful shutdown with clients attached', () => {
  it('answers held long polls, closes WebSockets with 1001 and frees the port', async () => {
    const server = new PushServer({ limits: { longPollTimeoutMs: 60_000 } });
    await server.listen(0, '127.0.0.1');
    server.source.publish('before');
    const url = server.url;
    const sockets = [1, 2, 3].map(() => new WebSocket(`${url.replace('http', 'ws')}/ws?since=1`, SUBPROTOCOL));
    const closeCodes = sockets.map((ws) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))));
    const held = [1, 2].map(() => fetch(`${url}/api/long-poll?since=1`).then(async (res) => [res.status, (await res.json()) as unknown] as const));
    await waitFor(() => {
      const stats = server.stats().strategies;
      return stats.websocket.attached === 3 && stats['long-polling'].attached === 2;
    }, 'every client attached');

    await server.close();
    expect(await Promise.all(closeCodes)).toEqual([1001, 1001, 1001]);
    expect(await Promise.all(held)).toEqual([
      [200, { messages: [], cursor: 1 }],
      [200, { messages: [], cursor: 1 }],
    ]);
    await expect(fetch(`${url}/api/stats`)).rejects.toThrow();
    // The same port can be taken again at once: nothing was left listening.
    const again = new PushServer();
    await again.listen(Number(new URL(url).port), '127.0.0.1');
    await again.close();
  });

  it.each([
    ['websocket', ROUTES.ws],
    ['ws-bare', ROUTES.wsBare],
  ])('%s: cuts off a peer that never answers the close handshake, and detaches it', async (strategy, path) => {
    const server = new PushServer({ strategies: [strategy] });
    await server.listen(0, '127.0.0.1');
    const peer = net.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    peer.on('error', () => {});
    const peerClosed = new Promise((resolve) => peer.once('close', resolve));
    peer.write(
      `GET ${path}?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    // It reads the close frame (and everything else) but never answers it.
    peer.on('data', () => {});
    await waitFor(() => server.stats().strategies[strategy].attached === 1, 'the peer to attach');
    await server.close();
    await peerClosed;
    expect(server.stats().strategies[strategy].attached).toBe(0);
  });
});
