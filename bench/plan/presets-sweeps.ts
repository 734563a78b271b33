import { SERVER_STRATEGIES } from '../../servers/registry.js';
import { DEFAULT_CAPACITY } from './capacity-plan.js';
import type { Preset } from './preset.js';
import { SHOOTOUT_LIMIT_P95_US } from '../../results/shootout.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';

/** The transports the article compares (their facts say `inArticle`); `--strategies` adds the others (server-sent events, the references). */
export const ARTICLE_STRATEGIES: readonly string[] = SERVER_STRATEGIES.filter((s) => s.info.inArticle).map((s) => s.info.name);

type Sweep = Partial<Record<keyof Scenario, readonly number[]>>;

/** The base scenario first, then, for each swept field, the base with that one field changed. */
export function starMatrix(base: Scenario, sweeps: Sweep): Scenario[] {
  const scenarios: Scenario[] = [base];
  for (const [key, values] of Object.entries(sweeps) as [keyof Scenario, readonly number[]][]) {
    for (const value of values) {
      if (scenarioValue(base, key) !== value) scenarios.push({ ...base, [key]: value });
    }
  }
  return scenarios;
}

/*
 * Why standard looks like this: a full cross product of clients × rate × poll interval × delay (× cookie size)
 * at three values each is 243 scenarios, hours on a 2-core machine. Instead every factor is swept on its own
 * through one base point (a star-shaped matrix): each sweep is a clean line in the report, whose other factors
 * are those of the base. The base is the article's scene at a larger size: 200 clients, a message every half
 * second on average, browsers polling every second. One extra point, 8 messages a second behind a 50 ms delay,
 * shows long polling's re-request gap (RFC 6202 §2.2) beside its model. 6 s of publishing keeps each run near
 * 9 s and the preset at a few minutes. The base and the cookie sweep run again over HTTP/2 for the
 * strategies that have an HTTP/2 client (WebSocket stays HTTP/1.1): "The article under HTTP/2" in the report.
 */
export const STANDARD_BASE: Scenario = {
  clients: 200,
  ratePerSec: 2,
  durationSec: 6,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 3,
  delayMs: 0,
  cookieBytes: 0,
};

/** The cookie sizes of the HTTP/2 comparison: none, 1 KiB, and HPACK's default dynamic table size (RFC 7541 §6.5.2), 4,096 bytes. */
export const HTTP2_COOKIE_BYTES: readonly number[] = [0, 1024, 4096];

const STANDARD: Preset = {
  name: 'standard',
  description:
    'sweeps through a 200-client base: clients, message rate, poll interval, network delay, cookie size; the base and the cookie sweep over HTTP/2',
  strategies: ARTICLE_STRATEGIES,
  scenarios: [
    ...starMatrix(STANDARD_BASE, {
      clients: [50, 1000],
      ratePerSec: [0.5, 8],
      pollIntervalMs: [500, 2000],
      delayMs: [50, 100],
      cookieBytes: [1024, 4096],
    }),
    { ...STANDARD_BASE, ratePerSec: 8, delayMs: 50 },
    ...HTTP2_COOKIE_BYTES.map((cookieBytes) => ({ ...STANDARD_BASE, cookieBytes, httpVersion: '2' as const })),
  ],
};

/*
 * Why scale looks like this: 100 → 10,000 clients receiving one message a second (fixed arrivals), the
 * setting of the websocket.org throughput table, so each run's bytes per client and second are that table's
 * cells. Short-polling clients ask every second, the article's setting, at every size: at 10,000 clients that is
 * 10,000 requests a second. The polling clients send them through undici, which costs the load generator little
 * enough CPU per request that four client processes can keep that pace; each run's report says who was the
 * bottleneck, and how many requests a second of client CPU made. The capacity probes run last.
 */
const SCALE_BASE: Scenario = {
  clients: 100,
  ratePerSec: 1,
  durationSec: 10,
  payloadBytes: 100,
  pollIntervalMs: 1_000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 4,
};

const SCALE: Preset = {
  name: 'scale',
  description: '100 → 10,000 clients at one message a second each, then the capacity probes',
  strategies: ARTICLE_STRATEGIES,
  scenarios: [100, 300, 1_000, 3_000, 10_000].map((clients) => ({ ...SCALE_BASE, clients })),
  capacity: DEFAULT_CAPACITY,
};

const CAPACITY: Preset = {
  name: 'capacity',
  description:
    'autocannon against each HTTP endpoint (short poll, long poll with a message ready, publish), each beside its node:http floor; then ' +
    'h2load over HTTP/2',
  scenarios: [],
  capacity: DEFAULT_CAPACITY,
};

/*
 * Why shootout looks like this: hashrocket's websocket-shootout asks how many clients a server holds while its
 * broadcasts reach them with a p95 within 500 ms; here one message a second (fixed arrivals) for 5 s is one step,
 * 5 broadcasts and 5 × clients latency samples, at a size the search picks: doubling from 1,000, then bisection
 * down to 250 clients, at most 8 steps per strategy, up to the 10,000 clients one run may have. The short-polling
 * clients ask every second as everywhere else, so their p95 is about 0.95 s at any size: its capacity is 0 by
 * construction, found in three short steps, and says what polling costs in latency. About 2 minutes a strategy.
 */
const SHOOTOUT: Preset = {
  name: 'shootout',
  description: 'hashrocket’s websocket-shootout capacity: the most clients reached by 1 broadcast/s with p95 ≤ 500 ms, searched per strategy',
  strategies: [...ARTICLE_STRATEGIES, 'sse'],
  scenarios: [],
  search: {
    base: { ...SCALE_BASE, clients: 1_000, durationSec: 5, seed: 8 },
    sizes: { startClients: 1_000, maxClients: 10_000, resolution: 250, maxSteps: 8 },
    limitP95Us: SHOOTOUT_LIMIT_P95_US,
  },
};

export const MATRIX_PRESETS: readonly Preset[] = [STANDARD, SCALE, CAPACITY, SHOOTOUT];
