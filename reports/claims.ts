/**
 * The article's claims and the measurement definitions, as DESIGN.md words them. The report quotes a claim
 * under the question its section answers, and judges it with the run's data (judgements.ts); keep the
 * statements in step with DESIGN.md.
 */

export type ClaimId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5';

export interface Claim {
  id: ClaimId;
  /** What the article says (DESIGN.md's wording). */
  statement: string;
  /** The question a reader asks of the run, used as the section's heading. */
  question: string;
  /** The claim in a few words, for the verdict strip: "a message waits for the next poll". */
  short: string;
}

/**
 * The article's claims that cost can answer. C6 (fallback) and C7 (publish API, presence) are behaviour, shown
 * by the classroom demo and the tests rather than by a benchmark, so the report does not list them.
 */
export const CLAIMS: Record<ClaimId, Claim> = {
  C1: {
    id: 'C1',
    short: 'A message waits for the next poll',
    statement: 'HTTP is passive: one request, one response, and the server can never speak first.',
    question: 'Does a message wait until the client asks?',
  },
  C2: {
    id: 'C2',
    short: 'Most short polls come back empty',
    statement: 'Short polling asks “anything new?” every few seconds; most answers are “no”. It needs a fast handler.',
    question: 'How many requests does a message take, and how many come back empty?',
  },
  C3: {
    id: 'C3',
    short: 'Long polling parks a request per client',
    statement: 'Long polling holds the request until there is news, then the client asks again. It needs many concurrent connections.',
    question: 'What does each strategy hold open on the server?',
  },
  C4: {
    id: 'C4',
    short: 'Every request resends its headers',
    statement: 'HTTP is stateless: every request carries its identity (headers, cookies) again, and the proxy and the handler parse it again.',
    question: 'How many bytes does a message cost on the wire?',
  },
  C5: {
    id: 'C5',
    short: 'WebSocket: one handshake, small frames',
    statement: 'WebSocket: one HTTP handshake, then one full-duplex connection; the server pushes when it has news.',
    question: 'Does a WebSocket need one handshake and a few bytes per message?',
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
    text:
      'Client receive time minus the message’s publish time, both from performance.timeOrigin + performance.now() (server and clients ' +
      'share the machine’s clock). Recorded in integer microseconds in HDR histograms, mergeable across processes; shown in milliseconds.',
  },
  {
    term: 'Requests',
    text:
      'HTTP requests sent by clients, the WebSocket handshake counting as one; split into those that carried messages, those that came ' +
      'back empty, and failures.',
  },
  {
    term: 'Bytes',
    text:
      'TCP payload bytes per direction, counted at the socket (headers, bodies, handshake, frames, pings all included), cross-checked ' +
      'between the server side and the client side; per delivered message, and as overhead relative to payload bytes.',
  },
  { term: 'Connections', text: 'TCP connections opened, and the most open at the same time.' },
  {
    term: 'Server cost',
    text:
      'CPU time (user + system) of the server process per delivered message, above its idle baseline (a second of the same process doing ' +
      'nothing before its clients connected); peak resident memory, event-loop delay. A run whose server was busy less than 10 % of a core ' +
      'above idle while the messages were published has its CPU figures greyed and compared by no verdict: its fixed costs outweigh what ' +
      'delivering cost.',
  },
  {
    term: 'Correctness',
    text: 'Delivered, missed, duplicated, out of order. A run in which any client missed, repeated or reordered a message is flagged invalid.',
  },
];
