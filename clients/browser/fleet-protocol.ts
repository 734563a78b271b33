/**
 * What the bench's browser fleet page (clients/browser/fleet.ts) and the harness that drives it (bench/fleet/browser-fleet.ts)
 * say to each other through `page.evaluate`: the page runs one of the demo's browser clients and records what it did,
 * the harness reads the record. Types only: the page and the harness each bundle or import it.
 */

/** The global the page's script defines. */
export const FLEET_GLOBAL = 'pushbenchFleet';

export interface FleetClientConfig {
  /** The strategy whose browser client runs: a lane name of the demo (short-polling, long-polling, sse, websocket). */
  strategy: string;
  since: number;
  pollIntervalMs: number;
  longPollTimeoutMs: number;
  /** Wait before the first request, as the simulated client's poll phase. */
  firstRequestDelayMs: number;
  /** A user id the requests name (`user=`); absent: none, as the simulated clients of a bench run. */
  userId?: string;
}

/** One delivered message: its seq, its publish time and when the page had it (both `performance.timeOrigin + now()`). */
export type FleetDelivery = [seq: number, publishedAtMs: number, receivedAtMs: number];

/** What the page's client did so far. */
export interface FleetClientState {
  /** It has had an answer, a message or an open event stream or socket. */
  answered: boolean;
  highestSeq: number;
  /** A request of it is on the wire unanswered (a poll in flight). */
  outstanding: boolean;
  /** Requests sent so far. */
  sent: number;
  /** When the state was read, the page's performance.now(), ms: a client's request rate is timed on its own clock. */
  atMs: number;
}

/** The requests the client sent, counted as the simulated clients count theirs (results' RequestCounts). */
export interface FleetRequestCounts {
  total: number;
  withMessages: number;
  empty: number;
  failed: number;
  reconnects: number;
}

export interface FleetClientRecord extends FleetClientState {
  requests: FleetRequestCounts;
  deliveries: FleetDelivery[];
  gaps: number;
}

/** The page's API, on `globalThis[FLEET_GLOBAL]`. */
export interface FleetPageApi {
  start(config: FleetClientConfig): void;
  state(): FleetClientState;
  /** Stops the client once no request of it is in flight (or after `timeoutMs`), so no answer is cut on the wire. */
  stopBetweenRequests(timeoutMs: number): Promise<void>;
  stop(): void;
  record(): FleetClientRecord;
}
