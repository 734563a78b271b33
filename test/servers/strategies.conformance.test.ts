import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../clients/client.js';
import { PushServer } from '../../servers/app.js';
import { STRATEGIES } from '../../bench/plan/strategies.js';
import { ThrowawayCertificate } from '../../servers/wire/certificate.js';
import { addTlsSplit, emptyTlsSplit } from '../../servers/contract/byte-counts.js';
import { range, record, sleep, waitFor } from '../helpers.js';

/**
 * One suite, run against every registered strategy: exactly once, in order, across reconnects, per user. Every
 * strategy whose facts give it an HTTP/2 run runs it again over HTTP/2 (one session per client, on the same port):
 * a strategy that claims a run its client cannot make fails there. Every strategy runs it again over TLS (https and
 * wss, the certificate a throwaway one that the clients alone trust), and over HTTP/2 by ALPN when it has an HTTP/2 run.
 */
const SUITES = STRATEGIES.flatMap((entry) => [
  { label: entry.info.name, entry, httpVersion: '1.1', tls: false } as const,
  ...(entry.info.http2 ? [{ label: `${entry.info.name} over HTTP/2`, entry, httpVersion: '2', tls: false } as const] : []),
  { label: `${entry.info.name} over TLS`, entry, httpVersion: '1.1', tls: true } as const,
  ...(entry.info.http2 ? [{ label: `${entry.info.name} over TLS, HTTP/2 by ALPN`, entry, httpVersion: '2', tls: true } as const] : []),
]);

let certificate: ThrowawayCertificate;
beforeAll(() => {
  certificate = ThrowawayCertificate.make();
});
afterAll(() => certificate.remove());

