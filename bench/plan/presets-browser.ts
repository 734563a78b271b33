import { QUICK_SCENARIO, type Preset } from './preset.js';

/*
 * Why browser looks like this: it is the agreement check, the same scenario run by the simulated fleet and by real
 * headless Chromium clients (one browser context each) for the four strategies that have a browser client. The
 * scenario is quick's (one message every 2 s on average, a 1 s poll, 8 s), at 20 clients: each real client costs a
 * renderer process (about 60 MiB and a share of a core on this machine), so 20 keep the browser from being the
 * bottleneck; `--clients 100` checks the same at 100. The report's "Simulated vs real browser" table reads it.
 */
const SCENARIO = { ...QUICK_SCENARIO, clients: 20 };

export const BROWSER_PRESET: Preset = {
  name: 'browser',
  description: 'the agreement check: the four strategies with simulated clients and with real Chromium clients, 20 each, quick’s schedule',
  strategies: ['short-polling', 'long-polling', 'websocket', 'sse'],
  scenarios: [SCENARIO, { ...SCENARIO, fleet: 'chromium' }],
};
