import http2 from 'node:http2';
import type { CapturedAnswer, FloorOptions } from '../ipc/protocol.js';
import { listenOnLoopback, type CaptureRequest } from './floor.js';

/**
 * The floor of a capacity probe over HTTP/2: node:http2 alone, on its core API (a 'stream' event and
 * `stream.respond()`, no request and response objects), answering every request on one path with what the endpoint
 * answered over HTTP/2 — its status, its header fields in their order, its body — and nothing else to do. What the
 * endpoint reaches over what this floor reaches is what the server's own work costs per request over HTTP/2: the
 * look at each connection's first bytes, node's compatibility API, the routes, the guard, the answer.
 */

/** Node writes the Date of every HTTP/2 answer itself, fresh to the second: it is not replayed. */
const DATE = 'date';

/**
 * Asks once, over a session of its own with prior knowledge as h2load's are, and keeps the answer: the status, the
 * header fields in the order received (pseudo-headers and the Date left out: node writes both), the body.
 */
export function captureHttp2Answer({ url, method, headers, body, ca }: CaptureRequest, timeoutMs: number): Promise<CapturedAnswer> {
  const { origin, pathname, search } = new URL(url);
  const session = http2.connect(origin, ca === undefined ? {} : { ca });
  return new Promise<CapturedAnswer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no HTTP/2 answer from ${url} within ${timeoutMs} ms`)), timeoutMs);
    session.once('error', reject);
    const fields: http2.OutgoingHttpHeaders = { ':method': method, ':path': pathname + search };
    for (const [name, value] of Object.entries(headers)) fields[name.toLowerCase()] = value;
    const stream = session.request(fields, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let statusCode = 0;
    const rawHeaders: string[] = [];
    stream.on('response', (answer) => {
      statusCode = Number(answer[':status']);
      for (const [name, value] of Object.entries(answer)) {
        if (name.startsWith(':') || name === DATE || value === undefined) continue;
        rawHeaders.push(name, Array.isArray(value) ? value.join(', ') : String(value));
      }
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve({ statusCode, statusMessage: '', rawHeaders, bodyBase64: Buffer.concat(chunks).toString('base64') });
    });
    if (body !== undefined) stream.end(body);
  }).finally(() => session.destroy());
}

/**
 * A node:http2 server (cleartext with prior knowledge, or over TLS with h2 by ALPN) that answers `method path` with the captured answer and anything
 * else with an empty 404. A request body is read and dropped, as node:http does for the HTTP/1.1 floor.
 */
export class Http2FloorServer {
  readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly headers: http2.OutgoingHttpHeaders;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly body: Buffer;

  constructor(private readonly options: FloorOptions) {
    const { answer } = options;
    this.headers = { ':status': answer.statusCode };
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) this.headers[answer.rawHeaders[i]] = answer.rawHeaders[i + 1];
    this.body = Buffer.from(answer.bodyBase64, 'base64');
    const { tls } = options;
    this.server = tls ? http2.createSecureServer({ cert: tls.cert, key: tls.key }) : http2.createServer();
    this.server.on('stream', (stream, headers) => this.answer(stream, headers));
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    // A client that breaks its session costs its session, never the floor.
    this.server.on('sessionError', ignore);
  }

  listen(): Promise<string> {
    return listenOnLoopback(this.server, this.options.tls ? 'https' : 'http');
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.destroy();
    await closed;
  }

  private answer(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    // On the core API a stream the client resets with an error code emits 'error': unheard, it would end the process.
    stream.on('error', ignore);
    stream.resume();
    if (headers[':path'] !== this.options.path || headers[':method'] !== this.options.method) {
      stream.respond({ ':status': 404, 'content-length': 0 }, { endStream: true });
      return;
    }
    // As the node:http floor: a request with a body (a publish) is answered once the body has arrived.
    if (this.options.method === 'POST' && !stream.readableEnded) {
      stream.once('end', () => this.send(stream));
      return;
    }
    this.send(stream);
  }

  private send(stream: http2.ServerHttp2Stream): void {
    if (stream.destroyed) return;
    stream.respond(this.headers);
    stream.end(this.body);
  }
}

function ignore(): void {}
