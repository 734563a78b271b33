import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ByteLedger } from './byte-ledger.js';
import { DEFAULT_LIMITS, type ServerLimits } from './constants.js';
import { ROUTES } from './contract/wire.js';
import { HttpError, parseUserId, sendError } from './http-errors.js';
import { MessageSource } from './message-source.js';
import { afterInboundDelay, delaySocketWrites, removeSocketDelay } from './network-delay.js';
import { PayloadError } from './payload.js';
import { Presence } from './presence.js';
import { findServerStrategy, STRATEGY_NAMES } from './registry.js';
import { originAllowed, tokenMatches, tokenOf, type SecurityOptions } from './security.js';
import { countStatus, StrategyStats, type ServerStats } from './stats.js';
import type { ServerStrategy, StrategyContext, UpgradeHandler } from './strategy.js';

export interface PushServerOptions {
  /** Strategy names to mount; all by default. */
  strategies?: readonly string[];
  limits?: Partial<ServerLimits>;
  security?: SecurityOptions;
  /** The seq of the first message (see MessageSource); a restarted server starts above its predecessor's. */
  firstSeq?: number;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  hooks?: PushServerHooks;
}

/** A strategy request and the attribution tag it carried (`?client=`, same characters as a user id), if any. */
export interface ClientRoute {
  owner: string;
  client: string | undefined;
}

/**
 * What an application embedding the server (the classroom demo) may change about how strategy requests are
 * served, without any strategy knowing: they run in the app, around the strategies' routes and upgrades.
 */
export interface PushServerHooks {
  /** Simulated one-way network delay, ms: applied to the request on its way in and to every byte sent back. */
  networkDelayMs?(route: ClientRoute): number;
  /** Runs before an upgrade reaches its strategy; a thrown HttpError refuses it, as a proxy blocking WebSocket would. */
  checkUpgrade?(route: ClientRoute, req: http.IncomingMessage): void;
}

interface MountedStrategy {
  strategy: ServerStrategy;
  stats: StrategyStats;
}

/**
 * One http.Server for everything: express routes for the polling strategies and the API, and `upgrade`
 * dispatch for WebSocket. Byte attribution, error answers and statistics are done here, around the strategies.
 */
export class PushServer {
  readonly source: MessageSource;
  readonly limits: ServerLimits;
  readonly app = express();
  readonly httpServer: http.Server;
  readonly ledger = new ByteLedger();
  readonly presence = new Presence();
  readonly security: SecurityOptions;
  /** Routes of an embedding application (the demo page and its API), served before the 404; they count as control. */
  readonly extraRoutes = express.Router();
  private readonly hooks: PushServerHooks;
  private readonly controlFailures: Record<string, number> = {};
  /** Method allowed on each known path, so a wrong method gets 405 rather than 404. */
  private readonly methods = new Map<string, string>();
  private readonly mounted = new Map<string, MountedStrategy>();
  private readonly upgrades = new Map<string, { owner: string; handler: UpgradeHandler }>();
  private readonly sockets = new Set<Socket>();
  private readonly startedAt = Date.now();
  private peakRssBytes = 0;
  private readonly rssSampler: NodeJS.Timeout;

