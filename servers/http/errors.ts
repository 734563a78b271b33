import http, { STATUS_CODES } from 'node:http';
import http2 from 'node:http2';
import { Duplex } from 'node:stream';
import type { ErrorBody } from '../contract/message.js';
import { renderError, type ErrorCode, type ErrorDataArgs } from './error-codes.js';
import { JSON_TYPE, NOSNIFF } from './answers.js';
import type { LeanExchange, LeanResponse, RouteOwner } from './exchange.js';

/**
 * A request refused: a code of the one table (servers/http/error-codes.ts) and its data. Whatever handles a
 * request throws one; `refuse` answers it. Anything else thrown is answered as `internal`, without details.
 */
export class Refusal<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: C, ...data: ErrorDataArgs<C>) {
    const rendered = renderError(code, ...data);
    super(rendered.message);
    this.code = code;
    this.status = rendered.status;
    this.headers = rendered.headers;
  }
}

/** Whom a refusal is counted against: a strategy (its 'failed' event) or control traffic (observe/stats.ts). */
export type RefusalOwner = Pick<RouteOwner, 'emit'>;

/**
 * Where a refusal is answered:
 * - a lean exchange (servers/http/dispatch.ts), whose answer counts against its connection's send budget;
 * - a node:http response (express's too) or an HTTP/2 compatibility response;
 * - a raw socket before a handshake (a refused upgrade, a request node:http could not parse), closed after;
 * - a protocol of its own: the function is given the refusal and answers in that protocol (Socket.IO's connect
 *   error), or cuts a stream that has already started.
 */
export type RefusalTarget = LeanExchange | http.ServerResponse | http2.Http2ServerResponse | Duplex | ((refusal: Refusal) => void);

/**
 * The one way a request is refused, as ws's `abortHandshake` is for its upgrades: the JSON `{"error": …}` answer
 * with the code's status and headers (type, `X-Content-Type-Options: nosniff` and length on every one; on a raw
 * socket also `Connection: close`), counted once against `owner`. `reason` is what was thrown: a Refusal, a body
 * parser's error (mapped to its code), or anything else (500, `internal`). An answer that has already started
 * cannot turn into an error: it is cut, which is the only honest signal left.
 */
export function refuse(target: RefusalTarget, owner: RefusalOwner, reason: unknown): void {
  const refusal = asRefusal(reason);
  owner.emit('failed', refusal.status);
  if (typeof target === 'function') return target(refusal);
  if (target instanceof Duplex) return answerOnSocket(target, refusal);
  if (isLeanExchange(target)) {
    const bytes = answerOnResponse(target.res, target.res instanceof http2.Http2ServerResponse, refusal);
    if (bytes >= 0) target.answered(bytes);
    return;
  }
  answerOnResponse(target as unknown as LeanResponse, target instanceof http2.Http2ServerResponse, refusal);
}

/** A thrown value as a refusal: a body parser's errors keep their meaning, anything unknown is `internal`. */
export function asRefusal(error: unknown): Refusal {
  if (error instanceof Refusal) return error as Refusal;
  const parserError = (typeof error === 'object' && error !== null ? error : {}) as { type?: unknown; status?: unknown; limit?: unknown };
  switch (parserError.type) {
    case 'entity.too.large':
      return new Refusal('bodyTooLarge', { maxBytes: Number(parserError.limit) });
    case 'entity.parse.failed':
      return new Refusal('bodyNotJson');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Refusal('bodyNotUtf8Json');
    case 'request.aborted':
      return new Refusal('requestAborted');
  }
  const { status } = parserError;
  if (typeof status === 'number' && status >= 400 && status < 500) return new Refusal('badRequest');
  return new Refusal('internal');
}

/**
 * Header fields that mean something to one HTTP/1.1 connection only; HTTP/2 forbids them (RFC 9113 §8.2.2) and
 * node's compatibility response throws on them. Dropped on an HTTP/2 answer: an `Upgrade: websocket` hint on a
 * 426 has no HTTP/2 form, as WebSocket over HTTP/2 (RFC 8441) is not served.
 */
export const CONNECTION_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

function isLeanExchange(target: object): target is LeanExchange {
  return 'answered' in target && 'connection' in target;
}

/** Writes the answer; returns its body's bytes, or -1 when the answer had started and the response was cut. */
function answerOnResponse(res: LeanResponse, isHttp2: boolean, refusal: Refusal): number {
  if (res.headersSent) {
    res.destroy();
    return -1;
  }
  const body = errorBody(refusal);
  const bytes = Buffer.byteLength(body);
  const block: string[] = [];
  for (const [name, value] of Object.entries(refusal.headers)) {
    if (!(isHttp2 && CONNECTION_HEADERS.has(name.toLowerCase()))) block.push(name, value);
  }
  block.push('Content-Type', JSON_TYPE, ...NOSNIFF, 'Content-Length', String(bytes));
  res.writeHead(refusal.status, block);
  res.end(body);
  return bytes;
}

/** A whole HTTP/1.1 answer where no response object exists; the socket closes once it has gone out. */
function answerOnSocket(socket: Duplex, refusal: Refusal): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(refusal);
  let head = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\nConnection: close\r\n`;
  for (const [name, value] of Object.entries(refusal.headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Type: ${JSON_TYPE}\r\n${NOSNIFF[0]}: ${NOSNIFF[1]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(head + body);
}

function errorBody(refusal: Refusal): string {
  return JSON.stringify({ error: refusal.message } satisfies ErrorBody);
}

const DIGITS = /^\d{1,15}$/;

/** `since` must be a non-negative decimal integer below 2^53; anything else is the client's mistake. */
export function parseCursor(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !DIGITS.test(value)) throw new Refusal('badCursor');
  return Number(value);
}

const USER_ID = /^[A-Za-z0-9._~-]+$/;

export function parseUserId(value: unknown, maxChars: number, field = 'user'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxChars || !USER_ID.test(value)) {
    throw new Refusal('badUserId', { field, maxChars });
  }
  return value;
}

/** An optional integer query parameter within [min, max]. */
export function parseIntegerParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DIGITS.test(value) || Number(value) < min || Number(value) > max) {
    throw new Refusal('badIntegerParam', { name, min, max });
  }
  return Number(value);
}
