import { BLOCK_UPGRADE_HEADER, WebSocketFallbackClient } from '../../clients/websocket-fallback.js';
import type { ClientGroup, PerClientTimes, Scenario, UpgradeFallback } from '../../results/results.js';
import { scenarioValue } from '../../results/scenario.js';
import type { PushServerHooks } from '../../servers/app.js';
import type { ByteCounts } from '../../servers/contract/byte-counts.js';
import { Refusal } from '../../servers/http/errors.js';
import { findStrategy } from '../plan/strategies.js';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  latencyUs,
  mergeEncodedHistograms,
  summarizeLatency,
  type Histogram,
} from '../measure/histogram.js';
import { mulberry32 } from '../plan/random.js';
import { SeqReceipts } from '../measure/seq-receipts.js';

/**
 * The strategy a run's clients fall back to when they are refused in part (a blocked share, and a strategy whose
 * facts name a fallback), so that every one of them may fall back; else undefined.
 */
function fallbackOf(strategy: string, scenario: Pick<Scenario, 'blockedUpgrade'>): string | undefined {
  return scenarioValue(scenario, 'blockedUpgrade') > 0 ? findStrategy(strategy)?.fallback?.strategy : undefined;
}

/** Whether a run's clients are refused at the upgrade in part, so that every one of them may fall back. */
export function fallsBack(strategy: string, scenario: Pick<Scenario, 'blockedUpgrade'>): boolean {
  return fallbackOf(strategy, scenario) !== undefined;
}

/** The strategies a run's server mounts for its clients: the strategy, and for a blocked-upgrade run its fallback. */
export function servedStrategies(strategy: string, scenario: Pick<Scenario, 'blockedUpgrade'>): string[] {
  const fallback = fallbackOf(strategy, scenario);
  return fallback === undefined ? [strategy] : [strategy, fallback];
}

/** The server-side bytes of those strategies together. */
export function servedBytes(
  strategies: Readonly<Record<string, { bytes: ByteCounts; applicationBytes?: ByteCounts } | undefined>>,
  names: readonly string[],
  which: 'bytes' | 'applicationBytes' = 'bytes',
): ByteCounts {
  const total: ByteCounts = { clientToServer: 0, serverToClient: 0 };
  for (const name of names) {
    total.clientToServer += strategies[name]?.[which]?.clientToServer ?? 0;
    total.serverToClient += strategies[name]?.[which]?.serverToClient ?? 0;
  }
  return total;
}

/**
 * The bench's server stands in for the proxy: it refuses an upgrade that carries the client's cue, with the 403
 * a blocking proxy answers, before the upgrade reaches WebSocket (see clients/websocket-fallback.ts).
 */
export const BLOCKING_PROXY_HOOKS: PushServerHooks = {
  checkUpgrade: (_route, req) => {
    if (req.headers[BLOCK_UPGRADE_HEADER] !== undefined) {
      throw new Refusal('upgradeBlocked', { by: 'the bench, standing in for a proxy that blocks upgrades' });
    }
  },
};

/**
 * Which clients the "proxy" refuses: exactly round(share × clients), chosen from the seed, so every run of a
 * seed refuses the same ones. Entry i is true for a refused client.
 */
export function blockedPlan(seed: number, clients: number, share: number): boolean[] {
  const plan = Array.from({ length: clients }, () => false);
  const count = Math.round(Math.min(1, Math.max(0, share)) * clients);
  const random = mulberry32(seed ^ 0x6a09e667);
  const order = Array.from({ length: clients }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (clients - i));
    [order[i], order[j]] = [order[j], order[i]];
    plan[order[i]] = true;
  }
  return plan;
}

type Transport = ClientGroup['transport'];

/** One group as a client process saw it; several processes' evidence is merged by `mergeGroupEvidence`. */
export interface GroupEvidence {
  transport: Transport;
  clients: number;
  requests: ClientGroup['requests'];
  bytes: ClientGroup['bytes'];
  delivered: number;
  missed: number;
  duplicated: number;
  outOfOrder: number;
  latencyHistogram: string;
  /** One value per client that got there, ms. */
  timeToReadyMs: number[];
  firstMessageLatencyMs: number[];
}

/** What one client did, from its events. */
class Track extends SeqReceipts {
  readonly requests = { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 };
  firstLatencyMs: number | undefined;

  constructor(
    readonly client: WebSocketFallbackClient,
    histogramOf: (transport: Transport) => Histogram,
  ) {
    super();
    client.on('request', () => this.requests.total++);
    client.on('response', () => this.requests.withMessages++);
    client.on('empty', () => this.requests.empty++);
    client.on('error', () => this.requests.failed++);
    client.on('reconnect', () => this.requests.reconnects++);
    client.on('message', (message, receivedAtMs) => {
      if (!this.receive(message.seq)) return;
      const latency = latencyUs(message.t, receivedAtMs);
      this.firstLatencyMs ??= latency / 1000;
      // A client falls back at its first attempt, before any message: its transport is final by now.
      histogramOf(client.transport).recordValue(latency);
    });
  }
}