  constructor(options: PushServerOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.security = options.security ?? {};
    this.hooks = options.hooks ?? {};
    this.source = new MessageSource({ ringSize: this.limits.ringSize, firstSeq: options.firstSeq, payloadDepth: this.limits.payloadDepth });
    this.app.disable('x-powered-by');
    // An ETag on every poll answer would be bytes no client uses.
    this.app.set('etag', false);
    this.app.set('query parser', 'simple');
    this.httpServer = http.createServer(this.app);
    // Polling clients come back every interval; keep their sockets alive across long intervals.
    this.httpServer.keepAliveTimeout = 65_000;
    this.httpServer.maxConnections = this.limits.maxTcpConnections;
    this.httpServer.on('connection', (socket: Socket) => {
      this.ledger.track(socket);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.httpServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.app.use((req, res, next) => {
      // Every request is control traffic until a strategy's route claims it; every answer settles its
      // socket's bytes to whoever the request served (see ByteLedger).
      this.ledger.claim(req.socket, 'control', undefined, false);
      removeSocketDelay(req.socket);
      res.once('finish', () => this.ledger.settle(req.socket));
      next();
    });

    for (const name of options.strategies ?? STRATEGY_NAMES) {
      const ServerHalf = findServerStrategy(name);
      if (!ServerHalf) throw new Error(`unknown strategy "${name}"`);
      const strategy = new ServerHalf();
      this.mounted.set(name, { strategy, stats: new StrategyStats(strategy, this.ledger) });
      this.presence.watch(strategy);
      strategy.mount(this.contextFor(strategy));
    }
    this.mountApi();
    this.rssSampler = setInterval(() => this.sampleRss(), 100).unref();
  }

  get strategies(): ServerStrategy[] {
    return [...this.mounted.values()].map((m) => m.strategy);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      // 10,000 clients connecting within a second overflow Node's default accept queue (511): the kernel would
      // drop their SYNs and the clients retry a second or more later, which measures the queue, not the strategy.
      this.httpServer.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        this.httpServer.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const { address, port, family } = this.httpServer.address() as AddressInfo;
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  stats(): ServerStats {
    const strategies: ServerStats['strategies'] = {};
    for (const [name, { stats }] of this.mounted) strategies[name] = stats.snapshot();
    const cpu = process.cpuUsage();
    this.sampleRss();
    return {
      uptimeMs: Date.now() - this.startedAt,
      source: { head: this.source.head, oldest: this.source.oldest, ringSize: this.source.ringSize },
      strategies,
      control: {
        bytes: this.ledger.totalsFor('control'),
        connections: this.ledger.connectionCounts('control'),
        failedByStatus: { ...this.controlFailures },
      },
      process: { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: process.memoryUsage.rss(), peakRssBytes: this.peakRssBytes },
    };
  }

  /** Graceful stop: strategies answer held polls and close WebSockets with 1001, then idle sockets are closed. */
  async close(): Promise<void> {
    clearInterval(this.rssSampler);
    const closed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    await Promise.all(this.strategies.map((s) => s.close()));
    this.httpServer.closeIdleConnections();
    // Whatever is still busy after the answers went out gets a bounded grace period.
    const force = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, 2_000);
    force.unref();
    await closed;
    clearTimeout(force);
  }

  private sampleRss(): void {
    this.peakRssBytes = Math.max(this.peakRssBytes, process.memoryUsage.rss());
  }

  private contextFor(strategy: ServerStrategy): StrategyContext {
    const owner = strategy.info.name;
    const route: StrategyContext['route'] = (method, path, handler) => {
      // A path may take several methods (Socket.IO's polling: GET to receive, POST to send); a 405 names them all.
      const allowed = this.methods.get(path);
      this.methods.set(path, allowed === undefined ? method : `${allowed}, ${method}`);
      this.app[method === 'GET' ? 'get' : 'post'](path, (req, res) => {
        this.ledger.claim(req.socket, owner);
        const fail = (error: unknown) => {
          strategy.emit('failed', error instanceof HttpError ? error.status : 500);
          answerError(res, error);
        };
        try {
          const client = this.clientRoute(owner, req.query.client);
          this.ledger.claim(req.socket, owner, client.client);
          afterInboundDelay(this.applyNetworkDelay(req.socket, client), () => {
            // The client gave up while its request was "on the way": nothing to answer.
            if (req.socket.destroyed) return;
            try {
              handler(req, res);
            } catch (error) {
              fail(error);
            }
          });
        } catch (error) {
          fail(error);
        }
      });
    };
    return {
      source: this.source,
      limits: this.limits,
      route,
      get: (path, handler) => route('GET', path, handler),
      upgrade: (path, handler) => {
        this.methods.set(path, 'GET');
        this.upgrades.set(path, { owner, handler });
      },
    };
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.upgrades.get(url.pathname);
    if (!route) {
      countStatus(this.controlFailures, 404);
      return rejectUpgrade(socket, new HttpError(404, `no WebSocket endpoint at ${url.pathname}`));
    }
    this.ledger.claim(socket as Socket, route.owner);
    const fail = (error: unknown) => {
      this.mounted.get(route.owner)?.strategy.emit('failed', error instanceof HttpError ? error.status : 500);
      rejectUpgrade(socket, error);
    };
    try {
      if (!originAllowed(req, this.security.allowedOrigins)) {
        throw new HttpError(403, `origin ${req.headers.origin} is not allowed`);
      }
      const client = this.clientRoute(route.owner, url.searchParams.get('client') ?? undefined);
      this.ledger.claim(socket as Socket, route.owner, client.client);
      afterInboundDelay(this.applyNetworkDelay(socket as Socket, client), () => {
        if (socket.destroyed) return;
        try {
          this.hooks.checkUpgrade?.(client, req);
          route.handler(req, socket, head, url);
        } catch (error) {
          fail(error);
        }
      });
    } catch (error) {
      fail(error);
    }
  }

  private clientRoute(owner: string, client: unknown): ClientRoute {
    return { owner, client: parseUserId(client, this.limits.userIdChars, 'client') };
  }

  /** Delays what goes back on the socket as the hook says (re-read at every write) and returns the inbound delay. */
  private applyNetworkDelay(socket: Socket, route: ClientRoute): number {
    const delayFor = this.hooks.networkDelayMs;
    if (!delayFor) return 0;
    delaySocketWrites(socket, () => delayFor(route));
    return delayFor(route);
  }

  private mountApi(): void {
    const jsonBody = express.json({ limit: this.limits.publishBodyBytes, type: () => true, strict: false });
    const requireToken = (req: Request, _res: Response, next: NextFunction) => {
      const token = this.security.publishToken;
      if (token !== undefined && !tokenMatches(tokenOf(req), token)) {
        throw new HttpError(401, 'publishing needs the token (X-Pushbench-Token or Authorization: Bearer)', {
          'WWW-Authenticate': 'Bearer',
        });
      }
      next();
    };
    const control = (req: Request, _res: Response, next: NextFunction) => {
      this.ledger.claim(req.socket, 'control');
      next();
    };
    this.app.post(ROUTES.publish, control, requireToken, jsonBody, (req, res) => {
      const body = req.body as unknown;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || !('payload' in body)) {
        throw new HttpError(400, 'body must be a JSON object with a "payload" field, e.g. {"payload":"hello"}');
      }
      const { payload, to } = body as { payload: unknown; to?: unknown };
      if (to !== undefined && typeof to !== 'string') throw new HttpError(400, '"to" must be a user id string');
      const userId = parseUserId(to, this.limits.userIdChars, '"to"');
      let seq: number;
      try {
        seq = this.source.publish(payload, userId).seq;
      } catch (error) {
        if (error instanceof PayloadError) throw new HttpError(400, error.message);
        throw error;
      }
      res.status(202).json({ seq });
    });
    this.app.get(ROUTES.stats, control, (_req, res) => {
      res.set('Cache-Control', 'no-store').json(this.stats());
    });
    this.app.get(ROUTES.presence, control, (_req, res) => {
      res.set('Cache-Control', 'no-store').json({ online: this.presence.online() });
    });
    this.methods.set(ROUTES.publish, 'POST').set(ROUTES.stats, 'GET').set(ROUTES.presence, 'GET');
    this.app.use(this.extraRoutes);
    this.app.use((req, res) => {
      const allowed = this.methods.get(req.path);
      if (allowed === req.method) {
        // Only an upgrade route gets here with the right method: a plain GET without the Upgrade headers.
        countStatus(this.controlFailures, 426);
        sendError(res, 426, `${req.path} needs a WebSocket upgrade`, { Upgrade: 'websocket' });
      } else if (allowed) {
        countStatus(this.controlFailures, 405);
        sendError(res, 405, `${req.path} takes ${allowed}, not ${req.method}`, { Allow: allowed });
      } else {
        countStatus(this.controlFailures, 404);
        sendError(res, 404, `no route ${req.method} ${req.path}`);
      }
    });
    this.app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      answerError(res, error);
      countStatus(this.controlFailures, res.statusCode);
    });
  }
}

