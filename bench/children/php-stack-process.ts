import { performance } from 'node:perf_hooks';
import { nowMs } from '../../servers/contract/message.js';
import { ROUTES } from '../../servers/contract/wire.js';
import { connectRedis, type RedisClient } from '../../servers/log/redis/redis-connection.js';
import { RedisLog } from '../../servers/log/redis/redis-log.js';
import { NGINX_STATUS_PATH } from '../../servers/stack/nginx-config.js';
import { PHP_PAGE_PATH, phpStrategyPath } from '../../servers/stack/php-strategies.js';
import { findStackPrograms, startPhpStack, type RunningStack } from '../../servers/stack/stack-process.js';
import { delay, serveRpc } from '../ipc/rpc.js';
import type { ServerProtocol } from '../ipc/protocol.js';
import { readAccessLog } from '../measure/access-log.js';
import { LoadMonitor } from '../measure/process-load.js';
import { PageProbe } from '../measure/page-probe.js';
import { stackAnswers } from '../measure/stack-answers.js';
import { StackSampler } from '../measure/stack-sampler.js';
import { publishIntoRedis } from './redis-publisher.js';

/**
 * The server side of a PHP strategy's run: nginx and PHP-FPM (servers/stack/), started in place of our server
 * process and speaking to the harness as it does. Around the stack it measures what our server would count itself:
 * the pool over time, an ordinary page of the site probed a few times a second, the CPU and memory of every
 * process of the stack, and, from nginx's access log, every answer. Its schedule goes straight into the log in
 * Redis, as our cluster's primary publishes; a publisher that goes through PHP is the publisher's to say.
 */
let stack: RunningStack | undefined;
let sampler: StackSampler | undefined;
let probe: PageProbe | undefined;
let client: RedisClient | undefined;
let publisher: RedisLog | undefined;
let servedStrategy = '';
let servedPath = '';
let originWallMs = 0;
let windowOpenedAt = 0;
let publishingSpanMs: [number, number] | undefined;
let readTimeoutSec = 0;
let publishingStartedAt = 0;
const publishingLoad = new LoadMonitor();

