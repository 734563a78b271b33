import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../clients/client.js';
import { PushServer } from '../../servers/app.js';
import type { ServerLimits } from '../../servers/constants.js';
import { STRATEGIES, type StrategyPair } from '../../bench/plan/strategies.js';
import { range, record, sleep, waitFor } from '../helpers.js';
import { phpStackFixture, phpStackMissing, publishThroughPhp } from './stack/php-stack-host.js';
import { ThrowawayCertificate } from '../../servers/wire/certificate.js';
import { addTlsSplit, emptyTlsSplit } from '../../servers/contract/byte-counts.js';

/**
 * One suite, run against every registered strategy: exactly once, in order, across reconnects, per user. Every
 * strategy whose facts give it an HTTP/2 run runs it again over HTTP/2 (one session per client, on the same port):
 * a strategy that claims a run its client cannot make fails there. A strategy another stack serves (PHP on
 * PHP-FPM behind nginx) runs it against that stack, started for real, publishing through its own PHP endpoint.
 * Every one of pushbench's own strategies runs it again over TLS (https and wss, the certificate a throwaway one
 * that the clients alone trust), and over HTTP/2 by ALPN when it has an HTTP/2 run.
 */
const phpMissing = phpStackMissing('the PHP strategies’ conformance');
const SUITES = STRATEGIES.filter((entry) => entry.info.servedBy !== 'php-fpm' || !phpMissing).flatMap((entry) => {
  // Over TLS: pushbench's own strategies on our server (the references measure a library or a floor in cleartext).
  const tls = !entry.info.reference && entry.info.servedBy !== 'php-fpm';
  return [
    { label: entry.info.name, entry, httpVersion: '1.1', tls: false } as const,
    ...(entry.info.http2 ? [{ label: `${entry.info.name} over HTTP/2`, entry, httpVersion: '2', tls: false } as const] : []),
    ...(tls ? [{ label: `${entry.info.name} over TLS`, entry, httpVersion: '1.1', tls: true } as const] : []),
    ...(tls && entry.info.http2 ? [{ label: `${entry.info.name} over TLS, HTTP/2 by ALPN`, entry, httpVersion: '2', tls: true } as const] : []),
  ];
});

let certificate: ThrowawayCertificate;
beforeAll(() => {
  certificate = ThrowawayCertificate.make();
});
afterAll(() => certificate.remove());

/** What the suite needs of whatever serves a strategy: where it is, how to publish, and how to stop it. */
interface ConformanceHost {
  url: string;
  /** Publishes and resolves with the seq given, in call order. */
  publish(payload: unknown, to?: string): Promise<number>;
  http2SessionsOpened(): number;
  close(): Promise<void>;
  /** Our own server, when it serves the strategy (the TLS checks read its counters). */
  push?: PushServer;
}

const php = phpStackFixture();

async function startHost(entry: StrategyPair, limits: Partial<ServerLimits>, tls: boolean): Promise<ConformanceHost> {
  if (entry.info.servedBy === 'php-fpm') {
    const stack = await php.start({ limits });
    return {
      url: stack.url,
      publish: (payload, to) => publishThroughPhp(stack, payload, to),
      http2SessionsOpened: () => 0,
      close: () => stack.stop(),
    };
  }
  const server = new PushServer({ strategies: [entry.info.name], limits, ...(tls && { tls: certificate.pem() }) });
  await server.listen(0, '127.0.0.1');
  return {
    push: server,
    url: server.url,
    publish: (payload, to) => Promise.resolve(server.source.publish(payload, to).seq),
    http2SessionsOpened: () => server.http2.sessionsOpened,
    close: () => server.close(),
  };
}

/** Publishes each in turn (a log's seqs follow the order of the publishes): the seqs given. */
async function publishAll(host: ConformanceHost, items: readonly (readonly [unknown, string?])[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const [payload, to] of items) seqs.push(await host.publish(payload, to));
  return seqs;
}

