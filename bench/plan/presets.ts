import { QUICK_SCENARIO, type Preset } from './preset.js';
import { MATRIX_PRESETS } from './presets-sweeps.js';
import { HTTP2_PRESET } from './presets-http-versions.js';
import { NETWORK_PRESET } from './presets-network.js';
import { BROWSER_PRESET } from './presets-browser.js';
import { SCALE_OUT_PRESETS } from './presets-processes.js';
import { ARTICLE_STACK_PRESET } from './presets-stack.js';
import { SERVED_STRATEGY_NAMES, SERVER_STRATEGIES } from '../../servers/registry.js';

export type { Preset };

/*
 * Why quick looks like this: DESIGN.md sets the scene as the article does — messages arrive now and then and
 * browsers poll every second — so 0.5 messages per second against a 1 s poll interval leaves about
 * e^-0.5 ≈ 61 % of short polls empty, the "most answers are no" of claim C2. Poisson arrivals let some messages
 * bunch up inside one poll interval, where long polling batches and short polling looks its best; seed 2 gives
 * exactly the expected 4 messages in 8 s, spread over the window, so 100 clients yield 400 latency samples per
 * strategy. The 20 s long-poll timeout outlasts the run, so long polls end only on news, as in production.
 * A run costs its 8 s of publishing plus about 3 s (two processes boot, the server's idle baseline is taken for a
 * second, the clients connect within one poll interval, the last message drains), so the default run over the four
 * strategies of the registry takes about 45 s on a 2-core machine; 100 clients keep every process far from
 * saturation, so the figures describe the transports, not the machine (and its server CPU is too close to idle
 * to be judged: results/metrics.ts).
 */
const QUICK: Preset = {
  name: 'quick',
  description: 'every strategy, 100 clients, one message every 2 s on average, 8 s',
  scenarios: [QUICK_SCENARIO],
};

/*
 * Why soak looks like this: it asks whether any strategy's server grows without bound under a steady load
 * so it needs time rather than size — about two minutes per strategy at 20 messages a second to 500
 * clients (1,000 polls a second for short polling), well inside the 10-minute bound for the four strategies of
 * the article and server-sent events. The server samples its RSS once a second and the report draws it.
 */
const SOAK: Preset = {
  name: 'soak',
  description: '500 clients, 20 messages/s, 110 s per strategy: server memory over time (at most ~10 min)',
  scenarios: [
    {
      clients: 500,
      ratePerSec: 20,
      durationSec: 110,
      payloadBytes: 100,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 20_000,
      arrivals: 'poisson',
      seed: 5,
    },
  ],
};

/*
 * Why peers looks like this: it compares pushbench with its reference peers side by side in one run —
 * WebSocket with the bare ws loop at 2,000 clients, long polling with Socket.IO polling, WebSocket with Socket.IO
 * WebSocket — and our short and long polling with the same through express, so every strategy,
 * references included, gets the same 2,000 clients and the same schedule. Five
 * messages a second at fixed intervals make 20 messages and 40,000 deliveries per strategy: enough that the cost
 * of delivering outweighs that of connecting 2,000 clients, and a steady stream without bursts, so per-message
 * cost is measured rather than batching. A run is about 12 s (4 s of publishing, 2,000 clients connecting and
 * leaving), about 2 minutes for the nine. On 2 cores the polling strategies saturate the machine at this size:
 * the report says so where it happens, and their latencies are then the machine's, not the transport's.
 */
const PEERS: Preset = {
  name: 'peers',
  description:
    'every strategy and the reference peers (Socket.IO, a bare ws loop, our polling through express), 2,000 clients, 5 messages/s for 4 s, ' +
    'with their ratios',
  strategies: SERVED_STRATEGY_NAMES,
  scenarios: [
    {
      clients: 2000,
      ratePerSec: 5,
      durationSec: 4,
      payloadBytes: 100,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 20_000,
      arrivals: 'fixed',
      seed: 6,
    },
  ],
};

/*
 * Why memory looks like this: what one idle connection costs the server, per strategy and beside its bare loop
 * (the references named "-bare": the least a server of that transport can hold per connection). 10,000 clients
 * make the per-connection figure stand well above RSS's noise and are the most one server process serves. The
 * sample is taken once every client is in, before the schedule: long polls held, sockets and streams open, short
 * polls' keep-alive connections between two requests (a 5 s interval keeps them idle most of the time; their phases
 * spread the connects over it). One message at the start then checks that every client still hears. About 20 s a strategy.
 */
const MEMORY: Preset = {
  name: 'memory',
  description: 'memory per idle connection at 10,000 clients: RSS, V8 heap and kernel socket memory, each strategy beside its bare loop',
  strategies: SERVER_STRATEGIES.filter((s) => !s.info.reference || s.info.name.endsWith('-bare')).map((s) => s.info.name),
  scenarios: [
    {
      clients: 10_000,
      ratePerSec: 1,
      durationSec: 1,
      payloadBytes: 100,
      pollIntervalMs: 5_000,
      longPollTimeoutMs: 60_000,
      arrivals: 'fixed',
      seed: 7,
    },
  ],
};

export const PRESETS: Readonly<Record<string, Preset>> = {
  quick: QUICK,
  peers: PEERS,
  soak: SOAK,
  memory: MEMORY,
  ...Object.fromEntries([...MATRIX_PRESETS, HTTP2_PRESET, BROWSER_PRESET, NETWORK_PRESET].map((preset) => [preset.name, preset])),
  ...Object.fromEntries(SCALE_OUT_PRESETS.map((preset) => [preset.name, preset])),
  [ARTICLE_STACK_PRESET.name]: ARTICLE_STACK_PRESET,
};

export const DEFAULT_PRESET = 'quick';

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);
