import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_RECONNECT_MAX_MS } from '../../clients/client.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';
import { connectRampMs } from './schedule.js';

/** Booting a child (node + tsx + the server or 2,000 clients) on a busy 2-core machine. */
export const START_TIMEOUT_MS = 20_000;
/** A plain call that does no waiting of its own. */
export const CALL_TIMEOUT_MS = 5_000;
/** Closing a server's connections at the end of a run or a probe, before it is stopped. */
export const SETTLE_TIMEOUT_MS = 2_000;
/** A client, proxy or autocannon process has nothing to flush: it gets a second to exit. */
export const CHILD_STOP_MS = 1_000;

/**
 * Opening one real-browser client: a browser context, a renderer process, the page. Measured at 0.1 to 1.2 s of
 * wall time each on a shared 2-core machine (several at once); 2 s leaves room for a busy one.
 */
const BROWSER_CLIENT_OPEN_MS = 2_000;

/** Connecting takes longer with more clients: handshakes queue up behind each other on a 2-core machine. */
const CONNECT_MS_PER_CLIENT = 2;
const CONNECT_GRACE_MS = 10_000;
/**
 * Past this many clients a client process opening its share of connections answers the harness's status calls
 * late (seconds, at 12,500 WebSocket handshakes a process): a call is given this much longer per client beyond.
 */
const BUSY_FLEET_CLIENTS = 10_000;
const CALL_MS_PER_BUSY_CLIENT = 0.25;
/** Draining and closing take longer too: a long-poll burst or a close handshake per client. */
const SETTLE_MS_PER_CLIENT = 0.5;
/** The least a drain is given, however short the poll interval. */
const DRAIN_FLOOR_MS = 2_000;
/**
 * On a lossy kernel network (scenario.lossPercent), what TCP may take to repair a loss near the end: a SYN lost
 * three times in a row is sent again after 1, 2 and 4 s; data after a retransmission timeout that doubles from
 * about 200 ms.
 */
const LOSS_RECOVERY_MS = 7_000;

/**
 * How long a stopping client waits for its connections to close in order (the WebSocket close handshake, TLS's
 * close_notify) before it cuts them: on a lossy kernel network a lost close comes again only after TCP's
 * retransmission timeout, so as long as any loss may take to repair (the settle budget allows for it); past
 * BUSY_FLEET_CLIENTS, as long as a status call to a busy client process may take, for such a process reads the
 * server's close replies to thousands of connections seconds late (a reply cut short is counted at the server
 * only, and both ends' counts would differ); elsewhere the clients' own defaults.
 */
export function clientCloseTimeoutMs(scenario: Pick<Scenario, 'lossPercent' | 'clients'>): number | undefined {
  if (scenarioValue(scenario, 'lossPercent') > 0) return LOSS_RECOVERY_MS;
  return scenario.clients > BUSY_FLEET_CLIENTS ? busyCallMs(scenario.clients) : undefined;
}

/** A plain call to a child process, longer past BUSY_FLEET_CLIENTS clients. */
function busyCallMs(clients: number): number {
  return CALL_TIMEOUT_MS + Math.max(0, clients - BUSY_FLEET_CLIENTS) * CALL_MS_PER_BUSY_CLIENT;
}

/** Beyond the schedule's own length: the last publishes of a loaded server run late. */
const SCHEDULE_SLACK_MS = 30_000;

/**
 * How long a client gives an attempt before it calls it lost and retries. Behind nginx, nginx decides: it answers
 * 504 once its upstream has been silent for its read timeout, and the client waits for that answer as a browser's
 * request (which has no timeout of its own) would, rather than giving up first; a little longer, so nginx's answer
 * comes before the client's deadline. Otherwise the clients' default.
 */
export function clientDeadlineMs(scenario: Pick<Scenario, 'nginxReadTimeoutSec' | 'proxy'>, behindNginx: boolean): number {
  return behindNginx || scenarioValue(scenario, 'proxy') === 'nginx'
    ? scenarioValue(scenario, 'nginxReadTimeoutSec') * 1000 + DEFAULT_CONNECT_TIMEOUT_MS
    : DEFAULT_CONNECT_TIMEOUT_MS;
}

/**
 * A publisher process gives a publish up this long after its first request, retries included: just beyond the 60 s
 * a gateway waits for its upstream by default (nginx's proxy and FastCGI read timeouts), so that the gateway's own
 * answer (a 504) comes first. The schedule's budget grows by as much when a publisher process publishes.
 */
export const PUBLISH_GIVE_UP_MS = 65_000;

/**
 * Rounds a publish behind a stalled pool of PHP workers may take: each waits in the pool's queue until nginx answers
 * 504 at its read timeout. PHP may still run that attempt later (its key stores it once), and the next attempt
 * queues again. The first round is the stall as it is; two more see it through the polls' holds ending.
 */
export const PUBLISH_ROUNDS_BEHIND_POOL = 3;

