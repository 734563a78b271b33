import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { CapturedAnswer, FloorOptions } from '../ipc/protocol.js';

/**
 * The floor of a capacity probe: node:http alone, answering every request on one path with the bytes the
 * endpoint answered — its status line, its headers in their order and spelling, its body — and nothing else to
 * do. What the endpoint reaches over what its floor reaches is what the server's own work costs per request.
 */

/** One HTTP answer as it came off the wire: what the floor repeats. */

export type { CapturedAnswer, FloorOptions };

export interface CaptureRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** An https URL: the one certificate (PEM) trusted. The load generators verify nothing; this asks first. */
  ca?: string;
}

/** Node's http server closes an idle keep-alive connection after this long unless the answer says otherwise. */
const NODE_KEEP_ALIVE_MS = 5_000;

/**
 * Asks once, on a keep-alive connection as autocannon's are, and keeps the answer exactly as received.
 */
export function captureAnswer({ url, method, headers, body, ca }: CaptureRequest, timeoutMs: number): Promise<CapturedAnswer> {
  const secure = url.startsWith('https:');
  const agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 1, ca }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<CapturedAnswer>((resolve, reject) => {
    const request = (secure ? https : http).request(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          rawHeaders: [...res.rawHeaders],
          bodyBase64: Buffer.concat(chunks).toString('base64'),
        }),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  }).finally(() => agent.destroy());
}

/**
 * A node:http server that answers `method path` with the captured answer and anything else with an empty 404.
 * The Date header, the one part of an answer that changes, is written fresh (to the second, as node does); the
 * keep-alive timeout is the one the answer announces, so the connection behaves as the endpoint's did.
 */
/** Listens on an ephemeral loopback port with a deep backlog (the probe opens its connections at once); its URL. */
export async function listenOnLoopback(server: Server, scheme: 'http' | 'https' = 'http'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return `${scheme}://127.0.0.1:${port}`;
}

export class FloorServer {
  readonly server: http.Server;
  private readonly headers: string[];
  private readonly dateIndex: number;
  private readonly body: Buffer;
  private dateSecond = -1;

  constructor(private readonly options: FloorOptions) {
    const { answer } = options;
    this.headers = [...answer.rawHeaders];
    const dateName = this.headers.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === 'date');
    this.dateIndex = dateName < 0 ? -1 : dateName + 1;
    this.body = Buffer.from(answer.bodyBase64, 'base64');
    const { tls } = options;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.answer(req, res);
    this.server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
    this.server.keepAliveTimeout = announcedKeepAliveMs(answer.rawHeaders) ?? NODE_KEEP_ALIVE_MS;
  }

  listen(): Promise<string> {
    return listenOnLoopback(this.server, this.options.tls ? 'https' : 'http');
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.url !== this.options.path || req.method !== this.options.method) {
      res.writeHead(404, { 'Content-Length': '0' });
      res.end();
      return;
    }
    // A request with a body (a publish) is answered once the body has arrived, as any server that uses it must:
    // answering on the headers alone would measure a server that throws the message away unread.
    if (this.options.method === 'POST') {
      req.on('end', () => this.send(res));
      req.resume();
      return;
    }
    this.send(res);
  }

  private send(res: http.ServerResponse): void {
    if (this.dateIndex >= 0) this.refreshDate();
    res.writeHead(this.options.answer.statusCode, this.options.answer.statusMessage, this.headers);
    res.end(this.body);
  }

  private refreshDate(): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second === this.dateSecond) return;
    this.dateSecond = second;
    this.headers[this.dateIndex] = new Date(second * 1000).toUTCString();
  }
}

/** The timeout of a `Keep-Alive: timeout=N` header, in ms; undefined when the answer has none. */
export function announcedKeepAliveMs(rawHeaders: readonly string[]): number | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'keep-alive') continue;
    const match = /timeout=(\d+)/i.exec(rawHeaders[i + 1]);
    if (match) return Number(match[1]) * 1000;
  }
  return undefined;
}
