import { startPushServer, type PushServer } from '../../servers/app.js';
import { RedisMessageSource } from '../../servers/log/redis/redis-message-source.js';
import { redisTraffic } from '../../servers/log/redis/redis-traffic.js';
import type { WorkerProtocol } from '../ipc/cluster-protocol.js';
import { delay, serveRpc } from '../ipc/rpc.js';
import { settledRssBytes } from '../measure/memory.js';
import { LoadMonitor } from '../measure/process-load.js';
import { ServerTimeline } from '../measure/server-timeline.js';

/**
 * One server process of a cluster run: a PushServer on the cluster's shared port, reading the run's log from
 * Redis through its own mirror and blocking reader. Started by bench/children/cluster-process.ts with node:cluster; it
 * exits with its primary (node:cluster ends a worker whose IPC channel closes).
 */
let server: PushServer<RedisMessageSource> | undefined;
const timeline = new ServerTimeline();
const monitor = new LoadMonitor();
let rssBeforeClientsBytes: number | undefined;
let connected: { rssBytes: number; connections: number } | undefined;
/** CPU of the forced collections, kept out of the server's CPU as in bench/children/server-process.ts. */
let sampleCpuMs = 0;

serveRpc<WorkerProtocol>({
  async start({ strategy, longPollTimeoutMs, port, redisUrl, keyPrefix, publishToken }) {
    const source = await RedisMessageSource.open({ url: redisUrl, keyPrefix });
    server = await startPushServer({
      strategies: [strategy],
      limits: { longPollTimeoutMs },
      port,
      host: '127.0.0.1',
      source,
      ...(publishToken !== undefined && { security: { publishToken } }),
    });
    timeline.watch(server.httpServer);
    // A replacement started mid-run counts from here; the first workers count from openWindow.
    monitor.start();
    return { port: Number(new URL(server.url).port) };
  },

  openWindow() {
    rssBeforeClientsBytes = settledRssBytes();
    monitor.start();
  },

  attached: ({ strategy }) => requireServer().stats().strategies[strategy]?.attached ?? 0,
  strategyTraffic: ({ strategy }) => {
    const counters = requireServer().stats().strategies[strategy];
    return { requests: counters?.requests ?? 0, bytes: counters?.bytes ?? { clientToServer: 0, serverToClient: 0 } };
  },

  markConnected({ strategy }) {
    const before = process.cpuUsage();
    connected = { rssBytes: settledRssBytes(), connections: openConnections(strategy) };
    const spent = process.cpuUsage(before);
    sampleCpuMs += (spent.user + spent.system) / 1000;
  },

  async collect({ strategy, closeTimeoutMs }) {
    const deadline = Date.now() + closeTimeoutMs;
    while (openConnections(strategy) > 0 && Date.now() < deadline) await delay(5);
    const load = monitor.read();
    const stats = requireServer().stats();
    return {
      stats,
      cpuMs: load.cpuMs - sampleCpuMs,
      eventLoopDelayP99Us: load.eventLoopDelayP99Us,
      eventLoopDelayMaxUs: load.eventLoopDelayMaxUs,
      peakRssBytes: stats.process.peakRssBytes,
      rssBeforeClientsBytes,
      rssConnectedBytes: connected?.rssBytes,
      connectionsAtRssSample: connected?.connections,
    };
  },

  timeline: () => timeline.read(),
  redisTraffic: () => redisTraffic(),

  async shutdown() {
    await server?.close();
    await server?.source.close();
    setTimeout(() => process.exit(0), 20).unref();
  },
});

function requireServer(): PushServer<RedisMessageSource> {
  if (!server) throw new Error('worker not started');
  return server;
}

function openConnections(strategy: string): number {
  return requireServer().stats().strategies[strategy]?.connections.open ?? 0;
}
