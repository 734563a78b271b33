import http from 'node:http';
import type http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { publishHandler } from './api/publish-route.js';
import { mountApiRoutes } from './api/routes.js';
import { DEFAULT_LIMITS, HTTP2_LIMITS, TIMEOUT_CHECK_INTERVAL_MS, type ServerLimits } from './constants.js';
import { LedgerWithStreams, StreamKey } from './http2/attribution.js';
import { expressOverHttp2 } from './http2/express-adapter.js';
import { Http2Front } from './http2/front.js';
import { Http2Exchange } from './http2/exchange.js';
import { serveCompat } from './http2/compat.js';
import { StreamResponse } from './http2/stream-response.js';
import { Http2Budgets } from './http2/session-budget.js';
import { parseUserId, Refusal, refuse } from './http/errors.js';
import { BareRoutes } from './http/bare-routes.js';
import { LeanRoutes } from './http/dispatch.js';
import { mountFrameworkRoute } from './http/framework-routes.js';
import { Http1Connections, type Http1Exchange } from './http/http1-connections.js';
import { asksForWebSocket, headWithoutUpgrade } from './http/ignored-upgrade.js';
import type { MessageLog } from './log/message-log.js';
import { ROUTES } from './contract/wire.js';
import { MessageSource } from './log/message-source.js';
import { afterInboundDelay, delaySocketWrites, removeSocketDelay } from './wire/network-delay.js';
import type { CertificatePem } from './wire/certificate.js';
import { TlsAcceptor } from './wire/tls-acceptor.js';
import { Presence } from './observe/presence.js';
import { findServerStrategy, SERVED_STRATEGY_NAMES } from './registry.js';
import { RequestGuard, type SecurityOptions } from './trust/request-guard.js';
import { ControlTraffic, StrategyStats, type ServerStats } from './observe/stats.js';
import type { ServerStrategy, StrategyContext, UpgradeHandler } from './strategy.js';

export interface PushServerOptions<Source extends MessageLog = MessageSource> {
  /** Strategy names to mount; all by default. */
  strategies?: readonly string[];
  limits?: Partial<ServerLimits>;
  security?: SecurityOptions;
  /** The seq of the first message (see MessageSource); a restarted server starts above its predecessor's. */
  firstSeq?: number;
  /**
   * The log the strategies read. Absent: an embedded MessageSource sized by the limits. A shared log (the Redis
   * source of servers/log/redis/) is opened and closed by whoever passes it; the server only reads and publishes.
   */
  source?: Source;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  hooks?: PushServerHooks;
  /**
   * Present: the port speaks TLS only (https and wss), HTTP/2 chosen by ALPN beside HTTP/1.1, with this
   * certificate (servers/wire/certificate.ts makes a throwaway one).
   */
  tls?: CertificatePem;
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
  networkDelayMs?: (route: ClientRoute) => number;
  /** Runs before an upgrade reaches its strategy; a thrown Refusal refuses it, as a proxy blocking WebSocket would. */
  checkUpgrade?: (route: ClientRoute, req: http.IncomingMessage) => void;
}

interface MountedStrategy {
  strategy: ServerStrategy;
  stats: StrategyStats;
}

/**
 * One http.Server for everything. A request passes its connection's rules (Http1Connections), then the guard,
 * then goes to a lean route (pushbench's polls and event stream, on node:http itself) or to express (the API,
 * the demo, the reference peers, 404/405/426); upgrades go to the WebSocket strategies. Only a bare reference
 * loop's request skips all of that (servers/http/bare-routes.ts). Byte attribution,
 * error answers and statistics are done here, around the strategies.
 */
export class PushServer<Source extends MessageLog = MessageSource> {
  readonly source: Source;
  readonly limits: ServerLimits;
  readonly app = express();
  readonly httpServer: http.Server;
  readonly ledger = new LedgerWithStreams();
  readonly presence: Presence;
  readonly security: SecurityOptions;
  /** Every check of the trust model (servers/trust/request-guard.ts): Host, user tokens, Origin, publish token, JSON bodies. */
  readonly guard: RequestGuard;
  /** What no strategy's route took (the API, the demo, unknown routes, requests refused before any route): its refusals' counter. */
  readonly control = new ControlTraffic();
  /** Routes of an embedding application (the demo page and its API), served before the 404; they count as control. */
  readonly extraRoutes = express.Router();
  /** The strategies' hot routes, served before express (servers/http/dispatch.ts). */
  readonly lean: LeanRoutes;
  /** The bare reference loops' routes, served before everything else (servers/http/bare-routes.ts). */
  readonly bare = new BareRoutes();
  readonly connections: Http1Connections;
  /** HTTP/2 on the same port: each accepted socket's first bytes say which protocol serves it, or under TLS its ALPN. */
  readonly http2: Http2Front;
  /** TLS on the port, when the server was given a certificate. */
  readonly tls: TlsAcceptor | undefined;
  /** What each HTTP/2 session may hold at once (its held polls, event streams, bodies and unsent answers). */
  readonly http2Budgets: Http2Budgets<Http2Exchange>;
  private readonly expressHttp2: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
  private readonly hooks: PushServerHooks;
  /** Method allowed on each known path, so a wrong method gets 405 rather than 404. */
  private readonly methods = new Map<string, string>();
  private readonly mounted = new Map<string, MountedStrategy>();
  private readonly upgrades = new Map<string, { strategy: ServerStrategy; handler: UpgradeHandler }>();
  private readonly startedAt = Date.now();
  private peakRssBytes = 0;
  private readonly rssSampler: NodeJS.Timeout;

