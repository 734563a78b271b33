import type { Scenario } from '../../results/results.js';
import type { Preset } from './preset.js';

/*
 * Why scaleout looks like this: what scaling out must show, in one command. Every own strategy at 2,000 clients and five
 * messages a second at fixed intervals (the peers preset's load, 30 messages in 6 s), four times over:
 * - memory source, one process — the baseline, and the "Redis hop" comparison's other half (same run);
 * - Redis source, one process — what the broker adds to latency and costs in CPU and bytes;
 * - Redis source, two processes — deliveries per second of server CPU with 1 and with 2 processes;
 * - Redis source, two processes, one SIGKILLed 3 s in — 0 lost, 0 duplicated, and how fast its clients return.
 * About 16 runs of 15–25 s: some 5–6 minutes, and it needs redis-server (the bench starts it).
 */
const SCALE_OUT_BASE: Scenario = {
  clients: 2000,
  ratePerSec: 5,
  durationSec: 6,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 11,
};

const SCALE_OUT: Preset = {
  name: 'scaleout',
  description: '2,000 clients, 5 msg/s: memory vs Redis source, 1 vs 2 server processes, and one of 2 killed mid-run (needs redis-server)',
  scenarios: [
    { ...SCALE_OUT_BASE, source: 'memory' },
    { ...SCALE_OUT_BASE, source: 'redis', serverProcesses: 1 },
    { ...SCALE_OUT_BASE, source: 'redis', serverProcesses: 2 },
    { ...SCALE_OUT_BASE, source: 'redis', serverProcesses: 2, restartAtSec: 3 },
  ],
};

/*
 * Why storm looks like this: a reconnect storm is 10,000 clients coming back at once. The only server process
 * is SIGKILLed 5 s into a 15 s schedule and a new one started on its port (on the Redis source, so that nothing
 * published is lost and the runs stay valid: the storm is about reconnecting, not about the log); the run is
 * repeated for each backoff policy. One message a second keeps the fan-out cheap, so what the server spends
 * during the storm is accepting and re-attaching. 12 runs of about 40 s: some 8 minutes.
 */
const STORM_BASE: Scenario = {
  clients: 10_000,
  ratePerSec: 1,
  durationSec: 15,
  payloadBytes: 100,
  pollIntervalMs: 1000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 12,
  restartAtSec: 5,
  source: 'redis',
  serverProcesses: 1,
};

const STORM: Preset = {
  name: 'storm',
  description: '10,000 clients per strategy, the server killed and restarted 5 s in, once per backoff policy (needs redis-server)',
  scenarios: (['none', 'exponential', 'full-jitter'] as const).map((backoff) => ({ ...STORM_BASE, backoff })),
};

/*
 * Why c100k looks like this: 100,000 concurrent connections on one 2-core machine.
 * - One process may hold about 20,000 open files and one pushes to at most 15,000 clients, so the server is 8
 *   processes behind one port on the Redis source (12,500 clients each) and the clients 8 processes of 12,500.
 * - One source address reaches one port from about 28,000 ephemeral ports, and a bind() to one address slows past
 *   a few thousand, so the clients bind 25 loopback addresses of 4,000 each, those with the fewest ports taken
 *   (bench/plan/source-address.ts).
 * - The clients start 1,000 a second, 100 s in all: at once, or at 2,000 a second, handshakes queue in the
 *   primary's hand-over to its workers past the clients' 10 s connect timeout, and every retry joins the queue
 *   (measured: neither ever got all in).
 * - One broadcast a second for 10 s reaches every client: 1,000,000 deliveries a strategy, with memory per
 *   connection sampled once all are in.
 * - WebSocket, server-sent events and long polling, which re-requests after each broadcast (100,000 requests a
 *   second for a moment). A long poll is held 110 s, past the ramp: held 20 s, the polls of the clients already
 *   in expire and come back during the ramp (5,000 a second at its end), the hand-over of the new connections
 *   falls further behind, and the run failed on a status call (measured). Short polling, 100,000 requests a
 *   second throughout, is left out.
 * The bench checks the machine's limits first (bench/plan/machine-limits.ts). About 2½ minutes a strategy, most
 * of it connecting.
 */
const C100K: Preset = {
  name: 'c100k',
  description:
    '100,000 concurrent clients starting 1,000/s: 8 server processes on Redis, 8 client processes over 25 source addresses, 1 broadcast/s (needs redis-server)',
  strategies: ['websocket', 'sse', 'long-polling'],
  clientProcesses: 8,
  scenarios: [
    {
      clients: 100_000,
      ratePerSec: 1,
      durationSec: 10,
      payloadBytes: 100,
      pollIntervalMs: 1000,
      longPollTimeoutMs: 110_000,
      arrivals: 'fixed',
      seed: 13,
      connectRatePerSec: 1_000,
      source: 'redis',
      serverProcesses: 8,
    },
  ],
};

export const SCALE_OUT_PRESETS: readonly Preset[] = [SCALE_OUT, STORM, C100K];
