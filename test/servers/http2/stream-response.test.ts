import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { StreamResponse } from '../../../servers/http2/stream-response.js';
import { sleep, waitFor } from '../../helpers.js';
import { FRAME, frames, h2request, Tap } from './helpers.js';

let server: PushServer | undefined;
let tap: Tap | undefined;
let plain: http2.Http2Server | undefined;
const sessions: http2.ClientHttp2Session[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  tap?.close();
  plain?.close();
  await server?.close();
  server = tap = plain = undefined;
});

function connect(url: string): http2.ClientHttp2Session {
  const session = http2.connect(url);
  session.on('error', () => {});
  sessions.push(session);
  return session;
}

async function start(strategies: string[]): Promise<PushServer> {
  server = new PushServer({ strategies, limits: { longPollTimeoutMs: 2_000 } });
  await server.listen(0, '127.0.0.1');
  return server;
}

/** A bare node:http2 server whose streams are answered by `answer` through a StreamResponse. */
async function plainServer(answer: (res: StreamResponse) => void): Promise<string> {
  plain = http2.createServer();
  plain.on('stream', (stream, headers) => answer(new StreamResponse(stream, headers[':method'] === 'HEAD')));
  await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
}

describe('answers on node’s core HTTP/2 API', () => {
  it('sends a bare loop’s poll answer as one HEADERS frame and one DATA frame that ends the stream, nothing after it', async () => {
    const push = await start(['sp-bare']);
    tap = await Tap.to(push.url);
    const answer = await h2request(connect(tap.url), `${ROUTES.barePoll}?since=0`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"messages":[],"cursor":0}');
    await sleep(50);
    const onStream = frames(tap.downBytes).filter((frame) => frame.stream === 1);
    expect(onStream.map((frame) => [frame.type, frame.flags & 0x1, frame.payload.length])).toEqual([
      // HEADERS (END_HEADERS, not END_STREAM), then the body with END_STREAM: no empty DATA frame of its own.
      [FRAME.HEADERS, 0, onStream[0].payload.length],
      [FRAME.DATA, 1, Buffer.byteLength(answer.body)],
    ]);
  });

  it('answers a HEAD with the header block alone, ending the stream', async () => {
    const push = await start(['short-polling']);
    const answer = await h2request(connect(push.url), `${ROUTES.poll}?since=0`, { ':method': 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-length']).toBe('26');
    expect(answer.body).toBe('');
  });

  it('drops a held long poll whose stream the client reset, and answers the next one', async () => {
    const push = await start(['long-polling']);
    const session = connect(push.url);
    const held = session.request({ ':path': `${ROUTES.longPoll}?since=0` });
    held.on('error', () => {});
    await waitFor(() => push.stats().strategies['long-polling'].attached === 1, 'the held poll');
    held.close(http2.constants.NGHTTP2_CANCEL);
    await waitFor(() => push.stats().strategies['long-polling'].attached === 0, 'the poll released');
    const next = h2request(session, `${ROUTES.longPoll}?since=0`);
    await waitFor(() => push.stats().strategies['long-polling'].attached === 1, 'the next poll');
    push.source.publish('m1');
    const answer = await next;
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { cursor: number }).cursor).toBe(1);
  });

  it('drops the fields HTTP/2 forbids, lowercases names, and writes nothing on a stream already reset', async () => {
    const written: boolean[] = [];
    const url = await plainServer((res) => {
      res.writeHead(426, ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Content-Type', 'text/plain', 'Content-Length', '2']);
      res.end('no');
      written.push(res.write('more'));
    });
    const answer = await h2request(connect(url), '/');
    expect(answer.status).toBe(426);
    expect(answer.headers.connection).toBeUndefined();
    expect(answer.headers.upgrade).toBeUndefined();
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.body).toBe('no');
    // Written after the end: refused like a write to a finished ServerResponse, without an error on the stream.
    expect(written).toEqual([false]);
  });

  it('holds an event stream on the core API: headers at once, then each event as it comes', async () => {
    const push = await start(['sse']);
    const stream = connect(push.url).request({ ':path': `${ROUTES.sse}?since=0` });
    const received: string[] = [];
    let status = 0;
    stream.setEncoding('utf8');
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: string) => received.push(chunk));
    await waitFor(() => status === 200, 'the stream’s headers');
    push.source.publish('m1');
    await waitFor(() => received.join('').includes('id: 1\n'), 'the first event');
    expect(received.join('')).toMatch(/^id: 1\ndata: \{"seq":1,.*"payload":"m1"\}\n\n$/);
    stream.close();
  });
});
