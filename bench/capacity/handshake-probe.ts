import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { RpcChild } from '../ipc/rpc.js';
import type { ServerProtocol } from '../ipc/protocol.js';
import type { CertificatePem } from '../../servers/wire/certificate.js';
import type { ConnectionCost, HandshakeProbe } from '../../results/tls.js';

/** Connections of each kind: enough that the server's CPU over them is far above the clock's resolution. */
export const HANDSHAKE_PROBE_CONNECTIONS = 200;
/** Each kind stops early after this long (a busy machine), with no fewer than MIN_CONNECTIONS. */
export const HANDSHAKE_PROBE_BUDGET_MS = 4_000;
const MIN_CONNECTIONS = 20;

export interface HandshakeHost {
  /** A fresh server process, registered with the harness. */
  server: RpcChild<ServerProtocol>;
  startTimeoutMs: number;
  callTimeoutMs: number;
}

/**
 * What a TLS handshake costs the server, alone: a fresh server process (the short-polling strategy mounted, never
 * asked anything) and `connections` connections of each kind (fewer when HANDSHAKE_PROBE_BUDGET_MS runs out first on a
 * busy machine; never fewer than MIN_CONNECTIONS), one after the other from this process, each of which
 * does nothing but connect, handshake (or not) and close in order (close_notify both ways). The server's CPU and
 * its control traffic (a connection no route claimed) are read before and after each kind:
 * - tcp: connect and close without a ClientHello: what a connection costs a TLS port before any cryptography;
 * - full: a full TLS 1.3 handshake (key exchange, the certificate and its ECDSA signature, two session tickets);
 * - resumed: a handshake resuming the session of the connection before it from its ticket (no certificate, no
 *   signature), as a browser's next connection to the same origin does.
 * One at a time, so that no handshake waits behind another and the CPU is the handshakes' own.
 */
export async function probeHandshakes(
  host: HandshakeHost,
  certificate: CertificatePem,
  connections = HANDSHAKE_PROBE_CONNECTIONS,
): Promise<HandshakeProbe> {
  const { server } = host;
  const { url } = await server.call('start', { strategy: 'short-polling', longPollTimeoutMs: 20_000, tls: certificate }, host.startTimeoutMs);
  const { hostname, port } = new URL(url);
  const measure = async (connect: () => Promise<void>): Promise<ConnectionCost> => {
    // One connection first, unmeasured, so that the first one's lazy setup is not counted as every one's.
    await connect();
    const before = await server.call('usage', undefined, host.callTimeoutMs);
    const deadline = performance.now() + HANDSHAKE_PROBE_BUDGET_MS;
    let done = 0;
    while (done < connections && (done < MIN_CONNECTIONS || performance.now() < deadline)) {
      await connect();
      done++;
    }
    const after = await server.call('usage', undefined, host.callTimeoutMs);
    return {
      connections: done,
      serverCpuUsPerConnection: Math.round(((after.cpuUs - before.cpuUs) / done) * 10) / 10,
      bytesPerConnection: {
        clientToServer: Math.round((after.controlBytes.clientToServer - before.controlBytes.clientToServer) / done),
        serverToClient: Math.round((after.controlBytes.serverToClient - before.controlBytes.serverToClient) / done),
      },
    };
  };
  const tcp = await measure(() => tcpOnly(hostname, Number(port)));
  let session: Buffer | undefined;
  let cipher = '';
  const full = await measure(async () => {
    const done = await handshake(hostname, Number(port), certificate.cert, undefined);
    if (done.reused) throw new Error('a handshake without a ticket resumed a session');
    session = done.session;
    cipher = done.cipher;
  });
  if (!session) throw new Error('the server sent no session ticket: resumption cannot be measured');
  const resumed = await measure(async () => {
    const done = await handshake(hostname, Number(port), certificate.cert, session);
    if (!done.reused) throw new Error('the server did not resume a session from its own ticket');
    session = done.session ?? session;
  });
  return { tcp, full, resumed, cipher: `${cipher}, ${keyOf(certificate.cert)}` };
}

/** Connects and closes at once, sending nothing. */
function tcpOnly(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => socket.end());
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

/**
 * One TLS connection, trusting only `ca`: the handshake, the server's session tickets read, then close_notify and
 * the close. Resolves with whether it resumed `session`, the last ticket it got, and its cipher suite.
 */
interface Handshake {
  reused: boolean;
  session: Buffer | undefined;
  cipher: string;
}

function handshake(host: string, port: number, ca: string, session: Buffer | undefined): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    let ticket: Buffer | undefined;
    let reused = false;
    let cipher = '';
    const socket = tls.connect({ host, port, ca, minVersion: 'TLSv1.3', ALPNProtocols: ['http/1.1'], ...(session && { session }) }, () => {
      reused = socket.isSessionReused();
      cipher = socket.getCipher().standardName;
      // A full handshake's tickets follow it: read one, then close (node's server sends none after a resumed
      // one, whose ticket stays good for the next connection: waiting for one would wait for the server's timeout).
      if (ticket || reused) socket.end();
    });
    socket.on('session', (next: Buffer) => {
      ticket = next;
      if (!socket.connecting && socket.readyState === 'open') socket.end();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve({ reused, session: ticket, cipher }));
    socket.resume();
  });
}

/** "ECDSA P-256", "RSA 2048": the certificate's key, as the handshake's signature depends on it. */
function keyOf(certPem: string): string {
  const key = new X509Certificate(certPem).publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return `ECDSA ${details.namedCurve === 'prime256v1' ? 'P-256' : (details.namedCurve ?? '')}`;
  return `${(key.asymmetricKeyType ?? '').toUpperCase()} ${details.modulusLength ?? ''}`.trim();
}