describe.each(SUITES)('$label conformance', ({ entry, httpVersion, tls }) => {
  let server: PushServer;
  const clients: SimulatedClient[] = [];

  async function start(limits = {}): Promise<void> {
    server = new PushServer({
      strategies: [entry.info.name],
      limits: { longPollTimeoutMs: 2_000, ...limits },
      ...(tls && { tls: certificate.pem() }),
    });
    await server.listen(0, '127.0.0.1');
  }

  function connect(userId?: string, since = 0, firstPollDelayMs?: number) {
    const client = new entry.client({
      baseUrl: server.url,
      ...(tls && { tls: { ca: certificate.cert } }),
      userId,
      since,
      firstPollDelayMs,
      pollIntervalMs: 40,
      longPollTimeoutMs: 2_000,
      reconnectMinMs: 20,
      reconnectMaxMs: 200,
      httpVersion,
    });
    clients.push(client);
    const received = record(client);
    client.start();
    return { client, received };
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await server?.close();
  });

  it('delivers every message to every client exactly once and in order', async () => {
    await start();
    const attached = [connect(), connect(), connect()];
    await waitFor(() => attached.every((a) => a.received.requests > 0), 'first requests');
    for (let i = 1; i <= 30; i++) {
      server.source.publish(`m${i}`);
      if (i % 5 === 0) await sleep(15);
    }
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 30), 'all 30 messages');
    await sleep(100);
    for (const { received } of attached) {
      expect(received.seqs).toEqual(range(1, 30));
      expect(received.payloads).toEqual(range(1, 30).map((i) => `m${i}`));
    }
    // Over HTTP/2 each client held one session, every request a stream on it; over HTTP/1.1 none was opened.
    expect(server.http2.sessionsOpened).toBe(httpVersion === '2' ? 3 : 0);
    expect(server.url.startsWith(tls ? 'https://' : 'http://')).toBe(true);
  });

  it.runIf(tls)('counts the same TLS bytes at both ends, and splits them exactly', async () => {
    await start();
    const attached = [connect(), connect()];
    await waitFor(() => attached.every((a) => a.received.requests > 0), 'first requests');
    for (let i = 1; i <= 10; i++) server.source.publish(`m${i}`);
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 10), 'all 10 messages');
    await Promise.all(attached.map(({ client }) => client.stop()));
    const name = entry.info.name;
    await waitFor(() => server.stats().strategies[name].connections.open === 0, 'the connections closed');
    const { bytes, applicationBytes } = server.stats().strategies[name];
    const split = attached.reduce((total, { client }) => addTlsSplit(total, client.tlsSplit!), emptyTlsSplit());
    const clientBytes = attached.reduce(
      (total, { client }) => ({
        clientToServer: total.clientToServer + client.bytes.clientToServer,
        serverToClient: total.serverToClient + client.bytes.serverToClient,
      }),
      { clientToServer: 0, serverToClient: 0 },
    );
    // TCP payload: the same at both ends, and the three parts of the split add up to it.
    expect(clientBytes).toEqual(bytes);
    const sum = (part: (typeof split)['clientToServer']) => part.handshake + part.recordOverhead + part.application;
    expect({ clientToServer: sum(split.clientToServer), serverToClient: sum(split.serverToClient) }).toEqual(bytes);
    // The plaintext the clients' meters found in the records is what the server's TLS sockets gave HTTP.
    expect({ clientToServer: split.clientToServer.application, serverToClient: split.serverToClient.application }).toEqual(applicationBytes);
    // Every connection made one handshake, and both ends agree on which resumed a session from a ticket; a
    // client's first connection had no ticket to offer.
    const handshakes = attached.map(({ client }) => client.handshakes);
    const connections = attached.reduce((total, { client }) => total + client.connectionsOpened, 0);
    expect(server.stats().tls).toEqual({
      handshakes: connections,
      resumed: handshakes.reduce((total, counts) => total + counts.resumed, 0),
      failed: 0,
    });
    for (const counts of handshakes) expect(counts.full).toBeGreaterThanOrEqual(1);
  });

  it('resumes from its cursor after a forced disconnect mid-stream', async () => {
    await start();
    const attached = [connect(), connect()];
    for (let i = 1; i <= 10; i++) server.source.publish(i);
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 10), 'the first 10 messages');
    for (const { client } of attached) client.dropConnection();
    // Published while the clients are cut off: they must come back for these.
    for (let i = 11; i <= 20; i++) server.source.publish(i);
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 20), 'all 20 messages after reconnect');
    for (let i = 21; i <= 25; i++) server.source.publish(i);
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 25), 'messages after the reconnect');
    await sleep(100);
    for (const { client, received } of attached) {
      expect(received.seqs).toEqual(range(1, 25));
      // The cut connection was really replaced by a new one (a short-poll client between polls simply opens
      // a fresh one; the others see an error and reconnect).
      expect(client.connectionsOpened).toBeGreaterThanOrEqual(2);
    }
  });

  it('delivers a message for one user to that user only, broadcasts to all', async () => {
    await start();
    const bob = connect('bob');
    const eve = connect('eve');
    const anonymous = connect();
    await waitFor(() => [bob, eve, anonymous].every((a) => a.received.requests > 0), 'first requests');
    server.source.publish('all-1');
    server.source.publish('bob-1', 'bob');
    server.source.publish('eve-1', 'eve');
    server.source.publish('all-2');
    server.source.publish('bob-2', 'bob');
    await waitFor(() => bob.received.seqs.length >= 4 && eve.received.seqs.length >= 3 && anonymous.received.seqs.length >= 2, 'per-user messages');
    await sleep(100);
    expect(bob.received.payloads).toEqual(['all-1', 'bob-1', 'all-2', 'bob-2']);
    expect(eve.received.payloads).toEqual(['all-1', 'eve-1', 'all-2']);
    expect(anonymous.received.payloads).toEqual(['all-1', 'all-2']);
  });

  it('reports a gap when its cursor is older than the ring, then delivers what is left', async () => {
    await start({ ringSize: 5 });
    for (let i = 1; i <= 12; i++) server.source.publish(i);
    const late = connect(undefined, 2);
    await waitFor(() => late.received.seqs.length >= 5, 'the ring contents');
    expect(late.received.gaps).toEqual([{ afterSeq: 2, firstAvailableSeq: 8 }]);
    expect(late.received.seqs).toEqual(range(8, 12));
  });

  it('makes its first request after the start delay, and none at all when stopped before it', async () => {
    await start();
    const waiting = connect(undefined, 0, 50);
    const stopped = connect(undefined, 0, 50);
    await stopped.client.stop();
    server.source.publish('m1');
    await waitFor(() => waiting.received.seqs.length === 1, 'the delayed client');
    await sleep(100);
    expect(stopped.received.requests).toBe(0);
    expect(stopped.client.connectionsOpened).toBe(0);
  });
});

/**
 * The other half of the `http2` fact: a strategy that states no HTTP/2 run has a client that cannot make one. Asked
 * for HTTP/2, such a client still delivers over HTTP/1.1 and opens no HTTP/2 session; one that opened a session
 * would show a fact that leaves out a run the strategy could have.
 */
const WITHOUT_HTTP2 = STRATEGIES.filter((entry) => !entry.info.http2).map((entry) => [entry.info.name, entry] as const);

describe.each(WITHOUT_HTTP2)('%s, without an HTTP/2 run', (_name, entry) => {
  let server: PushServer | undefined;
  let client: SimulatedClient | undefined;

  afterEach(async () => {
    await client?.stop();
    await server?.close();
  });

  it('has a client that, asked for HTTP/2, speaks HTTP/1.1', async () => {
    server = new PushServer({ strategies: [entry.info.name], limits: { longPollTimeoutMs: 2_000 } });
    await server.listen(0, '127.0.0.1');
    client = new entry.client({ baseUrl: server.url, since: 0, pollIntervalMs: 40, longPollTimeoutMs: 2_000, httpVersion: '2' });
    const received = record(client);
    client.start();
    await waitFor(() => received.requests > 0, 'the first request');
    server.source.publish('m1');
    await waitFor(() => received.seqs.length === 1, 'the message');
    expect(server.http2.sessionsOpened).toBe(0);
  });
});
