import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { DEFAULT_LIMITS } from '../../../servers/constants.js';
import type { Message } from '../../../servers/contract/message.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { messageJson } from '../../../servers/log/message-source.js';
import type { SocketIoPeer } from '../../../servers/peers/socket-io-peer.js';
import { range, waitFor } from '../../helpers.js';

const SESSIONS = 10;
const MESSAGES = 1_000;
const PAYLOAD = 'x'.repeat(60 * 1024);

/**
 * What one session may hold in user space at any moment: the replay stops at half a send buffer, and the packet
 * that crossed it is one message, in Socket.IO's framing (`42["m",…]`, 8 characters) inside an engine.io
 * packet and, on WebSocket, a frame header (at most 10 bytes); a heartbeat adds one more byte.
 */
function boundPerSession(messageJsonChars: number): number {
  return DEFAULT_LIMITS.sendBufferBytes / 2 + messageJsonChars + 8 + 10 + 1;
}

describe('the Socket.IO reference replays a backlog at the pace its clients read', () => {
  let server: PushServer | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server?.close();
  });

  it.each([
    ['socketio-ws', 'websocket', ROUTES.socketIoWebSocket],
    ['socketio-polling', 'polling', ROUTES.socketIoPolling],
  ] as const)(
    '%s: 10 sessions from cursor 0 over 1,000 × 60 KB hold at most half a send buffer and a message each, and get every message once, in order',
    async (name, transport, path) => {
      server = new PushServer({ strategies: [name] });
      await server.listen(0, '127.0.0.1');
      for (let i = 0; i < MESSAGES; i++) server.source.publish(PAYLOAD);
      const peer = server.strategies[0] as SocketIoPeer;
      const bound = SESSIONS * boundPerSession(messageJson(server.source.since(0, undefined, 1).messages[0]).length);

      let peakBufferedBytes = 0;
      const sample = setInterval(() => (peakBufferedBytes = Math.max(peakBufferedBytes, peer.bufferedBytes())), 2);
      const received: number[][] = [];
      try {
        for (let i = 0; i < SESSIONS; i++) {
          const seqs: number[] = [];
          received.push(seqs);
          const socket = io(server.url, { path, transports: [transport], forceNew: true, reconnection: false, auth: { since: 0 } });
          socket.on('m', (message: Message) => seqs.push(message.seq));
          sockets.push(socket);
        }
        await waitFor(() => received.every((seqs) => seqs.length >= MESSAGES), 'every session to get the whole backlog', 120_000);
      } finally {
        clearInterval(sample);
      }
      // Before the replay was paced, each session's whole backlog (about 60 MB) was queued in one tick.
      expect(peakBufferedBytes).toBeGreaterThan(0);
      expect(peakBufferedBytes).toBeLessThanOrEqual(bound);
      for (const seqs of received) expect(seqs).toEqual(range(1, MESSAGES));
      expect(server.stats().strategies[name].messagesSent).toBe(SESSIONS * MESSAGES);
    },
    180_000,
  );

  it('sends live messages published during a replay after the backlog, once, in order', async () => {
    server = new PushServer({ strategies: ['socketio-ws'] });
    await server.listen(0, '127.0.0.1');
    for (let i = 0; i < 100; i++) server.source.publish(PAYLOAD);
    const seqs: number[] = [];
    const socket = io(server.url, {
      path: ROUTES.socketIoWebSocket,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { since: 0 },
    });
    sockets.push(socket);
    socket.on('m', (message: Message) => {
      seqs.push(message.seq);
      // Published while the backlog is still on its way: it must wait its turn.
      if (message.seq === 1) for (let i = 0; i < 5; i++) server!.source.publish(`live ${i}`);
    });
    await waitFor(() => seqs.length >= 105, 'the backlog and the live messages');
    expect(seqs).toEqual(range(1, 105));
  });
});
