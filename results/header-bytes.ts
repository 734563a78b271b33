import { ratio } from './metrics.js';
import type { RunResult } from './results.js';

/**
 * Claim C4 as the classic comparison put it: the bytes of headers one poll costs, request and answer together, and
 * what they come to for 1,000, 10,000 and 100,000 clients polling once a second. Lubbers and Greco's 2009 table
 * ("HTML5 Web Sockets: A Quantum Leap in Scalability for the Web", websocket.org) counted 871 B of headers per poll
 * (a 2009 Firefox with a cookie, a Java servlet's answer); ours are measured, with the headers a real browser sends.
 */

/** Header bytes of one poll, request and response, in Lubbers and Greco's table. */
export const LUBBERS_HEADER_BYTES_PER_POLL = 871;

/** Their table's network throughput, as they printed it (Mbit/s of 2^20 bits) for 1,000 / 10,000 / 100,000 clients. */
export const LUBBERS_PRINTED_MBPS = [6.6, 66, 665] as const;

/** Client counts of the table. */
export const LUBBERS_CLIENTS = [1_000, 10_000, 100_000] as const;

export interface HeaderBytesPerPoll {
  /** The request: a GET is all request line and headers. */
  request: number;
  /** The answer's status line and headers: its bytes less the JSON body the server wrote. */
  answerHead: number;
  total: number;
}

/**
 * A polling run's header bytes per poll, measured: bytes up per request, and bytes down per answer less the answer
 * bodies (bytes.answerBody). Null for a run that does not count its answers' bodies (push strategies, the
 * references, files from before it was counted) or has no answered request.
 */
export function headerBytesPerPoll(run: Pick<RunResult, 'bytes' | 'requests'>): HeaderBytesPerPoll | null {
  const { answerBody } = run.bytes;
  const answers = run.requests.withMessages + run.requests.empty;
  if (answerBody === undefined || answers === 0) return null;
  const request = ratio(run.bytes.clientToServer, run.requests.total);
  const answerHead = ratio(run.bytes.serverToClient - answerBody, answers);
  if (request === null || answerHead === null) return null;
  return { request, answerHead, total: request + answerHead };
}

/** Bits per second of headers alone when `clients` each poll once a second. */
export function headerBitsPerSecond(headerBytes: number, clients: number): number {
  return headerBytes * 8 * clients;
}
