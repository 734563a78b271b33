import type { Scenario } from './results.js';

/** A named list of scenarios; each scenario is run once per selected strategy. */
export interface Preset {
  name: string;
  description: string;
  scenarios: readonly Scenario[];
}

/*
 * Why quick looks like this: DESIGN.md sets the scene as the article does — messages arrive now and then and
 * browsers poll every second — so 0.5 messages per second against a 1 s poll interval leaves about
 * e^-0.5 ≈ 61 % of short polls empty, the "most answers are no" of claim C2. Poisson arrivals let some messages
 * bunch up inside one poll interval, where long polling batches and short polling looks its best; seed 2 gives
 * exactly the expected 4 messages in 8 s, spread over the window, so 100 clients yield 400 latency samples per
 * strategy. The 20 s long-poll timeout outlasts the run, so long polls end only on news, as in production.
 * A run costs its 8 s of publishing plus about 2 s (two processes boot, the clients connect within one poll
 * interval, the last message drains), so the default run over the four strategies of the registry takes about
 * 40 s on a 2-core machine; 100 clients keep every process far from saturation, so the figures describe the
 * transports, not the machine.
 */
const QUICK: Preset = {
  name: 'quick',
  description: 'every strategy, 100 clients, one message every 2 s on average, 8 s',
  scenarios: [
    {
      clients: 100,
      ratePerSec: 0.5,
      durationSec: 8,
      payloadBytes: 100,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 20_000,
      arrivals: 'poisson',
      seed: 2,
    },
  ],
};

export const PRESETS: Readonly<Record<string, Preset>> = { quick: QUICK };

export const DEFAULT_PRESET = 'quick';

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);
