/**
 * The article's claims and the measurement definitions, as DESIGN.md words them. The report prints them
 * beside the charts so that a reader never has to guess what a bar means; keep them in step with DESIGN.md.
 */

export type ClaimId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7';

export interface Claim {
  id: ClaimId;
  /** A few words to refer to the claim by, e.g. "Also C5 (WebSocket)". */
  short: string;
  /** What the article says. */
  statement: string;
  /** What pushbench must show, measured. */
  measured: string;
}

export const CLAIMS: Record<ClaimId, Claim> = {
  C1: {
    id: 'C1',
    short: 'HTTP is passive',
    statement: 'HTTP is passive: one request, one response, and the server can never speak first.',
    measured: 'With short polling a message waits for the next poll: latency ≈ poll interval / 2 on average, up to one interval.',
  },
  C2: {
    id: 'C2',
    short: 'short polling',
    statement: 'Short polling asks “anything new?” every few seconds; most answers are “no”. It needs a fast handler.',
    measured: 'Requests per delivered message, share of empty responses, server CPU per delivered message.',
  },
  C3: {
    id: 'C3',
    short: 'long polling',
    statement: 'Long polling holds the request until there is news, then the client asks again. It needs many concurrent connections.',
    measured: 'Held connections vs clients; one full HTTP round per message; the re-request gap under bursts and network delay.',
  },
  C4: {
    id: 'C4',
    short: 'HTTP is stateless',
    statement: 'HTTP is stateless: every request carries its identity (headers, cookies) again, and the proxy and the handler parse it again.',
    measured: 'Header bytes per request and per delivered message, growing with cookie size.',
  },
  C5: {
    id: 'C5',
    short: 'WebSocket',
    statement: 'WebSocket: one HTTP handshake, then one full-duplex connection; the server pushes when it has news.',
    measured: '1 request per client for the whole run, a few bytes of framing per message, latency ≈ one-way network delay.',
  },
  C6: {
    id: 'C6',
    short: 'fallback',
    statement: 'A client without WebSocket cannot use it, but long polling or polling can stand in for it.',
    measured: 'A client that falls back from WebSocket to long polling and still receives every message.',
  },
  C7: {
    id: 'C7',
    short: 'push server',
    statement: 'A push server listens on a fixed port; the back end pushes through an HTTP API; the server tracks who is online.',
    measured: 'A publish API (to everyone or to one user) and online/offline presence.',
  },
};

export interface Definition {
  term: string;
  text: string;
}

/** DESIGN.md, "What is measured". */
export const DEFINITIONS: readonly Definition[] = [
  {
    term: 'Latency',
    text: 'Client receive time minus the message’s publish time, both from performance.timeOrigin + performance.now() (server and clients share the machine’s clock). Recorded in integer microseconds in HDR histograms, mergeable across processes; shown in milliseconds.',
  },
  {
    term: 'Requests',
    text: 'HTTP requests sent by clients, the WebSocket handshake counting as one; split into those that carried messages, those that came back empty, and failures.',
  },
  {
    term: 'Bytes',
    text: 'TCP payload bytes per direction, counted at the socket (headers, bodies, handshake, frames, pings all included), cross-checked between the server side and the client side; per delivered message, and as overhead relative to payload bytes.',
  },
  { term: 'Connections', text: 'TCP connections opened, and the most open at the same time.' },
  {
    term: 'Server cost',
    text: 'CPU time (user + system) of the server process per delivered message, peak resident memory, event-loop delay.',
  },
  {
    term: 'Correctness',
    text: 'Delivered, missed, duplicated, out of order. A run in which any client missed, repeated or reordered a message is flagged invalid.',
  },
];
