import type { Express, NextFunction, Request, Response } from 'express';
import type { ServerLimits } from '../constants.js';
import type { PresenceBody, UserTokenBody } from '../contract/message.js';
import { ROUTES } from '../contract/wire.js';
import type { LedgerWithStreams } from '../http2/attribution.js';
import { NO_STORE_JSON_HEADERS } from '../http/answers.js';
import { parseUserId, Refusal } from '../http/errors.js';
import { jsonBodyStep } from '../http/request-body.js';
import type { MessageLog } from '../log/message-log.js';
import type { Presence } from '../observe/presence.js';
import type { RequestGuard } from '../trust/request-guard.js';
import type { ServerStats } from '../observe/stats.js';

/** What the API routes use of the server they are mounted on (PushServer). */
export interface ApiHost {
  readonly app: Express;
  readonly source: MessageLog;
  readonly limits: ServerLimits;
  readonly ledger: Pick<LedgerWithStreams, 'claim'>;
  readonly guard: RequestGuard;
  readonly presence: Presence;
  /** The server's statistics, assembled by PushServer.stats(): GET /api/stats answers exactly these. */
  stats(): ServerStats;
}

/**
 * The HTTP API on express: stats, presence and user tokens, all control traffic (publish, the one API route a
 * load drives, is on the lean path: servers/api/publish-route.ts). Returns each path with the method it takes,
 * so that the server answers a wrong method 405 rather than 404.
 */
export function mountApiRoutes(host: ApiHost): ReadonlyMap<string, string> {
  const { app, guard, limits } = host;
  const jsonBody = jsonBodyStep({ maxBytes: limits.publishBodyBytes, timeoutMs: limits.bodyTimeoutMs });
  // A state-changing route: no foreign Origin (403), the publish token (401), a body that says it is JSON (415).
  const publisherOnly = (what: string) => (req: Request, _res: Response, next: NextFunction) => {
    guard.checkOrigin(req);
    guard.requirePublisher(req, what);
    guard.checkJsonBody(req);
    next();
  };
  const control = (req: Request, _res: Response, next: NextFunction) => {
    host.ledger.claim(req.socket, 'control');
    next();
  };
  app.get(ROUTES.stats, control, (_req, res) => {
    res.set(NO_STORE_JSON_HEADERS).json(host.stats());
  });
  app.get(ROUTES.presence, control, (req, res) => {
    // Ids are what a client would subscribe as: only the publisher sees them; anyone may see how many.
    const body: PresenceBody = { counts: host.presence.counts() };
    if (guard.isPublisher(req)) body.online = host.presence.online();
    res.set(NO_STORE_JSON_HEADERS).json(body);
  });
  app.post(ROUTES.userToken, control, publisherOnly('issuing user tokens'), jsonBody, (req, res) => {
    const { user } = (req.body ?? {}) as { user?: unknown };
    const userId = parseUserId(user ?? null, limits.userIdChars, '"user"')!;
    const token = guard.userToken(userId);
    if (token === undefined) throw new Refusal('noUserSecret');
    const body: UserTokenBody = { user: userId, token };
    res.set(NO_STORE_JSON_HEADERS).json(body);
  });
  return new Map([
    [ROUTES.stats, 'GET'],
    [ROUTES.presence, 'GET'],
    [ROUTES.userToken, 'POST'],
  ]);
}
