import type { RunResult, StrategyLabel } from '../results/results.js';
import { scenarioValue, type Scenario } from '../results/scenario.js';

/**
 * What each strategy's latency should be over a network with one-way delay d, with no time spent in the server
 * or the clients: the yardstick the measured latency is drawn against. Measured minus model is then the
 * processes' own time (parsing, fan-out, queueing), not the network's.
 */
export interface LatencyModel {
  /** The formula, in words a reader can check by hand. */
  formula: string;
  p50Ms: number;
  meanMs: number;
  p99Ms: number;
  maxMs: number;
  /** Assumptions that matter for this run, if any. */
  note: string | null;
}

/**
 * Long polling: a message published while a poll is held arrives one transit later (d). A message published in
 * the re-request gap — from the moment an answer leaves the server until the next request arrives, 2d — waits
 * for that request and then travels back: 3d − u for a message published u into the gap, uniform on [d, 3d]
 * (RFC 6202 §2.2: about one transit on average, three in the worst case). Returns the share of messages that
 * fall into a gap: with Poisson arrivals at rate λ, each answer opens a gap of 2d that holds λ·2d messages on
 * average, and only an empty gap (probability e^(−2λd)) is followed by a held poll ended by one message, so
 * f = 2λd / (2λd + e^(−2λd)). With fixed arrivals every T s, a gap holds a message only when T < 2d.
 */
export function gapShare(scenario: Pick<Scenario, 'ratePerSec' | 'arrivals'>, delayMs: number): number {
  const gapSec = (2 * delayMs) / 1000;
  if (gapSec === 0) return 0;
  if (scenario.arrivals === 'fixed') return 1 / scenario.ratePerSec < gapSec ? 1 : 0;
  const inGap = scenario.ratePerSec * gapSec;
  return inGap / (inGap + Math.exp(-inGap));
}

/** The q-quantile of "d with weight 1 − f, uniform on [d, 3d] with weight f". */
function longPollQuantile(q: number, f: number, d: number): number {
  if (f === 0 || q <= 1 - f) return d;
  return d + (2 * d * (q - (1 - f))) / f;
}

export function latencyModel(connection: StrategyLabel['connection'], scenario: Scenario): LatencyModel {
  const d = scenarioValue(scenario, 'delayMs');
  const jitter = scenarioValue(scenario, 'jitterMs');
  const notes: string[] = [];
  if (jitter > 0) notes.push(`jitter ±${jitter} ms spreads each transit around d without moving its mean`);
  if (scenarioValue(scenario, 'bandwidthBytesPerSec') > 0) notes.push('the bandwidth cap adds transmission time the model leaves out');
  const note = (extra?: string) => [...notes, ...(extra ? [extra] : [])].join('; ') || null;
  if (connection === 'persistent') {
    return {
      formula: 'd: the server writes the message on the open connection; it crosses the network once',
      p50Ms: d,
      meanMs: d,
      p99Ms: d,
      maxMs: d,
      note: note(),
    };
  }
  if (connection === 'request-per-poll') {
    const interval = scenario.pollIntervalMs;
    // A poll still in flight when the next tick comes is skipped: a round trip longer than the interval stretches it.
    const effective = 2 * d >= interval ? interval * Math.ceil((2 * d + 1) / interval) : interval;
    const skipped = effective > interval ? `a round trip (${2 * d} ms) longer than the interval skips ticks: polls every ${effective} ms` : undefined;
    return {
      formula: 'interval / 2 + d: a message waits for the next poll to reach the server (uniform over one interval), then the answer crosses back',
      p50Ms: effective / 2 + d,
      meanMs: effective / 2 + d,
      p99Ms: 0.99 * effective + d,
      maxMs: effective + d,
      note: note(skipped),
    };
  }
  const f = gapShare(scenario, d);
  return {
    formula: `d while a poll is held; 3d − u in the re-request gap (RFC 6202 §2.2); ${percent(f)} of messages fall in a gap, mean d·(1 + f)`,
    p50Ms: longPollQuantile(0.5, f, d),
    meanMs: d * (1 + f),
    p99Ms: longPollQuantile(0.99, f, d),
    maxMs: f > 0 ? 3 * d : d,
    note: note(scenario.arrivals === 'poisson' ? undefined : 'fixed arrivals: a gap holds a message only when the period is shorter than 2d'),
  };
}

/** Runs whose scenario puts a network between clients and server: the ones the model is drawn for. */
export function hasNetworkDelay(run: RunResult): boolean {
  return scenarioValue(run.scenario, 'delayMs') > 0;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}
