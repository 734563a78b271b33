import http from 'node:http';
import type { Request, Response, Router } from 'express';
import type { PushServer } from '../app.js';
import type { ServerLimits } from '../constants.js';
import { DEMO_ROUTES, type DemoPhpPool, type DemoSeat, type LaneFacts, type SeatUse } from '../contract/demo-protocol.js';
import { STACK_DEFAULTS } from '../contract/stack.js';
import { ROUTES } from '../contract/wire.js';
import type { MessageLog } from '../log/message-log.js';
import { openRedisLog, type RedisLogService } from '../log/redis/redis-log-service.js';
import { PHP_PAGE_PATH, PhpLongPollingStrategy } from '../stack/php-strategies.js';
import { readWorkers } from '../stack/pool-status.js';
import { findStackPrograms, startPhpStack, type RunningPhpStack } from '../stack/stack-process.js';

/** The demo's log in Redis: its own keys, so that a Redis shared with a bench never mixes the two. */
const KEY_PREFIX = 'pushbench-demo';
/** A state asked for by every page twice a second reads the pool at most this often. */
const POOL_READ_MS = 250;
/** A user whose long poll ended this long ago without a new one has left the lane (as presence forgets). */
const ONLINE_GRACE_MS = 3_000;
/** Users the lane's presence keeps at most: a classroom, with room to spare. */
const ONLINE_MAX = 1_000;

/** What a path of the PHP site is, for a seat's label. */
const USES: Readonly<Record<string, SeatUse>> = {
  [ROUTES.longPoll]: 'long-poll',
  [PHP_PAGE_PATH]: 'page',
  [ROUTES.publish]: 'publish',
};

/**
 * The demo's "PHP long polling" lane: the article's own stack (nginx and PHP-FPM from Debian's packages, as the
 * bench starts them, servers/stack/) reading the demo's log, which lives in Redis while the lane runs so that the
 * PHP scripts and our strategies read one log. The page reaches the PHP site through the demo's own port (the
 * page may contact nothing else, and students' phones reach only that port): the demo passes `/demo/php/*` on to
 * nginx as it came, and hands the pool's seats to every page.
 */
export interface PhpLane {
  readonly facts: LaneFacts;
  /** The PHP site on nginx, and the Redis its log is in: what the terminal tells the teacher. */
  readonly siteUrl: string;
  readonly redisUrl: string;
  /** The demo's log: the demo server publishes and reads through it, the PHP scripts read the same stream. */
  readonly source: MessageLog;
  /** The pool now; a student's page is not told whose poll holds a seat. */
  pool(teacher: boolean): Promise<DemoPhpPool | undefined>;
  /** Users with a long poll on the lane now (or a moment ago): the lane's presence. */
  online(): string[];
  /** Resizes the pool (FPM reloads: the polls it held get 502 and come back from their cursor). */
  setWorkers(workers: number): Promise<void>;
  /** The routes that pass the page's requests on to the PHP site. */
  mount(router: Router, server: PushServer<MessageLog>): void;
  close(): Promise<void>;
}

/**
 * Starts redis-server, nginx and PHP-FPM for the lane. Throws StackUnavailableError or SourceUnavailableError
 * (one line naming the Debian packages) when a program is missing, before anything is started.
 */
export async function startPhpLane(options: { workers: number; limits: ServerLimits }): Promise<PhpLane> {
  const programs = findStackPrograms(true);
  const { limits } = options;
  const redis = await openRedisLog({ keyPrefix: KEY_PREFIX, ringSize: limits.ringSize, payloadDepth: limits.payloadDepth });
  let stack: RunningPhpStack;
  try {
    const { hostname, port } = new URL(redis.url);
    stack = await startPhpStack({
      programs,
      redis: { host: hostname, port: Number(port) },
      keyPrefix: KEY_PREFIX,
      workers: options.workers,
      // Every worker there from the start: the page shows them as seats, free or taken.
      pm: 'static',
      readTimeoutSec: STACK_DEFAULTS.nginxReadTimeoutSec,
      requestTerminateTimeoutSec: STACK_DEFAULTS.phpRequestTimeoutSec,
      limits,
    });
  } catch (error) {
    await redis.close();
    throw error;
  }
  return new RunningPhpLane(redis, stack, options.workers);
}

