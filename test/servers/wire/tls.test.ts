import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ShortPollingClient } from '../../../clients/short-polling.js';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { ThrowawayCertificate } from '../../../servers/wire/certificate.js';
import { record, sleep, waitFor } from '../../helpers.js';

/** TLS at the server's port: whom the clients trust, what resumption saves, and where a handshake's bytes go. */
let ours: ThrowawayCertificate;
let foreign: ThrowawayCertificate;
let server: PushServer;
beforeAll(() => {
  ours = ThrowawayCertificate.make();
  foreign = ThrowawayCertificate.make();
});
afterAll(() => {
  ours.remove();
  foreign.remove();
  // The certificate's directory, key and all, is gone once removed.
  expect([ours.onDisk, foreign.onDisk]).toEqual([false, false]);
});
afterEach(async () => {
  await server?.close();
});

/** A TLS socket that does not end its side when the peer ends theirs (node's TLSSocket takes it; its types omit it). */
const HALF_OPEN = { allowHalfOpen: true } as tls.ConnectionOptions;

async function start(certificate: ThrowawayCertificate): Promise<void> {
  server = new PushServer({ strategies: ['short-polling'], limits: { longPollTimeoutMs: 2_000 }, tls: certificate.pem() });
  await server.listen(0, '127.0.0.1');
}

describe('TLS at the server port', () => {
  it('clients trust exactly the certificate they are given: another one is refused, and the server counts a failed handshake', async () => {
    await start(foreign);
    const client = new ShortPollingClient({ baseUrl: server.url, tls: { ca: ours.cert }, since: 0, pollIntervalMs: 50, reconnectMaxMs: 100 });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const received = record(client);
    client.start();
    await waitFor(() => errors.length > 0, 'the refusal');
    server.source.publish('secret');
    await sleep(200);
    await client.stop();
    expect(received.seqs).toEqual([]);
    expect(errors[0].message).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(client.handshakes).toEqual({ full: 0, resumed: 0 });
    await waitFor(() => (server.stats().tls?.failed ?? 0) > 0, 'the failed handshake at the server');
    expect(server.stats().tls!.handshakes).toBe(0);
  });

  it.each([
    { resume: true, label: 'with tickets' },
    { resume: false, label: 'without' },
  ])('counts resumed handshakes at both ends for polls on a connection each, $label', async ({ resume }) => {
    await start(ours);
    const client = new ShortPollingClient({ baseUrl: server.url, tls: { ca: ours.cert, resume }, keepAlive: false, since: 0, pollIntervalMs: 30 });
    const received = record(client);
    client.start();
    for (let i = 1; i <= 5; i++) {
      server.source.publish(`m${i}`);
      await sleep(40);
    }
    await waitFor(() => received.seqs.length >= 5 && received.requests >= 6, 'five messages, six polls');
    await client.stop();
    const connections = client.connectionsOpened;
    // A connection per poll, each a handshake; with tickets every one after the first resumes, without none does.
    expect(connections).toBeGreaterThanOrEqual(6);
    expect(client.handshakes).toEqual(resume ? { full: 1, resumed: connections - 1 } : { full: connections, resumed: 0 });
    await waitFor(() => server.stats().strategies['short-polling'].connections.open === 0, 'the connections closed');
    expect(server.stats().tls).toEqual({ handshakes: connections, resumed: resume ? connections - 1 : 0, failed: 0 });
    expect(server.stats().strategies['short-polling'].bytes).toEqual(client.bytes);
  });

  it('credits a handshake to the strategy its connection serves, even when the counts are read before its first request', async () => {
    await start(ours);
    const raw = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    const socket = tls.connect({ socket: raw, ca: ours.cert, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    await sleep(50);
    // Read between the handshake and the request: the handshake's bytes are nobody's yet.
    expect(server.stats().control.bytes).toEqual({ clientToServer: 0, serverToClient: 0 });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.write(`GET ${ROUTES.poll}?since=0 HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    await waitFor(() => answer.startsWith('HTTP/1.1 200') && answer.includes('\r\n\r\n{'), 'the answer');
    await sleep(50);
    // Closed in order, as the bench's clients close: our close_notify, then the server's, then the TCP connection.
    socket.end();
    await new Promise((resolve) => raw.once('close', resolve));
    await waitFor(() => server.stats().strategies['short-polling'].connections.open === 0, 'the connection closed');
    expect(server.stats().strategies['short-polling'].bytes).toEqual({ clientToServer: raw.bytesWritten, serverToClient: raw.bytesRead });
    expect(server.stats().control.bytes).toEqual({ clientToServer: 0, serverToClient: 0 });
  });

  it('reads a peer’s close_notify that comes after its own close of a Connection: close answer, and counts it', async () => {
    await start(ours);
    // Half-open at both layers: the client answers the server's close only when it chooses to, as a busy client does.
    const raw = net.connect({ port: Number(new URL(server.url).port), host: '127.0.0.1', allowHalfOpen: true });
    const socket = tls.connect({ socket: raw, ca: ours.cert, servername: 'localhost', ALPNProtocols: ['http/1.1'], ...HALF_OPEN });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    socket.resume();
    socket.write(`GET ${ROUTES.poll}?since=0 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    // The server answers, then closes its side (its close_notify and FIN) ...
    await new Promise((resolve) => socket.once('end', resolve));
    await sleep(100);
    // ... and the client's own close comes well after: the server must still be there to read it.
    socket.end();
    await new Promise((resolve) => raw.once('close', resolve));
    await waitFor(() => server.stats().strategies['short-polling'].connections.open === 0, 'the connection closed');
    expect(server.stats().strategies['short-polling'].bytes).toEqual({ clientToServer: raw.bytesWritten, serverToClient: raw.bytesRead });
  });
});
