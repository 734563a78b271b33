import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { sleep, waitFor } from '../../helpers.js';

let server: PushServer;
afterEach(async () => {
  await server?.close();
});

async function readEvents(path: string, headers: Record<string, string>, count: number): Promise<string> {
  const controller = new AbortController();
  const res = await fetch(server.url + path, { headers, signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = res.body!.getReader();
  let text = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })();
  await waitFor(() => text.split('\n\n').length > count, `${count} events`);
  controller.abort();
  return text;
}

describe('server-sent events', () => {
  it('resumes from Last-Event-ID, which wins over ?since, with one id/data event per message', async () => {
    server = new PushServer({ strategies: ['sse'] });
    await server.listen(0, '127.0.0.1');
    const messages = [1, 2, 3, 4, 5].map((i) => server.source.publish(`m${i}`));
    const text = await readEvents('/api/events?since=0', { 'Last-Event-ID': '3' }, 2);
    expect(text).toBe(
      messages
        .slice(3)
        .map((m) => `id: ${m.seq}\ndata: ${JSON.stringify(m)}\n\n`)
        .join(''),
    );
  });

  it('sends its heartbeat comment only to a stream that carried nothing since the last round', async () => {
    server = new PushServer({ strategies: ['sse'], limits: { eventStreamHeartbeatMs: 600 } });
    await server.listen(0, '127.0.0.1');
    const controller = new AbortController();
    const res = await fetch(`${server.url}${ROUTES.sse}?since=0`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const chunks: string[] = [];
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        chunks.push(new TextDecoder().decode(value));
      }
    })();
    // Busy: an event every 100 ms for 2.4 s, four heartbeat rounds, each of which finds the stream active.
    for (let i = 1; i <= 24; i++) {
      server.source.publish(i);
      await sleep(100);
    }
    const events = () =>
      chunks
        .join('')
        .split('\n\n')
        .filter((event) => event.startsWith('id: ')).length;
    await waitFor(() => events() === 24, 'the 24 events');
    const busy = chunks.join('');
    expect(busy).not.toContain(':\n\n');
    // Quiet: from the second round after the last event on, a comment each round.
    await waitFor(() => chunks.join('').split(':\n\n').length > 2, 'two heartbeats');
    expect(chunks.join('').slice(busy.length)).toMatch(/^(:\n\n)+$/);
    controller.abort();
  });

  it('sends a gap event when the cursor is older than the ring', async () => {
    server = new PushServer({ strategies: ['sse'], limits: { ringSize: 2 } });
    await server.listen(0, '127.0.0.1');
    for (let i = 1; i <= 5; i++) server.source.publish(i);
    const text = await readEvents('/api/events?since=1', {}, 3);
    expect(text.split('\n\n')[0]).toBe('event: gap\ndata: {"afterSeq":1,"firstAvailableSeq":4}');
  });

  it('ends the connection of a stream with requests pipelined behind it: none of them attached, every slot free again', async () => {
    // As many slots as the connection sends streams: a leaked one would refuse the next client.
    server = new PushServer({ strategies: ['sse'], limits: { maxPushStreams: 20 } });
    await server.listen(0, '127.0.0.1');
    const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // Twenty streams in one write: the first starts, the others could never be answered behind it.
    socket.write(`GET ${ROUTES.sse}?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(20));
    await closed;
    expect(text.split('HTTP/1.1 200 OK').length - 1).toBeLessThanOrEqual(1);
    const stats = server.stats();
    expect(stats.http.pipelinedBehindStream).toBe(19);
    await waitFor(() => server.stats().strategies.sse.attached === 0, 'every stream to detach');
    // The slots are free again: a new client is served.
    const message = server.source.publish('after');
    const events = await readEvents(`${ROUTES.sse}?since=0`, {}, 1);
    expect(events).toBe(`id: ${message.seq}\ndata: ${JSON.stringify(message)}\n\n`);
  });

  it('detaches every stream at shutdown', async () => {
    server = new PushServer({ strategies: ['sse'] });
    await server.listen(0, '127.0.0.1');
    const streams = [1, 2, 3].map(() => fetch(`${server.url}${ROUTES.sse}?since=0`).then((res) => res.text()));
    await waitFor(() => server.stats().strategies.sse.attached === 3, 'three streams');
    await server.close();
    expect(await Promise.all(streams)).toEqual(['', '', '']);
    expect(server.stats().strategies.sse.attached).toBe(0);
  });
});
