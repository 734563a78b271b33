import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer } from '../../servers/app.js';
import { SUBPROTOCOL } from '../../servers/contract/wire.js';
import { waitFor } from '../helpers.js';

describe('graceful shutdown with clients attached', () => {
  it('answers held long polls, closes WebSockets with 1001 and frees the port', async () => {
    const server = new PushServer({ limits: { longPollTimeoutMs: 60_000 } });
    await server.listen(0, '127.0.0.1');
    server.source.publish('before');
    const url = server.url;
    const sockets = [1, 2, 3].map(() => new WebSocket(`${url.replace('http', 'ws')}/ws?since=1`, SUBPROTOCOL));
    const closeCodes = sockets.map((ws) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))));
    const held = [1, 2].map(() => fetch(`${url}/api/long-poll?since=1`).then(async (res) => [res.status, await res.json()]));
    await waitFor(() => {
      const stats = server.stats().strategies;
      return stats.websocket!.attached === 3 && stats['long-polling']!.attached === 2;
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
});
