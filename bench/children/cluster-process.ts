import type { CertificatePem } from '../../servers/wire/certificate.js';
import cluster from 'node:cluster';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { nowMs } from '../../servers/contract/message.js';
import { connectRedis, type RedisClient } from '../../servers/log/redis/redis-connection.js';
import { RedisLog } from '../../servers/log/redis/redis-log.js';
import { redisTraffic, type RedisTraffic } from '../../servers/log/redis/redis-traffic.js';
import { START_TIMEOUT_MS } from '../plan/budgets.js';
import type { WorkerProtocol, WorkerReport } from '../ipc/cluster-protocol.js';
import { mergeServerStats } from './cluster-stats.js';
import { RpcChild, serveRpc } from '../ipc/rpc.js';
import { LoadMonitor } from '../measure/process-load.js';
import type { RedisRunOptions, ServerProtocol, ServerReport } from '../ipc/protocol.js';
import { publishIntoRedis } from './redis-publisher.js';
import { mergeTimelines, ServerTimeline } from '../measure/server-timeline.js';
import { apiPublishTarget } from '../publisher/http-channel.js';

/**
 * The server side of a run with the Redis source: a node:cluster primary and its workers (bench/children/cluster-worker.ts),
 * all behind one port. The primary distributes the connections round-robin (SCHED_RR, Node's default on Linux:
 * it accepts each connection and hands it to the next worker, so the clients spread evenly over the processes,
 * which the kernel's own spreading does not promise). It is also the application back end that publishes the
 * schedule into the log; so when a worker is killed, publishing goes on and nothing published is lost.
 */
const WORKER_FILE = fileURLToPath(new URL('./cluster-worker.ts', import.meta.url));
/**
 * A worker's plain calls (stats, timeline, traffic) do no waiting of their own, but they queue on the worker's IPC
 * channel behind the connections handed to it, each acknowledged in turn: while thousands of clients connect, a
 * call waits seconds. The least a call gets; the harness's own budget, less a second, when it is longer.
 */
const WORKER_CALL_MS = 5_000;
const WORKER_CALL_MARGIN_MS = 1_000;
let workerCallMs = WORKER_CALL_MS;

cluster.schedulingPolicy = cluster.SCHED_RR;
// Workers start with this process's flags (tsx), speak the harness's serialization, and have their stderr piped
// (silent) so a crash is reported with its last line, as for any child of the bench.
cluster.setupPrimary({ exec: WORKER_FILE, execArgv: process.execArgv, serialization: 'advanced', silent: true });

let options: { strategy: string; longPollTimeoutMs: number; redis: RedisRunOptions; tls?: CertificatePem; publishToken?: string } | undefined;
let port = 0;
/**
 * The port argument the cluster's listening socket was opened with. node:cluster shares one socket between
 * the workers that listen with the same arguments: with 0 while any worker is alive (a second socket on the
 * same port would not bind), with the port itself once none is (the socket closed with the last worker).
 */
let listenArg = 0;
let forked = 0;
const workers: RpcChild<WorkerProtocol>[] = [];
let client: RedisClient | undefined;
let publisher: RedisLog | undefined;
/** Publishes Redis has acknowledged so far in the current schedule. */
let stored = 0;
const ownLoad = new LoadMonitor();
/** The primary's load while a publisher process plays the schedule. */
const publishingLoad = new LoadMonitor();
/** The primary's CPU per 100 ms (it accepts and hands over every connection); its accepts are counted by the workers. */
const ownTimeline = new ServerTimeline();
let windowOpenedAt = 0;

