import { SERVER_STRATEGIES } from '../servers/registry.js';
import { DEFAULT_CAPACITY } from './capacity.js';
import type { Preset } from './presets.js';
import type { Scenario } from '../results/results.js';

/** The transports the article compares (their facts say `inArticle`); `--strategies` adds the others (server-sent events, the references). */
export const ARTICLE_STRATEGIES: readonly string[] = SERVER_STRATEGIES.filter((s) => s.info.inArticle).map((s) => s.info.name);

type Sweep = Partial<Record<keyof Scenario, readonly number[]>>;

/** The base scenario first, then, for each swept field, the base with that one field changed. */
export function starMatrix(base: Scenario, sweeps: Sweep): Scenario[] {
  const scenarios: Scenario[] = [base];
  for (const [key, values] of Object.entries(sweeps) as [keyof Scenario, readonly number[]][]) {
    for (const value of values) {
      if ((base[key] ?? 0) !== value) scenarios.push({ ...base, [key]: value });
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
 * 9 s and the preset at a few minutes.
 */
const STANDARD_BASE: Scenario = {
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

const STANDARD: Preset = {
  name: 'standard',
  description: 'sweeps through a 200-client base: clients, message rate, poll interval, network delay, cookie size',
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
  ],
};

/*
 * Why scale looks like this: 100 → 10,000 clients receiving one message a second (fixed arrivals), the
 * setting of the websocket.org throughput table, so each run's bytes per client and second are that table's
 * cells. Short-polling clients ask every 10 s: at 10,000 clients that is 1,000 requests a second, which one
 * server core on this machine can still answer while four client processes generate them (at a 1 s interval
 * it would be 10,000 a second, several times what the capacity probes measure a core can serve; the report
 * works that out from them instead). The capacity probes run last.
 */
const SCALE_BASE: Scenario = {
  clients: 100,
  ratePerSec: 1,
  durationSec: 10,
  payloadBytes: 100,
  pollIntervalMs: 10_000,
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
  description: 'autocannon against each HTTP endpoint (short poll, long poll with a message ready, publish)',
  scenarios: [],
  capacity: DEFAULT_CAPACITY,
};

export const MATRIX_PRESETS: readonly Preset[] = [STANDARD, SCALE, CAPACITY];