serveRpc<ServerProtocol>({
  async start({ strategy, longPollTimeoutMs, redis, php }) {
    if (!redis || !php) throw new Error('a PHP strategy runs on the Redis source, with its pool (bench/run/phases.ts)');
    const programs = findStackPrograms(true);
    const { hostname, port } = new URL(redis.url);
    servedStrategy = strategy;
    servedPath = phpStrategyPath(strategy);
    readTimeoutSec = php.readTimeoutSec;
    client = await connectRedis(redis.url);
    publisher = new RedisLog(client, redis.keyPrefix);
    stack = await startPhpStack({
      programs,
      redis: { host: hostname, port: Number(port) },
      keyPrefix: redis.keyPrefix,
      workers: php.workers,
      pm: php.pm,
      readTimeoutSec: php.readTimeoutSec,
      requestTerminateTimeoutSec: php.requestTerminateTimeoutSec,
      limits: { longPollTimeoutMs },
    });
    sampler = new StackSampler(stack, { workers: php.workers, pm: php.pm });
    probe = new PageProbe(stack.url, PHP_PAGE_PATH);
    // A publisher process publishes through the PHP site's own /api/publish, as the application's back end would;
    // publish.php stores a publish once per Idempotency-Key, so an attempt nginx gave up on may be tried again.
    return {
      url: stack.url,
      publish: { url: `${stack.url}${ROUTES.publish}`, method: 'POST', headers: { 'content-type': 'application/json' }, idempotent: true },
    };
  },

  // The TLS handshake probe's call: the PHP stack speaks cleartext only (a run over TLS is refused before it starts).
  usage() {
    throw new Error('the PHP stack serves cleartext only: it has no TLS handshakes to measure');
  },

  // A stack of several processes has no one baseline: its CPU is judged as measured (results/metrics.ts).
  measureIdle() {},

  openWindow() {
    originWallMs = nowMs();
    windowOpenedAt = performance.now();
    requireSampler().start();
    probe?.start(windowOpenedAt);
  },

  async runSchedule(schedule) {
    const spanStart = requireSampler().elapsedMs();
    const report = await publishIntoRedis(requirePublisher(), schedule);
    publishingSpanMs = [spanStart, requireSampler().elapsedMs()];
    return report;
  },

  /** A publisher process publishes (through PHP, or into Redis): the span is the stack's publishing window. */
  publishingStarts() {
    publishingStartedAt = requireSampler().elapsedMs();
    publishingLoad.start();
  },

  publishingEnds() {
    publishingSpanMs = [publishingStartedAt, requireSampler().elapsedMs()];
    // This process only watches the stack: the stack's own CPU is in collect's totals.
    return publishingLoad.stop();
  },

  /** Polls the stack holds: in a worker, or queued for one (the page probes of the moment left out). */
  async attached() {
    if (servedPath !== ROUTES.longPoll) return 0;
    const pool = await requireSampler().readPool();
    if (pool === null) return 0;
    return Math.max(0, pool.busy + Math.max(0, pool.queued) - (probe?.inFlight ?? 0));
  },

  markConnected() {},

  /** The strategy's requests and bytes so far, from nginx's access log (a request is in it once answered). */
  strategyTraffic() {
    const entries = readAccessLog(requireStack().layout.accessLog).filter((entry) => entry.path === servedPath);
    return {
      requests: entries.length,
      bytes: {
        clientToServer: entries.reduce((sum, entry) => sum + entry.requestBytes, 0),
        serverToClient: entries.reduce((sum, entry) => sum + entry.sentBytes, 0),
      },
    };
  },

  async collect({ closeTimeoutMs }) {
    const running = requireStack();
    const page = probe!.stop();
    // The clients have hung up: once nginx holds no connection but the one asking, every request is in its log.
    const deadline = performance.now() + closeTimeoutMs;
    while ((await activeConnections(running)) > 1 && performance.now() < deadline) await delay(10);
    const measured = requireSampler().stop();
    const entries = readAccessLog(running.layout.accessLog);
    const memoryAt = measured.memorySamples.map(([at]) => at);
    const counted = stackAnswers(entries, { path: servedPath, publishPath: ROUTES.publish, originWallMs, sampleAtMs: memoryAt });
    const cpuMs = measured.nginx.cpuMs + (measured.phpFpm?.cpuMs ?? 0);
    return {
      stats: { strategies: { [servedStrategy]: counted.counters } },
      cpuMs,
      // No event loop: the stack's processes block, and what that costs shows in its pool (stack).
      eventLoopDelayP99Us: 0,
      eventLoopDelayMaxUs: 0,
      peakRssBytes: measured.nginx.peakRssBytes + (measured.phpFpm?.peakRssBytes ?? 0),
      rssSamples: measured.memorySamples.map(([at, nginx, fpm]) => [at, nginx + fpm]),
      attachedSamples: counted.inProgress,
      publishingSpanMs,
      windowMs: Math.round(performance.now() - windowOpenedAt),
      stack: {
        kind: 'php-fpm',
        nginx: measured.nginx,
        ...(measured.phpFpm && { phpFpm: measured.phpFpm }),
        memorySamples: measured.memorySamples,
        ...(measured.pool && { pool: measured.pool }),
        answers: counted.answers,
        requests: counted.requests,
        gatewayErrors: counted.gatewayErrors,
        workerWaitUs: counted.workerWaitUs,
        page,
        ...(counted.publishes && { publishes: counted.publishes }),
        readTimeoutSec,
      },
    };
  },

  timeline: () => [],

  brokerTraffic: () => null,

  killOne() {
    throw new Error('a PHP strategy runs one stack: no server process to kill');
  },

  async shutdown() {
    probe?.stop();
    await stack?.stop();
    await publisher?.remove().catch(() => {});
    await client?.close().catch(() => client?.destroy());
    setTimeout(() => process.exit(0), 20).unref();
  },
});

/** nginx's open connections (stub_status), ours asking included; 0 when it does not answer. */
async function activeConnections(running: RunningStack): Promise<number> {
  const status = await running.ops(NGINX_STATUS_PATH);
  return Number(/Active connections:\s*(\d+)/.exec(status ?? '')?.[1] ?? 0);
}

function requireStack(): RunningStack {
  if (!stack) throw new Error('stack not started');
  return stack;
}

function requireSampler(): StackSampler {
  if (!sampler) throw new Error('stack not started');
  return sampler;
}

function requirePublisher(): RedisLog {
  if (!publisher) throw new Error('stack not started');
  return publisher;
}