describe.each(SUITES)('$label conformance', ({ entry, httpVersion, tls }) => {
  let server: ConformanceHost;
  const clients: SimulatedClient[] = [];

  async function start(limits: Partial<ServerLimits> = {}): Promise<void> {
    server = await startHost(entry, { longPollTimeoutMs: 2_000, ...limits }, tls);
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
    const seqs: number[] = [];
    for (let i = 1; i <= 30; i++) {
      seqs.push(await server.publish(`m${i}`));
      if (i % 5 === 0) await sleep(15);
    }
    expect(seqs).toEqual(range(seqs[0], seqs[0] + 29));
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 30), 'all 30 messages');
    await sleep(100);
    for (const { received } of attached) {
      expect(received.seqs).toEqual(seqs);
      expect(received.payloads).toEqual(range(1, 30).map((i) => `m${i}`));
    }
    // Over HTTP/2 each client held one session, every request a stream on it; over HTTP/1.1 none was opened.
    expect(server.http2SessionsOpened()).toBe(httpVersion === '2' ? 3 : 0);
    expect(server.url.startsWith(tls ? 'https://' : 'http://')).toBe(true);
  });

  it.runIf(tls)('counts the same TLS bytes at both ends, and splits them exactly', async () => {
    await start();
    const push = server.push!;
    const attached = [connect(), connect()];
    await waitFor(() => attached.every((a) => a.received.requests > 0), 'first requests');
    for (let i = 1; i <= 10; i++) push.source.publish(`m${i}`);
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 10), 'all 10 messages');
    await Promise.all(attached.map(({ client }) => client.stop()));
    const name = entry.info.name;
    await waitFor(() => push.stats().strategies[name].connections.open === 0, 'the connections closed');
    const { bytes, applicationBytes } = push.stats().strategies[name];
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
    expect(push.stats().tls).toEqual({
      handshakes: connections,
      resumed: handshakes.reduce((total, counts) => total + counts.resumed, 0),
      failed: 0,
    });
    for (const counts of handshakes) expect(counts.full).toBeGreaterThanOrEqual(1);
  });

  it('resumes from its cursor after a forced disconnect mid-stream', async () => {
    await start();
    const attached = [connect(), connect()];
    const seqs = await publishAll(
      server,
      range(1, 10).map((i) => [i]),
    );
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 10), 'the first 10 messages');
    for (const { client } of attached) client.dropConnection();
    // Published while the clients are cut off: they must come back for these.
    seqs.push(
      ...(await publishAll(
        server,
        range(11, 20).map((i) => [i]),
      )),
    );
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 20), 'all 20 messages after reconnect');
    seqs.push(
      ...(await publishAll(
        server,
        range(21, 25).map((i) => [i]),
      )),
    );
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 25), 'messages after the reconnect');
    await sleep(100);
    for (const { client, received } of attached) {
      expect(received.seqs).toEqual(seqs);
      expect(received.payloads).toEqual(range(1, 25));
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
    await publishAll(server, [['all-1'], ['bob-1', 'bob'], ['eve-1', 'eve'], ['all-2'], ['bob-2', 'bob']]);
    await waitFor(() => bob.received.seqs.length >= 4 && eve.received.seqs.length >= 3 && anonymous.received.seqs.length >= 2, 'per-user messages');
    await sleep(100);
    expect(bob.received.payloads).toEqual(['all-1', 'bob-1', 'all-2', 'bob-2']);
    expect(eve.received.payloads).toEqual(['all-1', 'eve-1', 'all-2']);
    expect(anonymous.received.payloads).toEqual(['all-1', 'all-2']);
  });

  it('reports a gap when its cursor is older than the ring, then delivers what is left', async () => {
    await start({ ringSize: 5 });
    const seqs = await publishAll(
      server,
      range(1, 12).map((i) => [i]),
    );
    const late = connect(undefined, seqs[1]);
    await waitFor(() => late.received.seqs.length >= 5, 'the ring contents');
    expect(late.received.gaps).toEqual([{ afterSeq: seqs[1], firstAvailableSeq: seqs[7] }]);
    expect(late.received.seqs).toEqual(seqs.slice(7));
    expect(late.received.payloads).toEqual(range(8, 12));
  });

  it('makes its first request after the start delay, and none at all when stopped before it', async () => {
    await start();
    const waiting = connect(undefined, 0, 50);
    const stopped = connect(undefined, 0, 50);
    await stopped.client.stop();
    await server.publish('m1');
    await waitFor(() => waiting.received.seqs.length === 1, 'the delayed client');
    await sleep(100);
    expect(stopped.received.requests).toBe(0);
    expect(stopped.client.connectionsOpened).toBe(0);
  });
});

/**
 * The other half of the `http2` fact: a strategy of our server that states no HTTP/2 run has a client that cannot
 * make one. Asked for HTTP/2, such a client still delivers over HTTP/1.1 and opens no HTTP/2 session; one that
 * opened a session would show a fact that leaves out a run the strategy could have. (A PHP strategy's clients are
 * our polling clients, which speak HTTP/2; what has no HTTP/2 there is nginx's port, which speaks HTTP/1.1 only.)
 */
const WITHOUT_HTTP2 = STRATEGIES.filter((entry) => !entry.info.http2 && entry.server).map((entry) => [entry.info.name, entry] as const);

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