/** How long a publisher process gives one attempt, and each publish in all (PublisherSchedule's limits), ms. */
export function publishLimits(
  scenario: Pick<Scenario, 'nginxReadTimeoutSec' | 'proxy'>,
  behindPool: boolean,
): { attemptTimeoutMs: number; giveUpMs: number } {
  if (!behindPool) return { attemptTimeoutMs: PUBLISH_GIVE_UP_MS, giveUpMs: PUBLISH_GIVE_UP_MS };
  // Beyond the gateway's own deadline, so that its 504 comes first.
  const attemptTimeoutMs = clientDeadlineMs(scenario, true);
  return { attemptTimeoutMs, giveUpMs: PUBLISH_ROUNDS_BEHIND_POOL * attemptTimeoutMs };
}

/** Every time limit of one run, in ms. */
export interface RunBudgets {
  /** Starting a child's server, proxy or clients (the child boots in this time too). */
  startMs: number;
  /** Starting the clients: as startMs for simulated ones; a real browser opens a context per client first. */
  clientStartMs: number;
  /** A call that does no waiting of its own. */
  callMs: number;
  /** From opening the window until every client has had an answer or is held by the server. */
  connectMs: number;
  /** The whole publish schedule, on one server or on both sides of a restart. */
  scheduleMs: number;
  /** A publisher process's limits on each attempt and each publish (its schedule's budget includes the latter). */
  publish: { attemptTimeoutMs: number; giveUpMs: number };
  /** After the schedule: until every client has the last message. */
  drainMs: number;
  /** Held requests reaching the server, clients going idle, the server seeing every connection close. */
  settleMs: number;
  /** Stopping a server process at the end of the run (it closes its connections first). */
  serverStopMs: number;
  /** Stopping a client or proxy process. */
  childStopMs: number;
}

/**
 * The time limits of a run of `scenario`. Every wait that depends on the clients grows with their number, and
 * allows for the emulated network: a round trip costs two one-way delays (and jitter), and a wait may need two.
 */
export function runBudgets(
  scenario: Pick<
    Scenario,
    | 'clients'
    | 'pollIntervalMs'
    | 'durationSec'
    | 'delayMs'
    | 'jitterMs'
    | 'lossPercent'
    | 'restartAtSec'
    | 'longPollTimeoutMs'
    | 'serverProcesses'
    | 'nginxReadTimeoutSec'
    | 'fleet'
    | 'publisher'
    | 'connectRatePerSec'
  >,
  behindPool = false,
): RunBudgets {
  const lossRecoveryMs = scenarioValue(scenario, 'lossPercent') > 0 ? LOSS_RECOVERY_MS : 0;
  const roundTrips = 4 * (scenarioValue(scenario, 'delayMs') + scenarioValue(scenario, 'jitterMs')) + lossRecoveryMs;
  const perClientSettle = scenario.clients * SETTLE_MS_PER_CLIENT;
  // After a kill, a client may be waiting on an attempt the dying server swallowed: it gives that up only at its
  // deadline (the connect timeout beyond the longest hold, a long poll's), then waits its longest backoff.
  const faultRecoveryMs =
    scenario.restartAtSec === undefined ? 0 : DEFAULT_CONNECT_TIMEOUT_MS + scenario.longPollTimeoutMs + DEFAULT_RECONNECT_MAX_MS;
  // Behind a pool of PHP workers, the last message may wait in the queue for a worker until nginx gives up on its
  // publish or on a poll (its read timeout), then for the retry and a whole hold: that is the stall being measured.
  const poolMs = behindPool ? scenarioValue(scenario, 'nginxReadTimeoutSec') * 1000 + scenario.longPollTimeoutMs + DEFAULT_RECONNECT_MAX_MS : 0;
  const publish = publishLimits(scenario, behindPool);
  return {
    // A cluster's primary starts its workers one after the other, each within START_TIMEOUT_MS.
    startMs: START_TIMEOUT_MS * scenarioValue(scenario, 'serverProcesses'),
    clientStartMs: START_TIMEOUT_MS + (scenarioValue(scenario, 'fleet') === 'chromium' ? scenario.clients * BROWSER_CLIENT_OPEN_MS : 0),
    callMs: busyCallMs(scenario.clients),
    // A short-polling client is in after its first poll, which may come a whole interval after it starts (or the
    // whole ramp, with a connect rate).
    connectMs:
      Math.max(scenario.pollIntervalMs, connectRampMs(scenario.clients, scenarioValue(scenario, 'connectRatePerSec'))) +
      CONNECT_GRACE_MS +
      scenario.clients * CONNECT_MS_PER_CLIENT +
      roundTrips,
    scheduleMs: scenario.durationSec * 1000 + SCHEDULE_SLACK_MS + (scenarioValue(scenario, 'publisher') === 'in-process' ? 0 : publish.giveUpMs),
    publish,
    // The last message may be published just after a short poll: the next one comes an interval later.
    drainMs: Math.max(2 * scenario.pollIntervalMs, DRAIN_FLOOR_MS) + perClientSettle + roundTrips + faultRecoveryMs + poolMs,
    settleMs: SETTLE_TIMEOUT_MS + perClientSettle + roundTrips,
    serverStopMs: SETTLE_TIMEOUT_MS,
    childStopMs: CHILD_STOP_MS,
  };
}
