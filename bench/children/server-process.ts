import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
import { startPushServer, type PushServer } from '../../servers/app.js';
import { nowMs } from '../../servers/contract/message.js';
import { delay, serveRpc } from '../ipc/rpc.js';
import { settledRssBytes } from '../measure/memory.js';
import { LoadMonitor, LOOP_RESOLUTION_MS, loopDelayUs } from '../measure/process-load.js';
import type { ScheduleReport, ServerProtocol } from '../ipc/protocol.js';
import { playSchedule } from '../plan/schedule.js';
import { ServerTimeline } from '../measure/server-timeline.js';
import { BLOCKING_PROXY_HOOKS, servedStrategies } from '../fleet/upgrade-fallback.js';
import { apiPublishTarget } from '../publisher/http-channel.js';
import { mountFleetPage } from '../fleet/fleet-page.js';

let server: PushServer | undefined;
let cpuAtOpen: NodeJS.CpuUsage | undefined;
let loopDelay: IntervalHistogram | undefined;
/** Memory over time is what a soak run is for; a sample a second is cheap at any run length. */
const RSS_SAMPLE_MS = 1_000;
const rssSamples: [number, number][] = [];
/** Taken with each RSS sample: what long polling parks on the server (claim C3) shows only over time. */
const attachedSamples: [number, number][] = [];
let publishingSpanMs: [number, number] | undefined;
/** A publisher process's schedule: this process's load while it ran, and when it began (ms since openWindow). */
const publishingLoad = new LoadMonitor();
let publishingStartedAt = 0;
/** The strategy this process serves, and when openWindow was called: the origin of every sample's time. */
let servedStrategy = '';
let served: string[] = [];
let samplesOrigin = 0;
let rssSampler: NodeJS.Timeout | undefined;
let sampleRss: (() => void) | undefined;
let windowOpenedAt = 0;
/** RSS with no client and with all of them connected: the difference is what the connections cost. */
let rssBeforeClientsBytes: number | undefined;
let connectedSample: { rssBytes: number; connections: number } | undefined;
let sampleCpuMs = 0;
/** The idle baseline, measured before the window opens. */
let idle: { cpuMs: number; windowMs: number } | undefined;
/** CPU and accepts per 100 ms from the start: a fault run's replacement draws the reconnect storm with it. */
const timeline = new ServerTimeline();

