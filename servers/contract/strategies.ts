import type { PaletteColour } from './palette.js';

/**
 * The capacity probes that drive one strategy's endpoint to saturation (bench/capacity/):
 * - `short-poll`: every poll asks with a cursor at the head of an empty log, so every answer is "nothing new";
 * - `long-poll`: a message is already waiting, so every long poll is answered at once (a full round, no wait).
 */
export const CAPACITY_PROBE_KINDS = ['short-poll', 'long-poll'] as const;
export type CapacityProbeKind = (typeof CAPACITY_PROBE_KINDS)[number];

/**
 * Static facts about a strategy, stated once in its server half (`static readonly info`) and read by everything
 * that labels, plans or measures it: the harness and results.json, the report and the terminal summary, the
 * presets, the capacity probes, the demo's lanes. Nothing else keeps a per-strategy list of these.
 */
export interface StrategyInfo {
  /** Registry key, used on the command line, in results.json and in the demo's lane tags. */
  name: string;
  /** How people call it, in every table, legend and lane. */
  title: string;
  /**
   * Its title on the classroom demo's Chinese page. The demo shows every strategy of pushbench's own (its lanes,
   * its presence panel), so each of ours has one (test/servers/contract/strategies.test.ts); a reference, which
   * the demo does not mount, may leave it out.
   */
  chineseTitle?: string;
  /** Its colour in every chart and lane; one of the palette's, chosen with the others (servers/contract/palette.ts). */
  colour: PaletteColour;
  /** Does the client ask (pull) or does the server speak first (push)? */
  direction: 'pull' | 'push';
  /** What a client holds: a request per poll, a request held open until news, or one persistent connection. */
  connection: 'request-per-poll' | 'held-request' | 'persistent';
  /** The claim of the article it illustrates, C1–C7 as reports/claims.ts words them. */
  claim: string;
  summary: string;
  /**
   * Whether it has an HTTP/2 run: its client can speak HTTP/2 (cleartext, prior knowledge: one session per client,
   * a stream per request) and it is served over HTTP/2. False for a WebSocket upgrade, which has no HTTP/2 form
   * here (ws does not implement RFC 8441): such a strategy runs over HTTP/1.1 only, and the HTTP/1.1 run of a
   * matrix stands for it.
   */
  http2: boolean;
  /**
   * The capacity probe that measures its endpoint, and the path the probe asks (a route of ROUTES; the probe
   * adds its cursor). Read for pushbench's own strategies only: each probe measures exactly one of them.
   */
  capacity?: { probe: CapacityProbeKind; path: string };
  /**
   * What a client that cannot use it (a proxy refuses its upgrade: `--blocked-upgrade`) carries on with, from the
   * same cursor: a registered strategy, which the server then mounts beside it.
   */
  fallback?: { to: string };
  /**
   * One of the ways the source article compares (short polling, long polling, WebSocket): the presets that
   * retrace the article run these, and the classroom demo opens with their lanes.
   */
  inArticle?: boolean;
  /**
   * What serves it, when it is not pushbench's Node server (servers/app.ts): `php-fpm`, PHP scripts of servers/php/
   * on PHP-FPM behind nginx, started from Debian's packages by the bench (servers/stack/). Our server never mounts
   * such a strategy; the bench starts its stack in place of our server process, on the Redis source (its log),
   * and runs it only when asked, as it needs those packages.
   */
  servedBy?: 'php-fpm';
  /**
   * A peer measured for comparison (Socket.IO, a bare ws loop), not one of pushbench's own strategies: the bench
   * runs it only when asked, and the report keeps it apart from ours.
   */
  reference?: boolean;
}
