import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { delaySocketWrites, removeSocketDelay } from '../../../servers/wire/network-delay.js';

let server: net.Server;
let serverSide: net.Socket;
let clientSide: net.Socket;
let received: string;

beforeEach(async () => {
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = once(server, 'connection');
  clientSide = net.createConnection((server.address() as net.AddressInfo).port, '127.0.0.1');
  [serverSide] = (await accepted) as [net.Socket];
  received = '';
  clientSide.on('data', (chunk) => (received += chunk.toString()));
  // Only the timers are fake: the sockets are real, and the delays are moved through, never waited for.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(async () => {
  vi.useRealTimers();
  clientSide.destroy();
  serverSide.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function receivedUntil(text: string): Promise<void> {
  while (received !== text) await once(clientSide, 'data');
}

describe('delaySocketWrites', () => {
  it('sends each write the delay after it was made, in order, even when the delay shrinks meanwhile', async () => {
    let delayMs = 100;
    delaySocketWrites(serverSide, () => delayMs);
    serverSide.write('a');
    expect(serverSide.bytesWritten).toBe(0);
    vi.advanceTimersByTime(99);
    expect(serverSide.bytesWritten).toBe(0);
    delayMs = 0;
    // Due at once, but behind "a": it must not overtake it.
    serverSide.write('b');
    expect(serverSide.bytesWritten).toBe(0);
    vi.advanceTimersByTime(1);
    expect(serverSide.bytesWritten).toBe(2);
    await receivedUntil('ab');
    serverSide.write('c');
    expect(serverSide.bytesWritten).toBe(3);
    await receivedUntil('abc');
  });

  it('makes end() wait for the writes before it', async () => {
    delaySocketWrites(serverSide, () => 50);
    serverSide.write('last words');
    serverSide.end();
    const ended = once(clientSide, 'end');
    vi.advanceTimersByTime(49);
    expect(serverSide.writableEnded).toBe(false);
    vi.advanceTimersByTime(1);
    await ended;
    expect(received).toBe('last words');
  });

  it('reads the delay again for each write, and removeSocketDelay makes writes immediate', () => {
    let delayMs = 0;
    delaySocketWrites(serverSide, () => delayMs);
    serverSide.write('now');
    expect(serverSide.bytesWritten).toBe(3);
    delayMs = 30;
    serverSide.write('later');
    expect(serverSide.bytesWritten).toBe(3);
    vi.advanceTimersByTime(30);
    expect(serverSide.bytesWritten).toBe(8);
    removeSocketDelay(serverSide);
    serverSide.write('!');
    expect(serverSide.bytesWritten).toBe(9);
  });

  it('drops what is still in flight when the socket is destroyed, as a cut cable would', () => {
    delaySocketWrites(serverSide, () => 20);
    serverSide.write('lost');
    serverSide.destroy();
    expect(() => vi.advanceTimersByTime(20)).not.toThrow();
    expect(serverSide.bytesWritten).toBe(0);
  });
});
