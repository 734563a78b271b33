import type { CapacityFigures, CapacityResult, RunResult, ServerCost, TrafficWindow } from './results.js';

/**
 * The figures strategies are compared by, per delivered message. Raw totals depend on the run's length and
 * client count; dividing by delivered messages makes strategies (and two runs) comparable. The terminal summary,
 * the report and the peer ratios all read them from here. Every value is null when its divisor is zero, so a
 * rendering prints "—" instead of Infinity or NaN.
 */
export interface PerDeliveredMessage {
  delivered: number;
  requestsPerDelivered: number | null;
  withMessagesPerDelivered: number | null;
  emptyPerDelivered: number | null;
  failedPerDelivered: number | null;
  /**
   * Requests that neither carried messages, came back empty nor failed: a WebSocket handshake, a request cut
   * at shutdown. Counted so that the stacked requests chart adds up to requestsPerDelivered.
   */
  otherPerDelivered: number | null;
  /** empty / total requests. */
  emptyShare: number | null;
  bytesUpPerDelivered: number | null;
  bytesDownPerDelivered: number | null;
  bytesTotalPerDelivered: number | null;
  payloadPerDelivered: number | null;
  /** (client→server + server→client) / payload bytes: 1.0 would be a wire that carries nothing but payload. */
  overheadRatio: number | null;
  /** Server CPU milliseconds per 1,000 delivered messages, above the idle baseline (serverCpuMs). */
  cpuMsPerThousand: number | null;
}

/**
 * Below this share of one core above idle, over the publishing window, a run's server CPU is not a finding: the
 * process's fixed costs (timers, sampling, the harness's calls, a garbage collection) outweigh what delivering
 * cost, and two runs differ by chance. The report greys such a figure, and no verdict compares it. 10 % of a core
 * is about 100 ms of CPU a second: the quick preset's runs spend 2 to 6 %, the peers preset's 15 to 100 %.
 */
export const CPU_JUDGED_SHARE = 0.1;

/** Share of one core the idle server process used (the baseline before its clients), or null when not measured. */
export function idleCpuShare(server: Pick<ServerCost, 'idleCpuMs' | 'idleWindowMs'>): number | null {
  const { idleCpuMs, idleWindowMs } = server;
  return idleCpuMs !== undefined && idleWindowMs !== undefined && idleWindowMs > 0 ? idleCpuMs / idleWindowMs : null;
}

/**
 * The server's CPU over the run that delivering cost: its CPU minus what the idle process would have spent in the
 * same window (never below zero). The CPU as measured when the baseline or the window was not recorded.
 */
export function serverCpuMs(server: Pick<ServerCost, 'cpuMs' | 'windowMs' | 'idleCpuMs' | 'idleWindowMs'>): number {
  const idle = idleCpuShare(server);
  if (idle === null || server.windowMs === undefined) return server.cpuMs;
  return Math.max(0, server.cpuMs - idle * server.windowMs);
}

/**
 * How busy the server was with the run, as a share of one core above idle: over the publishing window (the
 * steady load), or the whole window in results written before it was recorded. Null when neither was recorded.
 */
export function serverBusyShare(server: ServerCost): number | null {
  const measured =
    server.publishingCpuMs !== undefined && server.publishingWindowMs !== undefined && server.publishingWindowMs > 0
      ? server.publishingCpuMs / server.publishingWindowMs
      : server.windowMs !== undefined && server.windowMs > 0
        ? server.cpuMs / server.windowMs
        : null;
  return measured === null ? null : Math.max(0, measured - (idleCpuShare(server) ?? 0));
}

/**
 * Whether a run's server CPU means something (CPU_JUDGED_SHARE): results too old to tell are taken as they are.
 * Every figure of CPU per delivered message, per request or per CPU-second reads this before it is compared.
 */
export function cpuJudged(run: Pick<RunResult, 'server'>): boolean {
  const busy = serverBusyShare(run.server);
  return busy === null || busy >= CPU_JUDGED_SHARE;
}

