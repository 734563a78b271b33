/**
 * The results.json shapes of the HTTP/2 comparison: runs over HTTP/2 (a scenario field) and WebSocket clients refused at the
 * upgrade that fall back to long polling (`--blocked-upgrade`), reported by group.
 */
export type { HttpVersion } from '../servers/contract/wire.js';

/** p50, p99 and the worst of per-client times, ms. */
export interface PerClientTimes {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** The clients of a blocked-upgrade run that ended up on one transport. */
export interface ClientGroup {
  /** `websocket`: the upgrade went through; `long-polling`: refused at the upgrade, fell back to long polling. */
  transport: 'websocket' | 'long-polling';
  clients: number;
  /** As RunResult.requests: the refused upgrade counts as a failed request of the fallback group. */
  requests: { total: number; withMessages: number; empty: number; failed: number; reconnects: number };
  /** Counted at the client sockets; the refused upgrade's request and answer included. */
  bytes: { clientToServer: number; serverToClient: number };
  delivered: number;
  missed: number;
  duplicated: number;
  outOfOrder: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number; count: number };
  /**
   * Per client, from its first connection attempt until it could receive: the WebSocket open, or, after a refused
   * upgrade, the first long poll sent. With a message already waiting, the time to a first message is this plus
   * one round trip.
   */
  timeToReadyMs: PerClientTimes;
  /** Per client, the latency (publish → receipt) of the first message it received, ms. */
  firstMessageLatencyMs: PerClientTimes;
}

/** What falling back cost: the groups side by side. */
export interface UpgradeFallback {
  /** Share of the WebSocket clients refused at the upgrade (scenario.blockedUpgrade). */
  blockedShare: number;
  /** Clients refused, as drawn from the seed (round(share × clients)). */
  blockedClients: number;
  groups: ClientGroup[];
}