/** Turns anything thrown by a handler or by body parsing into a JSON error, never a stack trace. */
function answerError(res: Response, error: unknown): void {
  if (error instanceof HttpError) return sendError(res, error.status, error.message, error.headers);
  const parserError = error as { type?: string; status?: number; limit?: number };
  switch (parserError.type) {
    case 'entity.too.large':
      return sendError(res, 413, `body over the limit of ${parserError.limit} bytes`);
    case 'entity.parse.failed':
      return sendError(res, 400, 'body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendError(res, 415, 'body must be UTF-8 JSON');
    case 'request.aborted':
      return sendError(res, 400, 'request aborted');
  }
  if (parserError.status !== undefined && parserError.status >= 400 && parserError.status < 500) {
    return sendError(res, parserError.status, 'bad request');
  }
  sendError(res, 500, 'internal error');
}

function rejectUpgrade(socket: Duplex, error: unknown): void {
  const status = error instanceof HttpError ? error.status : 500;
  const body = JSON.stringify({ error: error instanceof HttpError ? error.message : 'internal error' });
  const reason = http.STATUS_CODES[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Accept queue of the listening socket (the kernel caps it at net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

export async function startPushServer(options: PushServerOptions = {}): Promise<PushServer> {
  const server = new PushServer(options);
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return server;
}