  constructor(options: PushServerOptions<Source> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.security = options.security ?? {};
    this.guard = new RequestGuard(this.security);
    this.presence = new Presence(this.limits.presenceIds);
    this.hooks = options.hooks ?? {};
    // Without a source of the caller's, Source is its default, MessageSource: the one cast TypeScript cannot see through.
    this.source =
      options.source ??
      (new MessageSource({
        ringSize: this.limits.ringSize,
        firstSeq: options.firstSeq,
        payloadDepth: this.limits.payloadDepth,
      }) as MessageLog as Source);
    this.app.disable('x-powered-by');
    // An ETag on every poll answer would be bytes no client uses.
    this.app.set('etag', false);
    this.app.set('query parser', 'simple');
    this.lean = new LeanRoutes({ ledger: this.ledger, userIdChars: this.limits.userIdChars, networkDelayMs: this.hooks.networkDelayMs });
    const { headersTimeoutMs, requestTimeoutMs } = this.limits;
    this.httpServer = http.createServer(
      {
        // Polling clients come back every interval; keep their sockets alive across long intervals.
        keepAliveTimeout: 65_000,
        // A client that never finishes its request is answered 408 within about these (Node's defaults: 60 s,
        // checked every 30 s, which let slow connections lock everyone out at the connection limit for 90 s).
        headersTimeout: headersTimeoutMs,
        requestTimeout: requestTimeoutMs,
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      },
      (req, res) => this.onRequest(req, res),
    );
    // A handshake is held to the time a request's headers may take.
    this.tls = options.tls && new TlsAcceptor(options.tls, { handshakeTimeoutMs: headersTimeoutMs });
    // Installed before any other connection listener, so that those see every socket, of both protocols.
    this.http2 = new Http2Front(this.httpServer, (stream, headers, rawHeaders) => this.onHttp2Stream(stream, headers, rawHeaders), {
      sniffTimeoutMs: headersTimeoutMs,
      idleTimeoutMs: HTTP2_LIMITS.idleTimeoutMs,
      maxConcurrentStreams: HTTP2_LIMITS.maxConcurrentStreams,
      tls: this.tls,
      deadSessionCheckMs: HTTP2_LIMITS.deadSessionCheckMs,
      idleCloseGraceMs: HTTP2_LIMITS.idleCloseGraceMs,
    });
    this.http2Budgets = new Http2Budgets<Http2Exchange>(
      {
        heldPolls: HTTP2_LIMITS.heldPollsPerSession,
        eventStreams: HTTP2_LIMITS.eventStreamsPerSession,
        requestBodies: HTTP2_LIMITS.requestBodiesPerSession,
        sendBufferBytes: this.limits.sendBufferBytes,
      },
      (exchange) => this.lean.serve(exchange.route, exchange),
    );
    this.http2.on('session', (session, socket) => this.ledger.http2.adopt(session, socket));
    // Requests name the TLS socket as theirs; the ledger counts the TCP socket under it.
    this.http2.on('secure', (socket, raw) => this.ledger.secure(socket, raw));
    this.expressHttp2 = expressOverHttp2(this.app, this.control);
    this.httpServer.maxConnections = this.limits.maxTcpConnections;
    this.httpServer.on('connection', (socket: Socket) => this.ledger.track(socket));
    this.connections = new Http1Connections(this.httpServer, {
      sendBufferBytes: this.limits.sendBufferBytes,
      maxConnections: this.limits.maxTcpConnections,
      headersTimeoutMs,
      requestTimeoutMs,
      serve: (exchange) => this.serveHttp1(exchange),
      // Every answer settles its socket's bytes to whoever the request served (see ByteLedger).
      settle: (socket) => this.ledger.settle(socket),
      control: this.control,
      ...(this.tls && { onConnection: (accept: (socket: Socket) => void) => this.http2.on('secure', (socket) => accept(socket)) }),
    });
    this.httpServer.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.app.use((req, _res, next) => {
      // Every request express serves is control traffic until a strategy's route claims it.
      this.ledger.claim(req.socket, 'control', undefined, false);
      removeSocketDelay(req.socket);
      next();
    });

    for (const name of options.strategies ?? SERVED_STRATEGY_NAMES) {
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
        this.guard.bound(this.httpServer.address() as AddressInfo);
        resolve();
      });
    });
    return this.url;
  }

  /** http:// or, under TLS, https:// (a WebSocket client makes it ws:// or wss://). */
  get url(): string {
    const { address, port, family } = this.httpServer.address() as AddressInfo;
    return `${this.tls ? 'https' : 'http'}://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
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
        failedByStatus: this.control.failedByStatus(),
      },
      http: { ...this.connections.counters },
      http2: { ...this.http2.counters(), ...this.http2Budgets.counters },
      ...(this.tls && { tls: this.tls.counters() }),
      process: { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: process.memoryUsage.rss(), peakRssBytes: this.peakRssBytes },
    };
  }

  /** Graceful stop: strategies answer held polls and close WebSockets with 1001, then idle sockets are closed. */
  async close(): Promise<void> {
    clearInterval(this.rssSampler);
    this.presence.stop();
    const closed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    await Promise.all(this.strategies.map((s) => s.close()));
    // HTTP/2 sessions say goodbye (GOAWAY) and close once their streams, just answered or ended, are done.
    this.http2.closeSessions();
    this.httpServer.closeIdleConnections();
    // Whatever is still busy after the answers went out gets a bounded grace period.
    const force = setTimeout(() => this.connections.destroyAll(), 2_000);
    force.unref();
    await closed;
    clearTimeout(force);
  }

  private sampleRss(): void {
    this.peakRssBytes = Math.max(this.peakRssBytes, process.memoryUsage.rss());
  }

  private contextFor(strategy: ServerStrategy): StrategyContext {
    const route: StrategyContext['route'] = (method, path, handler) => {
      // A path may take several methods (Socket.IO's polling: GET to receive, POST to send); a 405 names them all.
      const allowed = this.methods.get(path);
      this.methods.set(path, allowed === undefined ? method : `${allowed}, ${method}`);
      mountFrameworkRoute(this.app, strategy, method, path, handler, this.lean.options);
    };
    return {
      source: this.source,
      limits: this.limits,
      leanGet: (path, kind, handler) => {
        this.methods.set(path, 'GET');
        this.lean.add({ method: 'GET', path, kind, owner: strategy, forClients: true, handler });
      },
      bareGet: (path, handler) => {
        this.methods.set(path, 'GET');
        this.bare.add(path, strategy, handler);
      },
      route,
      get: (path, handler) => route('GET', path, handler),
      upgrade: (path, handler) => {
        this.methods.set(path, 'GET');
        this.upgrades.set(path, { strategy, handler });
      },
      checkUser: (user, token) => this.guard.checkUserClaim(user, token),
    };
  }

  /** Every HTTP request: a bare loop's at once; any other, its connection's rules first, then the guard, then a lean route or express. */
  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const bare = this.bare.match(req.method, req.url);
    if (!bare) return this.connections.admit(req, res, this.lean.match(req));
    this.ledger.claim(req.socket, bare.owner.info.name);
    this.bare.serve(bare, req, res);
  }

  /** An HTTP/1.1 request whose connection's rules let it start. */
  private serveHttp1(exchange: Http1Exchange): void {
    const { req, res, route } = exchange;
    // The one door of every HTTP request, before any route is chosen (see RequestGuard.admit).
    if (!this.admit(req, res)) return;
    if (route) this.lean.serve(route, exchange);
    else this.app(req, res);
  }

  /**
   * Every HTTP/2 request (a stream): a bare loop's at once, answered on node's core API (StreamResponse); any
   * other through node's compatibility request and response, made for it (serveCompat), to onHttp2Request.
   */
  private onHttp2Stream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, rawHeaders: readonly string[]): void {
    const method = headers[':method'];
    const url = headers[':path'];
    const head = method === 'HEAD';
    const bare = this.bare.match(method, url);
    if (bare) {
      this.ledger.http2.claimSession(stream.session, bare.owner.info.name);
      return this.bare.serve(bare, { url, headers }, new StreamResponse(stream, head));
    }
    serveCompat(stream, headers, rawHeaders, (req, res) => this.onHttp2Request(req, res));
  }

  /**
   * An HTTP/2 request on node's compatibility request and response: the same guard and the same routes as HTTP/1.1,
   * within its session's budget (Http2Budgets). Where a route reads the request's socket (byte attribution, the
   * demo's delay) it finds the stream's key instead: the socket under a session is every stream's (see
   * Http2Attribution). HTTP/2 has no Host header: `:authority` stands for it (RFC 9113 §8.3.1), and a Host beside it
   * must name the same host.
   */
  private onHttp2Request(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
    const key = new StreamKey(req.stream);
    Object.defineProperty(req, 'socket', { value: key });
    // HTTP/2 frames a body (it ends with END_STREAM), so it needs no Content-Length; the body parsers look for
    // one, or for HTTP/1.1's chunked coding, to know there is a body: such a body is marked as chunked for them.
    if (!req.stream.endAfterHeaders && req.headers['content-length'] === undefined) req.headers['transfer-encoding'] = 'chunked';
    const route = this.lean.match(req);
    if (!this.admit(req as unknown as http.IncomingMessage, res)) return;
    const authority = req.headers[':authority'];
    if (authority !== undefined) req.headers.host = authority;
    const budget = this.http2Budgets.of(req.stream);
    if (route) {
      const exchange = new Http2Exchange(req, res, key, budget, route);
      try {
        this.http2Budgets.admitBody(req, res, budget);
        this.http2Budgets.admit(exchange, budget, route.kind);
      } catch (error) {
        this.ledger.claim(key as unknown as Socket, route.owner.info.name);
        refuse(exchange, route.owner, error);
      }
      return;
    }
    try {
      this.http2Budgets.admitBody(req, res, budget);
    } catch (error) {
      this.refuseAsControl(req as unknown as http.IncomingMessage, res, error);
      return;
    }
    this.expressHttp2(req, res);
  }

  /**
   * Answers a request that does not pass the guard (a foreign Host, a user id without its token) with its JSON
   * error, counted as control; true when it passes.
   */
  private admit(req: http.IncomingMessage, res: http.ServerResponse | http2.Http2ServerResponse): boolean {
    try {
      this.guard.admit(req);
      return true;
    } catch (error) {
      this.refuseAsControl(req, res, error);
      return false;
    }
  }

  /** A refusal before any route: counted as control, its bytes too. */
  private refuseAsControl(req: http.IncomingMessage, res: http.ServerResponse | http2.Http2ServerResponse, error: unknown): void {
    this.ledger.claim(req.socket, 'control', undefined, false);
    res.once('finish', () => this.ledger.settle(req.socket));
    refuse(res, this.control, error);
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // Only WebSocket is upgraded to. Any other upgrade (h2c, which `curl --http2` asks for) is ignored: node has
    // already let go of the connection, so it is handed back to node's HTTP/1.1 parser with the request as it
    // would read without its upgrade, and served as any other request, keep-alive and all (once the answers
    // before it on the connection have gone out: they belong to the parser node let go).
    if (!asksForWebSocket(req)) {
      const bytes = Buffer.concat([headWithoutUpgrade(req), head]);
      socket.pause();
      return this.connections.afterAnswers(socket as Socket, () => {
        if (!socket.destroyed) this.http2.reparseHttp1(socket as Socket, bytes);
      });
    }
    this.connections.upgraded(socket as Socket);
    try {
      this.guard.admit(req);
    } catch (error) {
      return refuse(socket, this.control, error);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.upgrades.get(url.pathname);
    if (!route) return refuse(socket, this.control, new Refusal('noWebSocketEndpoint', { path: url.pathname }));
    const { strategy } = route;
    const owner = strategy.info.name;
    this.ledger.claim(socket as Socket, owner);
    const fail = (error: unknown) => refuse(socket, strategy, error);
    try {
      this.guard.checkOrigin(req);
      const client = this.clientRoute(owner, url.searchParams.get('client') ?? undefined);
      this.ledger.claim(socket as Socket, owner, client.client);
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

  /** The API, then the embedding application's routes, then the answers for every request no route took. */
  private mountApi(): void {
    // Publishing is what an application back end drives under load: it gets the lean path, as control traffic.
    this.lean.add({
      method: 'POST',
      path: ROUTES.publish,
      kind: 'answer',
      owner: this.control,
      forClients: false,
      handler: publishHandler(this, this.control),
    });
    this.methods.set(ROUTES.publish, 'POST');
    for (const [path, method] of mountApiRoutes(this)) this.methods.set(path, method);
    this.app.use(this.extraRoutes);
    this.app.use((req, res) => {
      const allowed = this.methods.get(req.path);
      const { method, path } = req;
      // Only an upgrade route gets here with the right method: a plain GET without the Upgrade headers.
      if (allowed === method) refuse(res, this.control, new Refusal('upgradeRequired', { path }));
      else if (allowed) refuse(res, this.control, new Refusal('methodNotAllowed', { path, method, allowed }));
      else refuse(res, this.control, new Refusal('noRoute', { method, path }));
    });
    this.app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => refuse(res, this.control, error));
  }
}

/** Accept queue of the listening socket (the kernel caps it at net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

export async function startPushServer<Source extends MessageLog = MessageSource>(
  options: PushServerOptions<Source> = {},
): Promise<PushServer<Source>> {
  const server = new PushServer<Source>(options);
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return server;
}
