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
 * Reads a JSON body: any JSON value (an empty body is `undefined`), UTF-8 only, not compressed, at most
 * `maxBytes`, within `timeoutMs`. Refuses as early as it can tell, and then reads no more of the body: the
 * answer goes out at once and the connection (HTTP/1.1) or the stream (HTTP/2) is closed after it, so a body
 * the server will not take costs neither memory nor a wait for the request timeout.
 */
export function readJsonBody(req: BodySource, res: BodyAnswer, limits: BodyLimits): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const early = refusedBeforeReading(req.headers, limits.maxBytes);
    if (early) {
      stopReading(req, res);
      return reject(early);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => refuse(new Refusal('bodyTimeout', { timeoutMs: limits.timeoutMs })), limits.timeoutMs);
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) return refuse(new Refusal('bodyTooLarge', { maxBytes: limits.maxBytes }));
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      try {
        resolve(parseJson(Buffer.concat(chunks, received)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onAborted = () => refuse(new Refusal('requestAborted'));
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('aborted', onAborted);
    };
    function refuse(error: Refusal): void {
      stop();
      stopReading(req, res);
      reject(error);
    }
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAborted);
    req.once('aborted', onAborted);
  });
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
