import http2 from 'node:http2';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Refusal } from './errors.js';

/**
 * What a body is read from: node:http's IncomingMessage and http2's Http2ServerRequest are both this, so one
 * reader serves both versions (a body parser written for HTTP/1.1 sockets must not meet an HTTP/2 stream).
 */
export type BodySource = Readable & { readonly headers: IncomingHttpHeaders };

/** The answer to a request whose body is read: node:http's ServerResponse, or nothing to set for HTTP/2. */
export interface BodyAnswer {
  shouldKeepAlive?: boolean;
}

export interface BodyLimits {
  /** Largest body accepted; over it: 413, as soon as the declared length or the bytes read pass it. */
  maxBytes: number;
  /** Longest the whole body may take to arrive once reading starts; then 408. */
  timeoutMs: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Who is told how reading a body ended: with the body (any JSON value; an empty body is `undefined`), or with
 * the Refusal that stopped it. Exactly one of the two is called, once.
 */
export interface BodyReceiver {
  received(body: unknown): void;
  refused(error: Error): void;
}

/**
 * Reads a JSON body: any JSON value, UTF-8 only, not compressed, at most `maxBytes`, within `timeoutMs`. Refuses
 * as early as it can tell, and then reads no more of the body: the answer goes out at once and the connection
 * (HTTP/1.1) or the stream (HTTP/2) is closed after it, so a body the server will not take costs neither memory
 * nor a wait for the request timeout. A refusal the headers alone decide reaches `receiver` before this returns.
 */
export function readJsonBodyInto(req: BodySource, res: BodyAnswer, limits: BodyLimits, receiver: BodyReceiver): void {
  const early = refusedBeforeReading(req.headers, limits.maxBytes);
  if (early) {
    stopReading(req, res);
    return receiver.refused(early);
  }
  new BodyRead(req, res, limits, receiver);
}

/** `readJsonBodyInto` as a promise of the body. */
export function readJsonBody(req: BodySource, res: BodyAnswer, limits: BodyLimits): Promise<unknown> {
  return new Promise((resolve, reject) => readJsonBodyInto(req, res, limits, { received: resolve, refused: reject }));
}

/**
 * One body being read. The publish route reads one per request at the rate a load drives it: its listeners are
 * module functions that find their read on the request, not closures made per request.
 */
class BodyRead {
  readonly chunks: Buffer[] = [];
  received = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly req: BodySource,
    private readonly res: BodyAnswer,
    readonly limits: BodyLimits,
    private readonly receiver: BodyReceiver,
  ) {
    (req as Reading)[READ] = this;
    this.timer = setTimeout(onBodyTimeout, limits.timeoutMs, this);
    req.on('data', onBodyData);
    req.on('end', onBodyEnd);
    req.on('error', onBodyAborted);
    req.on('aborted', onBodyAborted);
  }

  finish(): void {
    this.stop();
    const { chunks, received } = this;
    let body: unknown;
    try {
      body = parseJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    } catch (error) {
      return this.receiver.refused(error instanceof Error ? error : new Error(String(error)));
    }
    this.receiver.received(body);
  }

  refuse(error: Refusal): void {
    this.stop();
    stopReading(this.req, this.res);
    this.receiver.refused(error);
  }

  private stop(): void {
    const { req } = this;
    clearTimeout(this.timer);
    req.off('data', onBodyData);
    req.off('end', onBodyEnd);
    req.off('error', onBodyAborted);
    req.off('aborted', onBodyAborted);
    (req as Reading)[READ] = undefined;
  }
}

const READ = Symbol('body read');

type Reading = BodySource & { [READ]?: BodyRead };

function onBodyData(this: Reading, chunk: Buffer): void {
  const read = this[READ];
  if (read === undefined) return;
  read.received += chunk.length;
  if (read.received > read.limits.maxBytes) return read.refuse(new Refusal('bodyTooLarge', { maxBytes: read.limits.maxBytes }));
  read.chunks.push(chunk);
}

function onBodyEnd(this: Reading): void {
  this[READ]?.finish();
}

function onBodyAborted(this: Reading): void {
  this[READ]?.refuse(new Refusal('requestAborted'));
}

function onBodyTimeout(read: BodyRead): void {
  read.refuse(new Refusal('bodyTimeout', { timeoutMs: read.limits.timeoutMs }));
}

/** What the headers alone refuse: a compressed body, a charset other than UTF-8, a declared length over the limit. */
function refusedBeforeReading(headers: IncomingHttpHeaders, maxBytes: number): Refusal | undefined {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return new Refusal('bodyCompressed', { encoding });
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return new Refusal('bodyNotUtf8Json');
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return new Refusal('bodyTooLarge', { maxBytes });
  return undefined;
}

/**
 * JSON as JavaScript reads it, with one refusal: a number JSON.parse turns into Infinity (1e309) would be stored
 * and sent on as `null`, a different value from the one published.
 */
function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new Refusal('bodyNotUtf8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Refusal('bodyNotJson');
  }
  if (hasNonFiniteNumber(value)) throw new Refusal('bodyNumberOutOfRange');
  return value;
}

/** Iterative, as the payload's depth check: a deep body cannot overflow the stack here either. */
function hasNonFiniteNumber(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return true;
    } else if (typeof value === 'object' && value !== null) {
      for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
    }
  }
  return false;
}

/**
 * A body refused part-way is not read to its end. HTTP/1.1: the connection cannot carry another request after
 * an unread body, so it closes once the answer is out. HTTP/2: once the answer is out, the stream is reset with
 * NO_ERROR (RFC 9113 §8.1), which tells the client to stop sending and frees the stream.
 */
function stopReading(req: BodySource, res: BodyAnswer): void {
  req.pause();
  if (req instanceof http2.Http2ServerRequest) {
    const { stream } = req;
    const reset = () => {
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    };
    if (stream.writableFinished) reset();
    else stream.once('finish', reset);
    return;
  }
  // node:http then answers with Connection: close and closes the socket once the answer has gone out.
  res.shouldKeepAlive = false;
}

/** `readJsonBody` as a route step (express's middleware shape): the body lands on `req.body`, a refusal goes to `next`. */
export function jsonBodyStep(limits: BodyLimits) {
  return (req: BodySource & { body?: unknown }, res: BodyAnswer, next: (error?: unknown) => void): void => {
    readJsonBody(req, res, limits).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}
