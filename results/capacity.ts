import type { HttpVersion } from '../servers/contract/wire.js';

/** What sets a capacity probe apart beside its endpoint: the HTTP version it was driven over, and TLS. */
export interface ProbeTransport {
  endpoint: string;
  /** '2': h2load; absent or '1.1': autocannon. */
  httpVersion?: HttpVersion;
  /** Over TLS (https; h2 chosen by ALPN); absent or false: cleartext. */
  tls?: boolean;
}

/** The one name of a probe wherever it is shown: "short-poll", "short-poll (HTTP/2)", "publish (HTTP/2, TLS)". */
export function capacityProbeName(probe: ProbeTransport): string {
  const parts = [...(probe.httpVersion === '2' ? ['HTTP/2'] : []), ...(probe.tls ? ['TLS'] : [])];
  return parts.length === 0 ? probe.endpoint : `${probe.endpoint} (${parts.join(', ')})`;
}

/** The transport the article's servers answer on: HTTP/1.1 in cleartext. */
export const CLEARTEXT_HTTP1: Omit<ProbeTransport, 'endpoint'> = { httpVersion: '1.1', tls: false };

/** Whether two probes were driven over the same transport (HTTP version and TLS), whatever their endpoints. */
export function sameTransport(a: Omit<ProbeTransport, 'endpoint'>, b: Omit<ProbeTransport, 'endpoint'>): boolean {
  return (a.httpVersion === '2') === (b.httpVersion === '2') && Boolean(a.tls) === Boolean(b.tls);
}
