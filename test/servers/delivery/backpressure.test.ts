import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer } from '../../../servers/app.js';
import { range, waitFor } from '../../helpers.js';

const SEND_BUFFER = 256 * 1024;
const PAYLOAD = 'p'.repeat(32 * 1024);
let server: PushServer;

afterEach(async () => {
  await server?.close();
});

/** Completes a WebSocket handshake on a raw socket and then never reads again. */
async function stalledWebSocket(port: number): Promise<net.Socket> {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.write(
    'GET /ws?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise((resolve) => socket.once('data', resolve));
  socket.pause();
  return socket;
}

describe('a slow consumer', () => {
  it('is cut off at the send-buffer limit instead of growing server memory, and resumes from its cursor', async () => {
    server = new PushServer({ strategies: ['websocket'], limits: { sendBufferBytes: SEND_BUFFER } });
    await server.listen(0, '127.0.0.1');
    const stalled = await stalledWebSocket(Number(new URL(server.url).port));
    await waitFor(() => server.stats().strategies.websocket.attached === 1, 'the stalled client to attach');

    let peakBuffered = 0;
    // 16 MB in all: far more than the kernel's socket buffers and the send-buffer limit together.
    for (let batch = 0; batch < 50; batch++) {
      for (let i = 0; i < 10; i++) server.source.publish(PAYLOAD);
      peakBuffered = Math.max(peakBuffered, server.stats().strategies.websocket.bufferedBytes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stats = server.stats().strategies.websocket;
    expect(stats.cut).toBe(1);
    expect(stats.attached).toBe(0);
    expect(stats.bufferedBytes).toBe(0);
    // The queue never held more than the limit: a frame is refused when it would cross it.
    expect(peakBuffered).toBeGreaterThan(0);
    expect(peakBuffered).toBeLessThanOrEqual(SEND_BUFFER);
    stalled.destroy();

    // Back from cursor 0, it gets all 500 messages from the ring, in order.
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=0`);
    const seqs: number[] = [];
    ws.on('message', (data) => seqs.push((JSON.parse((data as Buffer).toString()) as { seq: number }).seq));
    await waitFor(() => seqs.length === 500, 'the resumed stream');
    expect(seqs).toEqual(range(1, 500));
    ws.close();
  });

  it('on long polling holds nothing for a client that never comes back', async () => {
    server = new PushServer({ strategies: ['long-polling'], limits: { maxMessagesPerResponse: 5 } });
    await server.listen(0, '127.0.0.1');
    const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    socket.on('error', () => {});
    socket.write('GET /api/long-poll?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    socket.pause();
    await waitFor(() => server.stats().strategies['long-polling'].attached === 1, 'the held poll');
    for (let i = 0; i < 200; i++) server.source.publish(PAYLOAD);
    const stats = server.stats().strategies['long-polling'];
    // One answer of at most maxMessagesPerResponse went out; nothing is queued for later.
    expect(stats.attached).toBe(0);
    expect(stats.messagesSent).toBe(1);
    expect(stats.bufferedBytes).toBe(0);
    socket.destroy();
  });
});
