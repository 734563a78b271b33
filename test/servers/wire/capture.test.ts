import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../../clients/client.js';
import { STRATEGIES } from '../../../bench/plan/strategies.js';
import { PushServer } from '../../../servers/app.js';
import { addTlsSplit, emptyTlsSplit, type ByteCounts } from '../../../servers/contract/byte-counts.js';
import { ThrowawayCertificate } from '../../../servers/wire/certificate.js';
import { PortCapture } from '../../capture.js';
import { record, waitFor } from '../../helpers.js';
import { missing } from '../../requirements.js';

/**
 * The byte counts against the wire: tshark captures the server's port while clients of each of our strategies
 * receive a few messages, in cleartext and over TLS, and the TCP payload it saw each way must equal, to the byte,
 * what the server's ledger and the clients counted. Over TLS, tshark also opens every record with the clients' own
 * secrets, and the handshake / record overhead / application split it finds must be the clients' record meters'.
 */
// Our server's own strategies (the PHP ones run on PHP-FPM behind nginx, which this test does not start).
const OWN = STRATEGIES.filter((entry) => !entry.info.reference && entry.info.servedBy !== 'php-fpm');
// Each strategy that speaks HTTP/2 is also checked over TLS with h2 chosen by ALPN, as browsers reach it.
const CASES = OWN.flatMap((entry) => [
  { label: `${entry.info.name} in cleartext`, entry, tls: false, httpVersion: '1.1' as const },
  { label: `${entry.info.name} over TLS`, entry, tls: true, httpVersion: '1.1' as const },
  ...(entry.info.http2 ? [{ label: `${entry.info.name} over TLS, h2`, entry, tls: true, httpVersion: '2' as const }] : []),
]);

const add = (a: ByteCounts, b: ByteCounts): ByteCounts => ({
  clientToServer: a.clientToServer + b.clientToServer,
  serverToClient: a.serverToClient + b.serverToClient,
});

describe.skipIf(missing(['tshark'], 'the byte check against a capture'))('the byte counts against a tshark capture', () => {
  let certificate: ThrowawayCertificate;
  let server: PushServer | undefined;
  let capture: PortCapture | undefined;
  const clients: SimulatedClient[] = [];
  beforeAll(() => {
    certificate = ThrowawayCertificate.make();
  });
  afterAll(() => certificate.remove());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await server?.close();
    capture?.remove();
  });

  it.each(CASES)('$label: the TCP payload on the wire is what both ends counted', async ({ entry, tls, httpVersion }) => {
    const name = entry.info.name;
    server = new PushServer({ strategies: [name], limits: { longPollTimeoutMs: 2_000 }, ...(tls && { tls: certificate.pem() }) });
    await server.listen(0, '127.0.0.1');
    capture = new PortCapture(Number(new URL(server.url).port));
    await capture.start();
    const attached = [0, 1].map(() => {
      const client = new entry.client({
        baseUrl: server!.url,
        ...(tls && { tls: { ca: certificate.cert, keylog: capture!.keylog } }),
        since: 0,
        pollIntervalMs: 50,
        longPollTimeoutMs: 2_000,
        httpVersion,
      });
      clients.push(client);
      const received = record(client);
      client.start();
      return { client, received };
    });
    await waitFor(() => attached.every((a) => a.received.requests > 0), 'first requests');
    for (let i = 1; i <= 5; i++) server.source.publish(`m${i}`);
    await waitFor(() => attached.every((a) => a.received.seqs.length >= 5), 'all 5 messages');
    await Promise.all(attached.map(({ client }) => client.stop()));
    // Every TCP connection closed at both ends, so that no byte is still on its way (an HTTP/2 session outlives its streams).
    await waitFor(() => attached.every(({ client }) => client.openConnections === 0), 'the clients’ connections closed');
    let serverConnections = -1;
    await waitFor(() => {
      server!.httpServer.getConnections((error, count) => (serverConnections = error ? -1 : count));
      return serverConnections === 0;
    }, 'the server’s connections closed');
    await capture.stop();

    const wire = capture.tcpPayload();
    const clientBytes = attached.map(({ client }) => client.bytes).reduce(add);
    expect(wire.clientToServer).toBeGreaterThan(0);
    expect(server.stats().strategies[name].bytes).toEqual(wire);
    expect(clientBytes).toEqual(wire);
    if (!tls) return;
    const { split, recordBytes } = capture.tlsRecords();
    // Every byte on the wire is in a record, and tshark opened them all as the clients' meters did.
    expect(recordBytes).toEqual(wire);
    expect(split).toEqual(attached.reduce((total, { client }) => addTlsSplit(total, client.tlsSplit!), emptyTlsSplit()));
    expect(split.serverToClient.application).toBeGreaterThan(0);
  });
});
