/**
 * What the demo server and the demo page say to each other, beyond the public contract the lanes use. The page
 * imports this file too (bundled by esbuild), so it holds types and plain constants only.
 */
import type { ByteCounts } from './byte-counts.js';
import { PALETTE } from './palette.js';
import type { StrategyInfo } from './strategies.js';

/**
 * What the page needs to draw a lane and label it: the facts of the strategy the lane is a client of. The page
 * draws a lane for each of these it has a browser client for (clients/browser/lane-clients.ts, BROWSER_CLIENTS).
 */
export type LaneFacts = Pick<StrategyInfo, 'name' | 'title' | 'chineseTitle' | 'colour' | 'claim' | 'inArticle'>;

/** A lane's name: its strategy's name, or the fallback lane's. */
export type LaneName = string;

/**
 * The one lane that is no strategy of its own: it tries WebSocket and, when the upgrade is refused, carries on
 * with long polling from the same cursor (claim C6).
 */
export const FALLBACK_LANE: LaneFacts = {
  name: 'fallback',
  title: 'Fallback',
  chineseTitle: '回退',
  colour: PALETTE.violet,
  claim: 'C6',
  inArticle: true,
};

/** GET /demo/api/lanes: the lanes the demo serves, in the order the page shows them. */
export interface DemoLanes {
  lanes: LaneFacts[];
}

export const DEMO_ROUTES = {
  page: '/',
  script: '/demo/app.js',
  style: '/demo/style.css',
  joinQr: '/demo/join.svg',
  lanes: '/demo/api/lanes',
  state: '/demo/api/state',
  clock: '/demo/api/clock',
  settings: '/demo/api/settings',
  join: '/demo/api/join',
  /**
   * The PHP lane's site (nginx and PHP-FPM), passed on by the demo under this prefix: `/demo/php/api/long-poll`
   * is the PHP site's `/api/long-poll`, `/demo/php/page` its ordinary page, `/demo/php/api/publish` its publish.
   */
  php: '/demo/php',
} as const;

/**
 * POST /demo/api/join `{"user": "ada"}`: a user token for a lane's `user=`, when the demo has a user secret
 * (it has one with --lan). A name goes to the first page that asks for it; the teacher's page may ask for any.
 */
/** The user id of the teacher's own lanes; only a page with the teacher token gets its user token. */
export const TEACHER_USER = 'teacher';

export interface DemoJoinRequest {
  user: string;
}

export interface DemoJoinAnswer {
  user: string;
  token: string;
}

/** The values each slider offers; the server accepts only these, so a student cannot invent a 1 ms poll. */
export const SETTING_CHOICES = {
  tickerRate: [0, 0.2, 0.5, 1, 2, 5],
  pollIntervalMs: [250, 500, 1_000, 2_000, 3_000, 5_000],
  networkDelayMs: [0, 50, 100, 200, 500, 1_000, 2_000],
  /** The PHP lane's pool (pm.max_children): Debian's 5, and fewer or more than a classroom has students. */
  phpWorkers: [1, 2, 3, 5, 10, 20],
} as const;

export interface DemoSettings {
  /** Messages the ticker publishes per second; 0 = the ticker is off. */
  tickerRate: number;
  /** The ticker holds its messages; the lanes keep running. */
  paused: boolean;
  /** How often the short-polling lanes ask. */
  pollIntervalMs: number;
  /** One-way delay the server adds to every demo lane's requests and answers. */
  networkDelayMs: number;
  /** The server refuses the fallback lane's WebSocket upgrade, as a proxy that does not know WebSocket would. */
  blockWebSocket: boolean;
  /** Workers of the PHP lane's pool: the seats a waiting poll, a page or a publish takes. */
  phpWorkers: number;
  /** Raised by "reset": every page starts its lanes again from zero. */
  resetEpoch: number;
}

/** Body of POST /demo/api/settings: the settings to change, and `reset` to start every page's lanes again. */
export type SettingsChange = Partial<Omit<DemoSettings, 'resetEpoch'>> & { reset?: boolean };