/**
 * The clients of a blocked-upgrade run by the transport they ended up on: requests, bytes, messages, latency,
 * and how long each took to be ready to receive, for the report's "what falling back costs".
 */
export class UpgradeGroups {
  private readonly histograms = new Map<Transport, Histogram>();
  private readonly tracks: Track[];

  constructor(clients: readonly WebSocketFallbackClient[]) {
    this.tracks = clients.map((client) => new Track(client, (transport) => this.histogramOf(transport)));
  }

  report(expectedSeqs: readonly number[]): GroupEvidence[] {
    const groups = new Map<Transport, GroupEvidence>();
    for (const track of this.tracks) {
      const { client } = track;
      const transport = client.transport;
      let group = groups.get(transport);
      if (!group) {
        group = emptyGroup(transport, encodeHistogram(this.histogramOf(transport)));
        groups.set(transport, group);
      }
      const delivered = expectedSeqs.filter((seq) => track.received.has(seq)).length;
      group.clients++;
      for (const key of Object.keys(group.requests) as (keyof ClientGroup['requests'])[]) group.requests[key] += track.requests[key];
      group.bytes.clientToServer += client.bytes.clientToServer;
      group.bytes.serverToClient += client.bytes.serverToClient;
      group.delivered += delivered;
      group.missed += expectedSeqs.length - delivered;
      group.duplicated += track.duplicated;
      group.outOfOrder += track.outOfOrder;
      if (client.firstAttemptAt !== undefined && client.readyAt !== undefined)
        group.timeToReadyMs.push(round2(client.readyAt - client.firstAttemptAt));
      if (track.firstLatencyMs !== undefined) group.firstMessageLatencyMs.push(round2(track.firstLatencyMs));
    }
    return [...groups.values()].sort(byTransport);
  }

  private histogramOf(transport: Transport): Histogram {
    let histogram = this.histograms.get(transport);
    if (!histogram) {
      histogram = createLatencyHistogram();
      this.histograms.set(transport, histogram);
    }
    return histogram;
  }
}

function emptyGroup(transport: Transport, latencyHistogram: string): GroupEvidence {
  return {
    transport,
    clients: 0,
    requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
    bytes: { clientToServer: 0, serverToClient: 0 },
    delivered: 0,
    missed: 0,
    duplicated: 0,
    outOfOrder: 0,
    latencyHistogram,
    timeToReadyMs: [],
    firstMessageLatencyMs: [],
  };
}

/** The groups of several client processes as one: counts add up, histograms merge, per-client times join. */
export function mergeGroupEvidence(parts: readonly (readonly GroupEvidence[])[]): GroupEvidence[] {
  const merged = new Map<Transport, GroupEvidence>();
  for (const group of parts.flat()) {
    const into = merged.get(group.transport);
    if (!into) {
      merged.set(group.transport, {
        ...group,
        requests: { ...group.requests },
        bytes: { ...group.bytes },
        timeToReadyMs: [...group.timeToReadyMs],
        firstMessageLatencyMs: [...group.firstMessageLatencyMs],
      });
      continue;
    }
    into.clients += group.clients;
    for (const key of Object.keys(into.requests) as (keyof ClientGroup['requests'])[]) into.requests[key] += group.requests[key];
    into.bytes.clientToServer += group.bytes.clientToServer;
    into.bytes.serverToClient += group.bytes.serverToClient;
    into.delivered += group.delivered;
    into.missed += group.missed;
    into.duplicated += group.duplicated;
    into.outOfOrder += group.outOfOrder;
    into.latencyHistogram = encodeHistogram(mergeEncodedHistograms([into.latencyHistogram, group.latencyHistogram]));
    into.timeToReadyMs.push(...group.timeToReadyMs);
    into.firstMessageLatencyMs.push(...group.firstMessageLatencyMs);
  }
  return [...merged.values()].sort(byTransport);
}

/** results.json's account of the fallback, from the merged evidence. */
export function upgradeFallback(share: number, blockedClients: number, groups: readonly GroupEvidence[]): UpgradeFallback {
  return {
    blockedShare: share,
    blockedClients,
    groups: groups.map((group) => {
      const latency = summarizeLatency(decodeHistogram(group.latencyHistogram));
      return {
        transport: group.transport,
        clients: group.clients,
        requests: group.requests,
        bytes: group.bytes,
        delivered: group.delivered,
        missed: group.missed,
        duplicated: group.duplicated,
        outOfOrder: group.outOfOrder,
        latencyUs: { p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max, mean: latency.mean, count: latency.count },
        timeToReadyMs: perClient(group.timeToReadyMs),
        firstMessageLatencyMs: perClient(group.firstMessageLatencyMs),
      };
    }),
  };
}

/** Nearest-rank percentiles of per-client values (a few thousand at most: sorting them is cheap). */
export function perClient(values: readonly number[]): PerClientTimes {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: rank(50), p99: rank(99), max: sorted.at(-1)!, mean: round2(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

const TRANSPORT_ORDER: readonly Transport[] = ['websocket', 'long-polling'];

function byTransport(a: GroupEvidence, b: GroupEvidence): number {
  return TRANSPORT_ORDER.indexOf(a.transport) - TRANSPORT_ORDER.indexOf(b.transport);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
