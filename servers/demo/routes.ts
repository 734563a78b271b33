import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Router } from 'express';
import type { PushServer } from '../app.js';
import type { MessageLog } from '../log/message-log.js';
import { JSON_HEADERS, NO_STORE_JSON_HEADERS } from '../http/answers.js';
import { parseUserId, Refusal } from '../http/errors.js';
import { jsonBodyStep } from '../http/request-body.js';
import { nowMs } from '../contract/message.js';
import { renderPage } from './page.js';
import type { PhpLane } from './php-lane.js';
import type { DemoPages } from './pages.js';
import {
  DEMO_ROUTES,
  TEACHER_USER,
  type DemoClock,
  type DemoJoinAnswer,
  type DemoLanes,
  type DemoState,
  type LaneFacts,
} from '../contract/demo-protocol.js';
import { DEMO_JOIN_NAMES } from '../constants.js';
import { parseSettingsChange, type SettingsStore } from './settings.js';

const STYLE = readFileSync(fileURLToPath(new URL('../../clients/browser/style.css', import.meta.url)), 'utf8');

/** Settings bodies are a handful of fields. */
const SETTINGS_BODY_LIMIT = 4 * 1024;

export interface DemoRoutesContext {
  server: PushServer<MessageLog>;
  settings: SettingsStore;
  pages: DemoPages;
  /** The lanes the page may draw (servers/demo/lanes.ts). */
  lanes: readonly LaneFacts[];
  script: string;
  /** Filled in once the port is known; until then the page shows no join panel. */
  join: JoinInfo;
  /** The PHP lane, when the demo runs one: its pool and presence go into every page's state. */
  php?: PhpLane;
}

export interface JoinInfo {
  url: string | undefined;
  qrSvg: string | undefined;
}

/**
 * The page, its script and style, the join QR code, and the page's own API (state and settings). Nothing
 * here comes from anywhere but this process: the page works without a network beyond the classroom's.
 */
export function mountDemoRoutes(router: Router, context: DemoRoutesContext): void {
  const { server, settings, pages } = context;
  const { guard } = server;
  const isTeacher = (req: Request) => guard.isPublisher(req);
  /** Names handed out with a token, each to the first page that asked: nobody else can subscribe as them. */
  const joined = new Set<string>();
  const asset = (res: Response, type: string, body: string) => {
    res.set({ 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).send(body);
  };

  router.get(DEMO_ROUTES.page, (_req, res) => {
    res.set(
      'Content-Security-Policy',
      // 'self' covers the page's own ws:// origin too; nothing else may be loaded or contacted.
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'",
    );
    asset(res, 'text/html; charset=utf-8', renderPage());
  });
  router.get(DEMO_ROUTES.script, (_req, res) => asset(res, 'text/javascript; charset=utf-8', context.script));
  router.get(DEMO_ROUTES.style, (_req, res) => asset(res, 'text/css; charset=utf-8', STYLE));
  router.get(DEMO_ROUTES.joinQr, (_req, res) => {
    if (context.join.qrSvg === undefined) throw new Refusal('demoNotOnLan');
    asset(res, 'image/svg+xml', context.join.qrSvg);
  });

  router.get(DEMO_ROUTES.lanes, (_req, res) => {
    const body: DemoLanes = { lanes: [...context.lanes] };
    res.set(NO_STORE_JSON_HEADERS).json(body);
  });

  router.get(DEMO_ROUTES.clock, (_req, res) => {
    const body: DemoClock = { now: nowMs() };
    res.set(NO_STORE_JSON_HEADERS).json(body);
  });

  router.get(DEMO_ROUTES.state, async (req, res) => {
    const pageId = pages.touch(req.query.page);
    const teacher = isTeacher(req);
    const php = await context.php?.pool(teacher);
    // The PHP lane's users are the PHP site's, not a strategy's of ours: its presence is the lane's own count.
    const phpOnline = context.php && { [context.php.facts.name]: context.php.online() };
    const state: DemoState = {
      now: nowMs(),
      settings: settings.get(),
      head: server.source.head,
      tokenRequired: server.security.publishToken !== undefined,
      teacher: isTeacher(req),
      // Names are what a student would subscribe as: the teacher's page sees them, everyone sees how many.
      presence: teacher ? { ...server.presence.online(), ...phpOnline } : {},
      presenceCounts: { ...server.presence.counts(), ...(phpOnline && mapValues(phpOnline, (users) => users.length)) },
      userTokensRequired: guard.userTokensRequired,
      userTokenIssuer: guard.userTokenIssuer,
      bytes: pages.bytes(pageId),
      handshakes: pages.handshakes(pageId),
      joinUrl: context.join.url,
      ...(php && { php }),
    };
    res.set(NO_STORE_JSON_HEADERS).json(state);
  });

  const jsonBody = jsonBodyStep({ maxBytes: SETTINGS_BODY_LIMIT, timeoutMs: server.limits.bodyTimeoutMs });
  router.post(
    DEMO_ROUTES.settings,
    (req, _res, next) => {
      guard.checkOrigin(req);
      if (!isTeacher(req)) {
        throw new Refusal('demoTeacherOnly');
      }
      guard.checkJsonBody(req);
      next();
    },
    jsonBody,
    (req, res) => {
      res.set(JSON_HEADERS).json(settings.apply(parseSettingsChange(req.body)));
    },
  );

  router.post(
    DEMO_ROUTES.join,
    (req, _res, next) => {
      guard.checkOrigin(req);
      guard.checkJsonBody(req);
      next();
    },
    jsonBody,
    (req, res) => {
      const { user } = (req.body ?? {}) as { user?: unknown };
      const userId = parseUserId(user ?? null, server.limits.userIdChars, '"user"')!;
      const token = guard.userToken(userId);
      if (token === undefined) throw new Refusal('demoNoUserSecret');
      if (!isTeacher(req)) {
        if (userId === TEACHER_USER || joined.has(userId)) throw new Refusal('demoNameTaken', { user: userId });
        if (joined.size >= DEMO_JOIN_NAMES) throw new Refusal('demoNamesExhausted', { limit: DEMO_JOIN_NAMES });
        joined.add(userId);
      }
      const answer: DemoJoinAnswer = { user: userId, token };
      res.set(NO_STORE_JSON_HEADERS).json(answer);
    },
  );
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, f(value)]));
}