serveRpc<ServerProtocol>({
  async start({ strategy, longPollTimeoutMs, port, firstSeq, publishLog, blockedUpgrade, fleetPage, wsPerMessageDeflate, publishToken }) {
    servedStrategy = strategy;
    served = servedStrategies(strategy, { blockedUpgrade });
    server = await startPushServer({
      strategies: served,
      limits: { longPollTimeoutMs, ...(wsPerMessageDeflate !== undefined && { wsPerMessageDeflate }) },
      port: port ?? 0,
      host: '127.0.0.1',
      firstSeq,
      ...(publishToken !== undefined && { security: { publishToken } }),
      ...(served.length > 1 && { hooks: BLOCKING_PROXY_HOOKS }),
    });
    timeline.watch(server.httpServer);
    if (fleetPage) await mountFleetPage(server.extraRoutes);
    // Written before the message is stored, so whatever a client could have seen is in the log when we die.
    if (publishLog) server.source.on('publishing', ({ seq }) => appendFileSync(publishLog, `${seq}\n`));
    return { url: server.url, publish: apiPublishTarget(server.url, publishToken) };
  },

  async measureIdle({ windowMs }) {
    // The monitors of the window, so that the baseline is what they cost too: event-loop delay, a sample a second.
    const monitor = new LoadMonitor();
    const sampler = setInterval(() => {
      process.memoryUsage.rss();
      requireServer().stats();
    }, RSS_SAMPLE_MS);
    monitor.start();
    await delay(windowMs);
    const { cpuMs, windowMs: measuredMs } = monitor.stop();
    clearInterval(sampler);
    idle = { cpuMs, windowMs: measuredMs };
  },

  openWindow() {
    const openedAt = performance.now();
    samplesOrigin = openedAt;
    const sample = () => {
      const at = Math.round(performance.now() - openedAt);
      rssSamples.push([at, process.memoryUsage.rss()]);
      const strategies = server?.stats().strategies ?? {};
      attachedSamples.push([at, namesOf(servedStrategy).reduce((total, name) => total + (strategies[name]?.attached ?? 0), 0)]);
    };
    sample();
    rssSampler = setInterval(sample, RSS_SAMPLE_MS);
    rssSampler.unref();
    sampleRss = sample;
    rssBeforeClientsBytes = settledRssBytes();
    windowOpenedAt = performance.now();
    cpuAtOpen = process.cpuUsage();
    loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loopDelay.enable();
  },

  async runSchedule({ offsetsMs, durationMs, payloadBytes, payloads, startAtMs }) {
    const source = requireServer().source;
    const filler = 'x'.repeat(payloadBytes);
    const startedAt = startAtMs === undefined ? performance.now() : performance.now() - (nowMs() - startAtMs);
    const spanStart = Math.round(performance.now() - samplesOrigin);
    const report: ScheduleReport = { published: 0, lastSeq: source.head, latePublishes: 0, maxLagMs: 0 };
    const monitor = new LoadMonitor();
    monitor.start();
    await playSchedule({ offsetsMs, durationMs, startedAt }, report, () => {
      report.lastSeq = source.publish(payloads && payloads.length > 0 ? payloads[report.published % payloads.length] : filler).seq;
      report.published++;
    });
    publishingSpanMs = [spanStart, Math.round(performance.now() - samplesOrigin)];
    return { ...report, load: monitor.stop() };
  },

  publishingStarts() {
    publishingStartedAt = Math.round(performance.now() - samplesOrigin);
    publishingLoad.start();
  },

  publishingEnds() {
    publishingSpanMs = [publishingStartedAt, Math.round(performance.now() - samplesOrigin)];
    return publishingLoad.stop();
  },

  attached({ strategy }) {
    const { strategies } = requireServer().stats();
    return namesOf(strategy).reduce((total, name) => total + (strategies[name]?.attached ?? 0), 0);
  },

  strategyTraffic({ strategy }) {
    const { strategies } = requireServer().stats();
    const traffic = { requests: 0, bytes: { clientToServer: 0, serverToClient: 0 } };
    for (const name of namesOf(strategy)) {
      traffic.requests += strategies[name]?.requests ?? 0;
      traffic.bytes.clientToServer += strategies[name]?.bytes.clientToServer ?? 0;
      traffic.bytes.serverToClient += strategies[name]?.bytes.serverToClient ?? 0;
    }
    return traffic;
  },

  markConnected({ strategy }) {
    const before = process.cpuUsage();
    const rssBytes = settledRssBytes();
    connectedSample = { rssBytes, connections: openConnections(requireServer(), strategy) };
    // The forced collection is the bench's, not the strategy's: it is kept out of the server's CPU time.
    const spent = process.cpuUsage(before);
    sampleCpuMs += (spent.user + spent.system) / 1000;
  },

  async collect({ strategy, closeTimeoutMs }) {
    const pushServer = requireServer();
    const deadline = performance.now() + closeTimeoutMs;
    while (openConnections(pushServer, strategy) > 0 && performance.now() < deadline) await delay(5);
    const cpu = process.cpuUsage(cpuAtOpen);
    clearInterval(rssSampler);
    sampleRss?.();
    loopDelay?.disable();
    const stats = pushServer.stats();
    return {
      stats,
      cpuMs: (cpu.user + cpu.system) / 1000 - sampleCpuMs,
      eventLoopDelayP99Us: loopDelay && loopDelay.count > 0 ? loopDelayUs(loopDelay.percentile(99)) : 0,
      peakRssBytes: stats.process.peakRssBytes,
      rssSamples,
      attachedSamples,
      publishingSpanMs,
      eventLoopDelayMaxUs: loopDelay && loopDelay.count > 0 ? loopDelayUs(loopDelay.max) : 0,
      windowMs: Math.round(performance.now() - windowOpenedAt),
      ...(idle && { idleCpuMs: Math.round(idle.cpuMs * 10) / 10, idleWindowMs: Math.round(idle.windowMs) }),
      rssBeforeClientsBytes,
      rssConnectedBytes: connectedSample?.rssBytes,
      connectionsAtRssSample: connectedSample?.connections,
    };
  },

  timeline: () => timeline.read(),

  // The embedded log has no broker.
  brokerTraffic: () => null,

  killOne() {
    throw new Error('the memory source runs one server process: a fault run replaces it (bench/run/restart.ts)');
  },

  async shutdown() {
    await server?.close();
    // Exit once the reply has had a chance to leave; the harness SIGKILLs if it does not.
    setTimeout(() => process.exit(0), 20).unref();
  },
});

function requireServer(): PushServer {
  if (!server) throw new Error('server not started');
  return server;
}

function openConnections(pushServer: PushServer, strategy: string): number {
  const { strategies } = pushServer.stats();
  return namesOf(strategy).reduce((total, name) => total + (strategies[name]?.connections.open ?? 0), 0);
}

/** The strategies whose clients are the run's: the one served, and its fallback on a blocked-upgrade run. */
function namesOf(strategy: string): string[] {
  return strategy === servedStrategy ? served : [strategy];
}