type Counts = Pick<RunResult, 'messages' | 'requests' | 'bytes' | 'server'>;

export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

export function perDeliveredMessage(run: Counts): PerDeliveredMessage {
  const { delivered } = run.messages;
  const { total, withMessages, empty, failed } = run.requests;
  const { clientToServer, serverToClient, payload } = run.bytes;
  const other = Math.max(0, total - withMessages - empty - failed);
  return {
    delivered,
    requestsPerDelivered: ratio(total, delivered),
    withMessagesPerDelivered: ratio(withMessages, delivered),
    emptyPerDelivered: ratio(empty, delivered),
    failedPerDelivered: ratio(failed, delivered),
    otherPerDelivered: ratio(other, delivered),
    emptyShare: ratio(empty, total),
    bytesUpPerDelivered: ratio(clientToServer, delivered),
    bytesDownPerDelivered: ratio(serverToClient, delivered),
    bytesTotalPerDelivered: ratio(clientToServer + serverToClient, delivered),
    payloadPerDelivered: ratio(payload, delivered),
    overheadRatio: ratio(clientToServer + serverToClient, payload),
    cpuMsPerThousand: ratio(serverCpuMs(run.server) * 1000, delivered),
  };
}

/**
 * The same cost the other way up: delivered messages per second of server CPU, the most one core could sustain
 * at that cost (the open-loop schedule makes every valid run deliver the same messages in the same time).
 */
export function deliveriesPerCpuSecond(run: Pick<RunResult, 'messages' | 'server'>): number | null {
  return ratio(run.messages.delivered, serverCpuMs(run.server) / 1000);
}

/**
 * Clients one core serves, from a capacity probe: a short-polling client costs one request per interval, so one
 * core answering R requests per CPU-second serves R × interval clients.
 */
export function shortPollClientsPerCore(capacity: { requestsPerSec: number; serverCpuShare: number }, pollIntervalMs: number): number | null {
  if (capacity.serverCpuShare <= 0) return null;
  return (capacity.requestsPerSec / capacity.serverCpuShare) * (pollIntervalMs / 1000);
}

/** The same for push: a core that writes M messages per CPU-second serves M / rate clients receiving `rate` msg/s each. */
export function pushClientsPerCore(deliveredMessages: number, serverCpuMs: number, ratePerClient: number): number | null {
  if (serverCpuMs <= 0 || ratePerClient <= 0) return null;
  return deliveredMessages / (serverCpuMs / 1000) / ratePerClient;
}

/**
 * Server CPU per HTTP request, microseconds: the whole run's server CPU over every request the clients sent. For a
 * polling strategy, whose every request is answered by the same handler, this is what one request costs the
 * server — the figure that tells what a framework adds per request.
 */
export function serverCpuUsPerRequest(run: Pick<RunResult, 'requests' | 'server'>): number | null {
  return ratio(serverCpuMs(run.server) * 1000, run.requests.total);
}

/**
 * Requests the simulated clients send per second of their own CPU, over the steady window (all client
 * processes together): how much load one core of load generator makes. Null for a run without requests in that
 * window (a push strategy once connected) or without the window's CPU (results written before it was recorded).
 */
export function clientRequestsPerCpuSecond(steady: Pick<TrafficWindow, 'requests' | 'clientCpuMs'> | undefined): number | null {
  if (!steady || steady.clientCpuMs === undefined || steady.requests === 0) return null;
  return ratio(steady.requests, steady.clientCpuMs / 1000);
}

/**
 * A capacity probe's requests/s over those of node:http alone answering the same bytes on the same path (its floor).
 * It reads only the two rates and whether either side failed, and asks for no more, so a caller need not build the rest.
 */
export function floorRatio(
  probe: Pick<CapacityResult, 'requestsPerSec' | 'problem'> & { floor?: Pick<CapacityFigures, 'requestsPerSec' | 'problem'> },
): number | null {
  if (probe.problem !== undefined || !probe.floor || probe.floor.problem !== undefined) return null;
  return ratio(probe.requestsPerSec, probe.floor.requestsPerSec);
}
