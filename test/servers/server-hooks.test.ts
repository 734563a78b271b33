import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer, type PushServerHooks } from '../../servers/app.js';
import { SUBPROTOCOL } from '../../servers/contract/wire.js';
import { Refusal } from '../../servers/http/errors.js';
import { waitFor } from '../helpers.js';

let server: PushServer;

async function start(hooks?: PushServerHooks): Promise<PushServer> {
  server = new PushServer({ hooks });
  await server.listen(0, '127.0.0.1');
  return server;
}

afterEach(async () => {
  await server?.close();
});

/** Sends raw bytes on a fresh socket; collects the answer until `complete` says it is whole. */
async function exchange(request: string, complete: (text: string) => boolean, socket?: net.Socket) {
  const { port } = new URL(server.url);
  const conn = socket ?? net.createConnection({ host: '127.0.0.1', port: Number(port) });
  let text = '';
  const onData = (chunk: Buffer) => (text += chunk.toString('latin1'));
  conn.on('data', onData);
  conn.write(request);
  await waitFor(() => complete(text), 'the answer');
  conn.off('data', onData);
  return { socket: conn, text };
}

function httpComplete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  const length = /content-length: (\d+)/i.exec(text);
  return end >= 0 && length !== null && Buffer.byteLength(text, 'latin1') === end + 4 + Number(length[1]);
}

const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`;

describe('client attribution tags (?client=)', () => {
  it('credits a watched tag with exactly the bytes of its requests, and nothing of a control request after them', async () => {
    await start();
    server.ledger.watchTag('page1.short-polling');
    const poll = 'GET /api/poll?since=0&client=page1.short-polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const first = await exchange(poll, httpComplete);
    const stats = await exchange('GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', httpComplete, first.socket);
    expect(server.ledger.totalsForTag('page1.short-polling')).toEqual({
      clientToServer: Buffer.byteLength(poll),
      serverToClient: Buffer.byteLength(first.text, 'latin1'),
    });
    expect(server.ledger.totalsFor('control').serverToClient).toBe(Buffer.byteLength(stats.text, 'latin1'));
    first.socket.destroy();
  });

  it('keeps no totals for a tag nobody watches, and forgets a tag on request', async () => {
    await start();
    const { socket } = await exchange('GET /api/poll?since=0&client=stranger HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', httpComplete);
    expect(server.ledger.totalsForTag('stranger')).toBeUndefined();
    expect(server.ledger.totalsFor('short-polling').clientToServer).toBeGreaterThan(0);
    server.ledger.watchTag('page1.websocket');
    server.ledger.forgetTag('page1.websocket');
    expect(server.ledger.totalsForTag('page1.websocket')).toBeUndefined();
    socket.destroy();
  });

  it('answers a tag that is not a user id with 400, on polls and upgrades alike', async () => {
    await start();
    const poll = await exchange('GET /api/poll?since=0&client=a%20b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', httpComplete);
    expect(poll.text.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(poll.text.endsWith('{"error":"client must be 1-64 characters of A-Z a-z 0-9 . _ ~ -"}')).toBe(true);
    const upgrade = await exchange(upgradeRequest('/ws?since=0&client=%3Cx%3E'), httpComplete);
    expect(upgrade.text.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(server.stats().strategies.websocket.failedByStatus).toEqual({ 400: 1 });
    poll.socket.destroy();
  });
});

describe('hooks for an embedding application', () => {
  it('checkUpgrade refuses the upgrades it throws for, with their status, and lets the others through', async () => {
    await start({
      checkUpgrade: ({ owner, client }) => {
        expect(owner).toBe('websocket');
        if (client === 'blocked') throw new Refusal('upgradeBlocked', { by: 'the test, on purpose' });
      },
    });
    const refused = await exchange(upgradeRequest('/ws?since=0&client=blocked'), httpComplete);
    expect(refused.text.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(refused.text.endsWith('{"error":"WebSocket upgrade blocked by the test, on purpose"}')).toBe(true);
    const accepted = await exchange(upgradeRequest('/ws?since=0&client=welcome'), (t) => t.includes('\r\n\r\n'));
    expect(accepted.text.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
    expect(server.stats().strategies.websocket.failedByStatus).toEqual({ 403: 1 });
    accepted.socket.destroy();
  });

  it('the WebSocket strategy reports each handshake: the request and the exact lines it answered', async () => {
    await start();
    const handshakes: { url: string | undefined; lines: readonly string[] }[] = [];
    server.strategies.find((s) => s.info.name === 'websocket')!.on('handshake', (req, lines) => handshakes.push({ url: req.url, lines }));
    const { socket, text } = await exchange(upgradeRequest('/ws?since=0&client=p.websocket'), (t) => t.endsWith('\r\n\r\n'));
    expect(handshakes).toEqual([{ url: '/ws?since=0&client=p.websocket', lines: text.split('\r\n').slice(0, -2) }]);
    // RFC 6455 §1.3's own example.
    expect(handshakes[0].lines).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    socket.destroy();
  });

  it('networkDelayMs holds a client’s answers and frames back, and no one else’s', async () => {
    await start({ networkDelayMs: ({ client }) => (client === 'far' ? 300 : 0) });
    const order: string[] = [];
    const get = (client: string) =>
      fetch(`${server.url}/api/poll?since=0&client=${client}`).then(async (res) => {
        await res.text();
        order.push(client);
      });
    const far = get('far');
    await get('near');
    await far;
    // Asked first, answered last: its request and its answer each took the delay.
    expect(order).toEqual(['near', 'far']);

    const frames: string[] = [];
    const sockets = ['far', 'near'].map((client) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws?since=0&client=${client}`, SUBPROTOCOL);
      ws.on('message', () => frames.push(client));
      return new Promise<WebSocket>((resolve) => ws.once('open', () => resolve(ws)));
    });
    const open = await Promise.all(sockets);
    server.source.publish('news');
    await waitFor(() => frames.length === 2, 'both frames');
    expect(frames).toEqual(['near', 'far']);
    for (const ws of open) ws.close();
  });
});