/** One WebSocket handshake of a page's lane, as the server received and answered it. */
export interface HandshakeCapture {
  /** Server time of the handshake, ms. */
  at: number;
  /** Request line and header lines as received (header names in the client's spelling and order). */
  requestLines: string[];
  /** Status line and header lines as written to the socket. */
  responseLines: string[];
  key: string;
  accept: string;
  version: string;
  offeredProtocols: string[];
  /** The subprotocol the server chose; undefined when it chose none. */
  protocol: string | undefined;
  offeredExtensions: string | undefined;
  /** Extensions the server accepted (none: compression would hide the framing). */
  extensions: string | undefined;
}

/**
 * GET /demo/api/clock: the server's clock, ms (the clock of every message's `t`), read as soon as the request
 * arrives and answered with nothing else, so that a page can estimate its offset from the shortest exchanges.
 */
export interface DemoClock {
  now: number;
}

/** GET /demo/api/state?page=<id>: everything a page shows that it cannot see from its own lanes. */
export interface DemoState {
  /** Server clock, ms, the clock of every message's `t`: a page on another device corrects its latencies by it. */
  now: number;
  settings: DemoSettings;
  /** The seq of the newest message: where a page's lanes start, so they do not replay the whole ring. */
  head: number;
  /** Publishing and changing settings need the teacher token (the server listens beyond loopback). */
  tokenRequired: boolean;
  /** The request carried the right token, or none is needed. */
  teacher: boolean;
  /** Online users per strategy (the server's presence, claim C7): for the teacher only, empty for anyone else. */
  presence: Record<string, string[]>;
  /** How many users are online per strategy: what every page may see. */
  presenceCounts: Record<string, number>;
  /** Lanes need a user token beside their user id (POST /demo/api/join): the demo has a user secret. */
  userTokensRequired: boolean;
  /**
   * A public name of that secret: a page keeps its tokens under it, so a token from an earlier run of the demo
   * (another secret) is never sent again.
   */
  userTokenIssuer: string | undefined;
  /** Bytes of this page's lanes, counted at the server's sockets. */
  bytes: Record<LaneName, ByteCounts>;
  /** The last handshake of this page's WebSocket lanes. */
  handshakes: Record<LaneName, HandshakeCapture>;
  /** Where students join, when the demo listens on the local network. */
  joinUrl: string | undefined;
  /** The PHP lane's pool now, when the demo runs one (npm run demo -- --php). */
  php?: DemoPhpPool;
}

/** What fills a seat of the PHP pool: a held long poll, an ordinary page, a publish, or anything else. */
export type SeatUse = 'long-poll' | 'page' | 'publish' | 'other';

/** One PHP-FPM worker: free, or busy serving one request. */
export interface DemoSeat {
  busy: boolean;
  use?: SeatUse;
  /** Whose long poll holds it (the request's `user=`): for the teacher's page only, as presence is. */
  user?: string;
  /** How long it has served that request, ms. */
  forMs?: number;
}

/** The PHP lane's pool: its seats (workers, from FPM's status page) and the requests waiting for one. */
export interface DemoPhpPool {
  seats: DemoSeat[];
  /** Requests in the queue of FPM's socket: nobody serves them until a seat is free; -1 when unknown. */
  queued: number;
}

/** A page's id: chosen by the page, so its lanes can be attributed from their very first request. */
export const PAGE_ID = /^[a-z0-9]{8,24}$/;

/** The `client=` tag a lane sends with each request: the page and the lane. */
export function laneTag(pageId: string, lane: LaneName): string {
  return `${pageId}.${lane}`;
}

/** The page and lane of a `client=` tag, when it names one of `lanes`. */
export function parseLaneTag(tag: string, lanes: readonly LaneName[]): { pageId: string; lane: LaneName } | undefined {
  const dot = tag.indexOf('.');
  const pageId = tag.slice(0, dot);
  const lane = tag.slice(dot + 1);
  return dot > 0 && PAGE_ID.test(pageId) && lanes.includes(lane) ? { pageId, lane } : undefined;
}

/**
 * What the demo's ticker publishes: a number, not words, so that each page shows it in its own language
 * ("tick 3", "滴答 3").
 */
export interface TickPayload {
  tick: number;
}

export function isTickPayload(payload: unknown): payload is TickPayload {
  return typeof payload === 'object' && payload !== null && Object.keys(payload).length === 1 && Number.isInteger((payload as TickPayload).tick);
}
