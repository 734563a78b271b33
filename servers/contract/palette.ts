/**
 * The one palette of pushbench: every strategy's colour, in the report and in the classroom demo, is one of
 * these, so a strategy looks the same everywhere. Chosen once, together:
 * - dark enough to read as text, not only as a bar: each colour of ours has at least 4.5:1 contrast on white,
 *   so it survives white paper and a washed-out projector in a lit room alike (the demo draws lane titles and
 *   arrow labels in them);
 * - none of them red: red means an invalid run in the report and a refused request in the demo, and no
 *   strategy should look like "the bad one" before anyone has seen a number (crimson pink is left out too: on a
 *   washed-out projector it is easily taken for that red);
 * - the three the article compares (blue, amber, green) stay apart for red-green colour-blind readers too
 *   (checked in a simulation of deuteranopia and protanopia; the report's earlier violet and blue did not).
 *   Colour is never the only cue: every lane, table row and legend also carries the strategy's title.
 * The reference peers are greys, told apart by lightness (the lightest only ever fills a bar in the report), so
 * that no peer is mistaken for one of ours.
 */
export const PALETTE = {
  blue: '#1d4ed8',
  amber: '#b45309',
  green: '#047857',
  fuchsia: '#a21caf',
  violet: '#6d28d9',
  /** The strategies written in PHP: indigo is PHP's own family; cyan for its short polling. */
  indigo: '#4338ca',
  cyan: '#0e7490',
  darkGrey: '#334155',
  midGrey: '#64748b',
  lightGrey: '#a8a29e',
  /**
   * Greys with a trace of the hue of the strategy of ours each bare HTTP loop is the floor of (blue short polling,
   * amber long polling, fuchsia server-sent events), so a reader pairs them at a glance.
   */
  blueGrey: '#4b5a78',
  amberGrey: '#7c6a55',
  fuchsiaGrey: '#7a5f78',
  /** Warm greys for the express references, apart from the cool greys of the push peers. */
  darkWarmGrey: '#57534e',
  midWarmGrey: '#8a7f72',
  /** For a strategy that names no colour of its own (in a results.json from elsewhere). */
  neutral: '#6b7280',
} as const;

export type PaletteColour = (typeof PALETTE)[keyof typeof PALETTE];

/**
 * The colours of the strategies that existed before results.json recorded each strategy's colour, so that an
 * older results file renders as a new one would. Frozen: a strategy added since writes its colour into every
 * results.json it appears in, and needs no line here.
 */
export const COLOURS_BEFORE_RESULTS_RECORDED_THEM: Readonly<Record<string, PaletteColour>> = {
  'short-polling': PALETTE.blue,
  'long-polling': PALETTE.amber,
  websocket: PALETTE.green,
  sse: PALETTE.fuchsia,
  'ws-bare': PALETTE.darkGrey,
  'socketio-ws': PALETTE.midGrey,
  'socketio-polling': PALETTE.lightGrey,
};

/** The one form of colour a results.json may carry: it is written into style attributes and shaded by alpha. */
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * A strategy's colour as read from a results.json: its own when it has one (a `#rrggbb`, nothing else is let into
 * the page), else the one it had before colours were recorded, else neutral.
 */
export function strategyColour(strategy: { name: string; colour?: unknown }): string {
  if (typeof strategy.colour === 'string' && HEX_COLOUR.test(strategy.colour)) return strategy.colour;
  const known = Object.hasOwn(COLOURS_BEFORE_RESULTS_RECORDED_THEM, strategy.name);
  return known ? COLOURS_BEFORE_RESULTS_RECORDED_THEM[strategy.name] : PALETTE.neutral;
}
