import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ShortPollingClient } from '../../../clients/short-polling.js';
import { WebSocketClient } from '../../../clients/websocket.js';
import { PushServer } from '../../../servers/app.js';
import { SUBPROTOCOL } from '../../../servers/contract/wire.js';
import { waitFor } from '../../helpers.js';

let server: PushServer;

async function start(): Promise<PushServer> {
  server = new PushServer();
  await server.listen(0, '127.0.0.1');
  return server;
}

afterEach(async () => {
  await server?.close();
});

/** Sends `request` on a raw socket and collects the raw answer until `complete` says it is whole. */
async function rawExchange(request: string, complete: (answer: Buffer) => boolean): Promise<{ socket: net.Socket; answer: Buffer }> {
  const { port } = new URL(server.url);
  const socket = net.createConnection({ host: '127.0.0.1', port: Number(port) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.write(request);
  await waitFor(() => complete(Buffer.concat(chunks)), 'the raw answer');
  return { socket, answer: Buffer.concat(chunks) };
}

function httpAnswerComplete(answer: Buffer): boolean {
  const text = answer.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, end));
  return length !== null && answer.length === end + 4 + Number(length[1]);
}

describe('ByteLedger at the server sockets', () => {
  it('counts a short-poll exchange as exactly the request and the response bytes as sent', async () => {
    await start();
    server.source.publish('hello');
    const request = 'GET /api/poll?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const { socket, answer } = await rawExchange(request, httpAnswerComplete);
    expect(server.ledger.totalsFor('short-polling')).toEqual({
      clientToServer: Buffer.byteLength(request),
      serverToClient: answer.length,
    });
    expect(server.stats().strategies['short-polling'].connections.opened).toBe(1);
    // The socket served a strategy only: it is no control connection.
    expect(server.stats().control.connections.opened).toBe(0);
    socket.destroy();
  });

  it('counts the WebSocket handshake as the Upgrade request and the 101 answer, byte for byte', async () => {
    await start();
    const request =
      'GET /ws?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`;
    const { socket, answer } = await rawExchange(request, (a) => a.toString('latin1').endsWith('\r\n\r\n'));
    const text = answer.toString('latin1');
    expect(text.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
    // RFC 6455 §1.3's own example key and accept value.
    expect(text).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(text).toContain(`Sec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n`);
    expect(server.ledger.totalsFor('websocket')).toEqual({
      clientToServer: Buffer.byteLength(request),
      serverToClient: answer.length,
    });
    socket.destroy();
  });

  it('adds 2 bytes of framing to a server-to-client frame up to 125 bytes and 4 up to 65535', async () => {
    await start();
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=0`, SUBPROTOCOL, { perMessageDeflate: false });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push((data as Buffer).toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    const sizes: { json: number; wire: number }[] = [];
    // The publish time's digits vary, so aim the payload at a 100-byte frame and retry until it lands.
    let hit100 = false;
    for (let attempt = 0; attempt < 20 && !hit100; attempt++) {
      const before = server.ledger.totalsFor('websocket').serverToClient;
      const emptyJson = JSON.stringify({ seq: server.source.head + 1, t: performance.timeOrigin + performance.now(), payload: '' });
      server.source.publish('x'.repeat(Math.max(0, 100 - emptyJson.length)));
      await waitFor(() => frames.length === attempt + 1, 'the frame');
      const json = Buffer.byteLength(frames[attempt]);
      sizes.push({ json, wire: server.ledger.totalsFor('websocket').serverToClient - before });
      hit100 = json === 100;
    }
    expect(hit100).toBe(true);
    expect(sizes.at(-1)).toEqual({ json: 100, wire: 102 });
    for (const size of sizes) expect(size.wire).toBe(size.json + 2);

    const before = server.ledger.totalsFor('websocket').serverToClient;
    server.source.publish('y'.repeat(1_000));
    await waitFor(() => frames.length === sizes.length + 1, 'the large frame');
    expect(server.ledger.totalsFor('websocket').serverToClient - before).toBe(Buffer.byteLength(frames.at(-1)!) + 4);
    ws.close();
  });

  it('keeps publish traffic out of the strategies and credits it to control', async () => {
    await start();
    const body = '{"payload":"x"}';
    const request =
      `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ` + `${body.length}\r\n\r\n${body}`;
    const { socket, answer } = await rawExchange(request, httpAnswerComplete);
    expect(answer.toString()).toContain('{"seq":1}');
    expect(server.ledger.totalsFor('control')).toEqual({ clientToServer: Buffer.byteLength(request), serverToClient: answer.length });
    expect(server.ledger.totalsFor('short-polling')).toEqual({ clientToServer: 0, serverToClient: 0 });
    socket.destroy();
  });

  it('credits each request on a shared keep-alive socket to the strategy it served', async () => {
    await start();
    const poll = 'GET /api/poll?since=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const stats = 'GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const { socket, answer: first } = await rawExchange(poll, httpAnswerComplete);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.write(stats);
    await waitFor(() => httpAnswerComplete(Buffer.concat(chunks)), 'the stats answer');
    expect(server.ledger.totalsFor('short-polling')).toEqual({ clientToServer: poll.length, serverToClient: first.length });
    expect(server.ledger.totalsFor('control')).toEqual({ clientToServer: stats.length, serverToClient: Buffer.concat(chunks).length });
    socket.destroy();
  });
});

describe('client-side counting matches the server side', () => {
  it.each([
    ['short-polling', ShortPollingClient],
    ['websocket', WebSocketClient],
  ] as const)('%s: bytes at the client sockets equal bytes at the server sockets', async (name, Client) => {
    await start();
    for (let i = 0; i < 5; i++) server.source.publish(`m${i}`);
    // One poll at once, the next a minute away: the client is stopped with nothing in flight.
    const client = new Client({ baseUrl: server.url, pollIntervalMs: 60_000 });
    let received = 0;
    client.on('message', () => received++);
    client.start();
    await waitFor(() => received === 5, 'five messages');
    await client.stop();
    await waitFor(() => client.bytes.serverToClient === server.ledger.totalsFor(name).serverToClient, 'sockets to settle');
    expect(client.bytes).toEqual(server.ledger.totalsFor(name));
  });
});