serveRpc<ServerProtocol>({
  async start({ strategy, longPollTimeoutMs, port: givenPort, redis, tls, publishToken, callMs }) {
    if (!redis)
      throw new Error('bench/children/cluster-process.ts serves the Redis source; the memory source runs in bench/children/server-process.ts');
    workerCallMs = Math.max(WORKER_CALL_MS, (callMs ?? 0) - WORKER_CALL_MARGIN_MS);
    options = { strategy, longPollTimeoutMs, redis, ...(tls && { tls }), ...(publishToken !== undefined && { publishToken }) };
    client = await connectRedis(redis.url);
    publisher = new RedisLog(client, redis.keyPrefix);
    await publisher.syncClock();
    // The first worker opens the socket (on a free port); the others share it.
    listenArg = givenPort ?? 0;
    port = await forkWorker(listenArg);
    await Promise.all(Array.from({ length: redis.processes - 1 }, () => forkWorker(listenArg)));
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    // Every worker serves the API on the shared port: a publish reaches whichever the primary hands it to.
    return { url, publish: apiPublishTarget(url, publishToken) };
  },

  // Several processes have no one baseline: their CPU is judged as measured (results/metrics.ts).
  measureIdle() {},

  async openWindow() {
    await Promise.all(workers.map((worker) => worker.call('openWindow', undefined, workerCallMs)));
    ownLoad.start();
    windowOpenedAt = performance.now();
  },

  async runSchedule(schedule) {
    stored = 0;
    return publishIntoRedis(requirePublisher(), schedule, () => stored++);
  },

  /** As with its own schedule, the load measured is the primary's: the workers' is in collect's totals. */
  publishingStarts() {
    publishingLoad.start();
  },

  publishingEnds: () => publishingLoad.stop(),

  async attached({ strategy }) {
    const counts = await Promise.all(workers.map((worker) => worker.call('attached', { strategy }, workerCallMs)));
    return counts.reduce((a, b) => a + b, 0);
  },

  async strategyTraffic({ strategy }) {
    const counts = await Promise.all(workers.map((worker) => worker.call('strategyTraffic', { strategy }, workerCallMs)));
    return {
      requests: counts.reduce((total, c) => total + c.requests, 0),
      bytes: {
        clientToServer: counts.reduce((total, c) => total + c.bytes.clientToServer, 0),
        serverToClient: counts.reduce((total, c) => total + c.bytes.serverToClient, 0),
      },
    };
  },

  async markConnected({ strategy }) {
    await Promise.all(workers.map((worker) => worker.call('markConnected', { strategy }, workerCallMs)));
  },

  async collect({ strategy, closeTimeoutMs }) {
    const reports = await Promise.all(workers.map((worker) => worker.call('collect', { strategy, closeTimeoutMs }, closeTimeoutMs + workerCallMs)));
    return mergeReports(reports, ownLoad.read().cpuMs, Math.round(performance.now() - windowOpenedAt));
  },

  async timeline() {
    const timelines = await Promise.all(workers.map((worker) => worker.call('timeline', undefined, workerCallMs)));
    return mergeTimelines([...timelines, ownTimeline.read()]);
  },

  async brokerTraffic() {
    const traffic = await Promise.all(workers.map((worker) => worker.call('redisTraffic', undefined, workerCallMs)));
    return [...traffic, redisTraffic()].reduce(addTraffic);
  },

  /** SIGKILLs the first worker (about 1/N of the clients) and starts a new one on the port, as a supervisor would. */
  usage() {
    throw new Error('the handshake probe runs against one server process (bench/children/server-process.ts)');
  },

  async killOne() {
    const victim = workers.shift();
    if (!victim) throw new Error('no server process to kill');
    const killedAtMs = nowMs();
    const publishedBeforeKill = stored;
    // Off the round robin in the same tick as the SIGKILL, as a lone process's listening socket dies with it.
    // Otherwise the primary hands the first connection that arrives before it sees the death to the dead worker,
    // and never closes a connection it handed over that was not acknowledged (nodejs/node#21746): that client's
    // attempt would be accepted and never answered (it gives it up only at its connect timeout).
    victim.process.disconnect();
    victim.kill();
    await victim.exited;
    if (workers.length === 0) listenArg = port;
    await forkWorker(listenArg);
    return { killedAtMs, publishedBeforeKill };
  },

  async shutdown() {
    await Promise.all(workers.map((worker) => worker.stop('shutdown', 2_000)));
    // The run's log goes with the run: on a shared Redis (--redis-url) runs must not pile up their rings.
    await publisher?.remove().catch(() => {});
    await client?.close().catch(() => client?.destroy());
    ownTimeline.stop();
    setTimeout(() => process.exit(0), 20).unref();
  },
});

async function forkWorker(listenOn: number): Promise<number> {
  if (!options) throw new Error('cluster not started');
  const worker = cluster.fork();
  // Nothing is read from a worker's stdout; a full pipe would stall it.
  worker.process.stdout?.resume();
  const rpc = new RpcChild<WorkerProtocol>(`server process ${++forked}`, worker.process);
  const { strategy, longPollTimeoutMs, redis, tls, publishToken } = options;
  const started = await rpc.call(
    'start',
    { strategy, longPollTimeoutMs, port: listenOn, redisUrl: redis.url, keyPrefix: redis.keyPrefix, publishToken, ...(tls && { tls }) },
    START_TIMEOUT_MS,
  );
  workers.push(rpc);
  return started.port;
}

function requirePublisher(): RedisLog {
  if (!publisher) throw new Error('cluster not started');
  return publisher;
}

function addTraffic(a: RedisTraffic, b: RedisTraffic): RedisTraffic {
  return { bytesToRedis: a.bytesToRedis + b.bytesToRedis, bytesFromRedis: a.bytesFromRedis + b.bytesFromRedis };
}

/**
 * The workers' reports as one server's: counts and CPU add up (the primary's own CPU included: it accepts every
 * connection and publishes), the event-loop delay is the worst worker's, memory adds up. There is no single RSS
 * curve of several processes: rssSamples stays empty.
 */
function mergeReports(reports: readonly WorkerReport[], primaryCpuMs: number, windowMs: number): ServerReport {
  const sumOf = (pick: (report: WorkerReport) => number | undefined) => {
    const values = reports.map(pick);
    return values.every((v): v is number => v !== undefined) ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  return {
    stats: mergeServerStats(reports.map((r) => r.stats)),
    cpuMs: reports.reduce((total, r) => total + r.cpuMs, primaryCpuMs),
    eventLoopDelayP99Us: Math.max(0, ...reports.map((r) => r.eventLoopDelayP99Us)),
    eventLoopDelayMaxUs: Math.max(0, ...reports.map((r) => r.eventLoopDelayMaxUs)),
    peakRssBytes: sumOf((r) => r.peakRssBytes) ?? 0,
    rssSamples: [],
    windowMs,
    rssBeforeClientsBytes: sumOf((r) => r.rssBeforeClientsBytes),
    rssConnectedBytes: sumOf((r) => r.rssConnectedBytes),
    connectionsAtRssSample: sumOf((r) => r.connectionsAtRssSample),
    heapBeforeClientsBytes: sumOf((r) => r.heapBeforeClientsBytes),
    heapConnectedBytes: sumOf((r) => r.heapConnectedBytes),
  };
}