class RunningPhpLane implements PhpLane {
  readonly facts: LaneFacts;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly seen = new Map<string, { inFlight: number; lastMs: number }>();
  private lastPool: { atMs: number; reading: Promise<Awaited<ReturnType<typeof readWorkers>>> } | undefined;
  private resizing: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: RedisLogService,
    private readonly stack: RunningPhpStack,
    private workers: number,
  ) {
    const { name, title, chineseTitle, colour, claim } = PhpLongPollingStrategy.info;
    // The article's own way of long polling (it is written for PHP): shown with the article's lanes.
    this.facts = { name, title, chineseTitle, colour, claim, inArticle: true };
  }

  get source(): MessageLog {
    return this.redis.source;
  }

  get siteUrl(): string {
    return this.stack.url;
  }

  get redisUrl(): string {
    return this.redis.url;
  }

  async pool(teacher: boolean): Promise<DemoPhpPool | undefined> {
    const now = Date.now();
    if (!this.lastPool || now - this.lastPool.atMs >= POOL_READ_MS) this.lastPool = { atMs: now, reading: readWorkers(this.stack) };
    const reading = await this.lastPool.reading;
    if (reading === null) return undefined;
    const seats = reading.workers.map(({ busy, requestUri, durationUs }): DemoSeat => {
      if (!busy) return { busy };
      const url = new URL(requestUri, 'http://php');
      const use = USES[url.pathname] ?? 'other';
      const user = url.searchParams.get('user') ?? undefined;
      return { busy, use, forMs: Math.round(durationUs / 1000), ...(teacher && use === 'long-poll' && user !== undefined && { user }) };
    });
    return { seats, queued: reading.queued };
  }

  online(): string[] {
    const now = Date.now();
    for (const [user, entry] of this.seen) if (entry.inFlight === 0 && now - entry.lastMs > ONLINE_GRACE_MS) this.seen.delete(user);
    return [...this.seen.keys()].sort();
  }

  setWorkers(workers: number): Promise<void> {
    this.resizing = this.resizing.then(async () => {
      if (workers === this.workers) return;
      await this.stack.setWorkers(workers);
      this.workers = workers;
      this.lastPool = undefined;
    });
    return this.resizing;
  }

  mount(router: Router, server: PushServer<MessageLog>): void {
    const { guard } = server;
    router.get(`${DEMO_ROUTES.php}${ROUTES.longPoll}`, (req, res) => {
      const client = typeof req.query.client === 'string' ? req.query.client : undefined;
      // The lane's bytes, counted at the demo's socket as every lane's are.
      server.ledger.claim(req.socket, this.facts.name, client, false);
      this.forward(req, res, ROUTES.longPoll, typeof req.query.user === 'string' ? req.query.user : undefined);
    });
    router.get(`${DEMO_ROUTES.php}${PHP_PAGE_PATH}`, (req, res) => this.forward(req, res, PHP_PAGE_PATH));
    router.post(
      `${DEMO_ROUTES.php}${ROUTES.publish}`,
      (req, _res, next) => {
        // The demo's rule for publishing (the teacher's), before the PHP site's own checks of the body.
        guard.checkOrigin(req);
        guard.requirePublisher(req, 'publishing');
        guard.checkJsonBody(req);
        next();
      },
      (req, res) => this.forward(req, res, ROUTES.publish),
    );
  }

  /** Passes the request on to nginx as it came (query, JSON body) and its answer back as it comes. */
  private forward(req: Request, res: Response, path: string, user?: string): void {
    const query = req.originalUrl.indexOf('?');
    const headers: http.OutgoingHttpHeaders = { host: `127.0.0.1:${this.stack.port}` };
    for (const name of ['content-type', 'content-length', 'idempotency-key']) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    const tracked = user === undefined ? undefined : this.enter(user);
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: this.stack.port,
        method: req.method,
        path: path + (query < 0 ? '' : req.originalUrl.slice(query)),
        headers,
        agent: this.agent,
      },
      (answer) => {
        const passed: Record<string, string> = { 'Cache-Control': 'no-store' };
        for (const name of ['content-type', 'x-content-type-options', 'retry-after']) {
          const value = answer.headers[name];
          if (typeof value === 'string') passed[name] = value;
        }
        res.status(answer.statusCode ?? 502).set(passed);
        answer.pipe(res);
        answer.once('end', () => tracked?.());
      },
    );
    upstream.once('error', (error) => {
      tracked?.();
      if (!res.headersSent) {
        res.status(503).json({ error: `the PHP site did not answer: ${error.message}` });
      } else res.destroy();
    });
    // A page that went away: nginx then closes its side (FPM's worker still waits out its poll, as PHP does).
    res.once('close', () => {
      tracked?.();
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Notes a user's long poll; the function returned notes its end. */
  private enter(user: string): () => void {
    let entry = this.seen.get(user);
    if (!entry) {
      if (this.seen.size >= ONLINE_MAX) this.online();
      if (this.seen.size >= ONLINE_MAX) return () => {};
      this.seen.set(user, (entry = { inFlight: 0, lastMs: Date.now() }));
    }
    const noted = entry;
    noted.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      noted.inFlight--;
      noted.lastMs = Date.now();
    };
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.stack.stop();
    await this.redis.close();
  }
}
