import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { waitFor } from '../../helpers.js';

interface PollBody {
  messages: { payload: unknown }[];
}

let server: PushServer;
const sockets: net.Socket[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
});

/** Holds a long poll on a connection of its own; resolves each answer's body as the client read it. */
function holdPoll(query: string): () => string {
  const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
  sockets.push(socket);
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  socket.write(`GET /api/long-poll?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return () => text.slice(text.indexOf('\r\n\r\n') + 4);
}

describe('held long polls', () => {
  it('build one answer per cursor and reader, and write the same bytes to every poll of the group', async () => {
    server = new PushServer({ strategies: ['long-polling'], limits: { longPollTimeoutMs: 60_000 } });
    await server.listen(0, '127.0.0.1');
    server.source.publish('before');
    const anyone = Array.from({ length: 50 }, () => holdPoll('since=1'));
    const bob = Array.from({ length: 10 }, () => holdPoll('since=1&user=bob'));
    await waitFor(() => server.stats().strategies['long-polling'].attached === 60, 'sixty held polls');
    const since = vi.spyOn(server.source, 'since');

    // For bob only: bob's group is answered, everyone else's stays held.
    server.source.publish('to bob', 'bob');
    expect(since).toHaveBeenCalledTimes(1);
    await waitFor(() => bob.every((body) => body().endsWith('}')), "bob's answers");
    expect(new Set(bob.map((body) => body())).size).toBe(1);
    expect((JSON.parse(bob[0]()) as PollBody).messages.map((m) => m.payload)).toEqual(['to bob']);
    expect(server.stats().strategies['long-polling'].attached).toBe(50);

    // A broadcast answers the fifty at cursor 1 with one answer.
    since.mockClear();
    server.source.publish('to everyone');
    expect(since).toHaveBeenCalledTimes(1);
    await waitFor(() => anyone.every((body) => body().endsWith('}')), 'the broadcast answers');
    expect(new Set(anyone.map((body) => body())).size).toBe(1);
    expect((JSON.parse(anyone[0]()) as PollBody).messages.map((m) => m.payload)).toEqual(['to everyone']);
    expect(server.stats().strategies['long-polling']).toMatchObject({ attached: 0, withMessages: 60, messagesSent: 60 });
  });
});
