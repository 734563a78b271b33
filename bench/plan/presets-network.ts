import type { Preset } from './preset.js';
import type { Scenario } from '../../results/results.js';

/*
 * Why network looks like this: it asks whether the article's argument bends where it is most likely to, on a lossy
 * path. Every own strategy gets the same 200 clients and 5 messages a second over the kernel network
 * (docs/network.md), 50 ms each way (a 100 ms round trip, a continent away), with 0, 1 and 5 % of packets lost in
 * each direction. A WebSocket is one long TCP connection, so a lost segment holds every message behind it until
 * TCP retransmits it, a round trip and more later; a poll is many short exchanges, each with its own losses. 10 s
 * of publishing make about 10,000 deliveries per run, enough for a p99.9 of about ten samples above it. With the
 * namespaces made and removed per run, a run is about 16 s: 12 runs, about 3 minutes, per transport.
 */
export const NETWORK_LOSS_PERCENTS = [0, 1, 5] as const;

const BASE: Scenario = {
  clients: 200,
  ratePerSec: 5,
  durationSec: 10,
  payloadBytes: 100,
  pollIntervalMs: 1_000,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 7,
  delayMs: 50,
  network: 'kernel',
};

/** The transports every loss runs over: cleartext, and TLS (its clients resuming from tickets, as browsers do). */
const TRANSPORTS: readonly Partial<Scenario>[] = [{}, { tls: 'on' }];

export const NETWORK_PRESET: Preset = {
  name: 'network',
  description: 'every own strategy, 200 clients, 5 msg/s, 50 ms each way with 0 / 1 / 5 % packet loss in the kernel (root), cleartext and TLS',
  scenarios: TRANSPORTS.flatMap((transport) =>
    NETWORK_LOSS_PERCENTS.map((lossPercent): Scenario => ({ ...BASE, ...transport, ...(lossPercent > 0 && { lossPercent }) })),
  ),
};
