import type { PaletteColour } from './palette.js';

/**
 * Static facts about a strategy, stated once in its server half (`static readonly info`) and read by everything
 * that labels it: the harness and results.json, the report and the terminal summary, the demo's lanes.
 */
export interface StrategyInfo {
  /** Registry key, used on the command line, in results.json and in the demo's lane tags. */
  name: string;
  /** How people call it, in every table, legend and lane. */
  title: string;
  /** Its colour in every chart and lane; one of the palette's, chosen with the others (servers/contract/palette.ts). */
  colour: PaletteColour;
  /** Does the client ask (pull) or does the server speak first (push)? */
  direction: 'pull' | 'push';
  /** What a client holds: a request per poll, a request held open until news, or one persistent connection. */
  connection: 'request-per-poll' | 'held-request' | 'persistent';
  /** The claim of DESIGN.md this strategy illustrates. */
  claim: string;
  summary: string;
  /**
   * One of the ways the source article compares (short polling, long polling, WebSocket): the presets that
   * retrace the article run these, and the classroom demo opens with their lanes.
   */
  inArticle?: boolean;
  /**
   * A peer measured for comparison (Socket.IO, a bare ws loop), not one of pushbench's own strategies: the bench
   * runs it only when asked, and the report keeps it apart from ours.
   */
  reference?: boolean;
}
