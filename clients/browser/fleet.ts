/**
 * The bench's browser fleet page: one of the demo's browser clients (lane-clients.ts), run as a client of a bench
 * run, in a browser context of its own. It records what the client did; the harness reads the record through
 * `page.evaluate` (fleet-protocol.ts). Requests carry no user and no `client=` tag: exactly what the simulated
 * client of the same strategy asks, so the two fleets' bytes can be compared.
 */
import { browserClientOf, type LaneClient } from './lane-clients.js';
import { FLEET_GLOBAL, type FleetClientConfig, type FleetClientRecord, type FleetPageApi } from './fleet-protocol.js';

let client: LaneClient | undefined;
let startTimer: ReturnType<typeof setTimeout> | undefined;
/** Requests sent and not yet answered or failed: the polls in flight (a stream or socket counts until it opens). */
let inFlight = 0;
const record: FleetClientRecord = {
  answered: false,
  highestSeq: 0,
  outstanding: false,
  sent: 0,
  atMs: 0,
  requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
  deliveries: [],
  gaps: 0,
};
/** Called whenever a request in flight ends: a stop waiting to happen between requests. */
let settled: (() => void) | undefined;

function endRequest(): void {
  inFlight = Math.max(0, inFlight - 1);
  record.outstanding = inFlight > 0;
  if (inFlight === 0) settled?.();
}

const api: FleetPageApi = {
  start(config: FleetClientConfig) {
    const Client = browserClientOf(config.strategy);
    if (!Client) throw new Error(`no browser client for strategy "${config.strategy}"`);
    const lane = (client = new Client({
      since: config.since,
      ...(config.userId !== undefined && { userId: config.userId }),
      pollIntervalMs: () => config.pollIntervalMs,
      longPollTimeoutMs: config.longPollTimeoutMs,
    }));
    let failedBefore = false;
    lane.on('request', () => {
      record.requests.total++;
      record.sent++;
      // A request after a failure is the client's way back, as the simulated clients count a reconnect.
      if (failedBefore) record.requests.reconnects++;
      failedBefore = false;
      inFlight++;
      record.outstanding = true;
    });
    lane.on('answer', (_request, messages) => {
      record.answered = true;
      record.requests[messages.length > 0 ? 'withMessages' : 'empty']++;
      endRequest();
    });
    lane.on('open', () => {
      record.answered = true;
      endRequest();
    });
    lane.on('failed', () => {
      record.requests.failed++;
      failedBefore = true;
      endRequest();
    });
    lane.on('closed', () => {
      record.requests.failed++;
      failedBefore = true;
    });
    lane.on('gap', () => record.gaps++);
    lane.on('message', (message, atMs) => {
      record.answered = true;
      record.highestSeq = Math.max(record.highestSeq, message.seq);
      record.deliveries.push([message.seq, message.t, atMs]);
    });
    startTimer = setTimeout(() => lane.start(), config.firstRequestDelayMs);
  },
  state: () => ({
    answered: record.answered,
    highestSeq: record.highestSeq,
    outstanding: record.outstanding,
    sent: record.sent,
    atMs: performance.now(),
  }),
  stopBetweenRequests(timeoutMs: number) {
    return new Promise<void>((resolve) => {
      const stopNow = () => {
        clearTimeout(timer);
        settled = undefined;
        api.stop();
        resolve();
      };
      const timer = setTimeout(stopNow, timeoutMs);
      if (inFlight === 0) stopNow();
      else settled = stopNow;
    });
  },
  stop() {
    clearTimeout(startTimer);
    client?.stop();
  },
  record: () => record,
};

(globalThis as unknown as Record<string, FleetPageApi>)[FLEET_GLOBAL] = api;
