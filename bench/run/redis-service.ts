import { answerWithin, connectRedis, type RedisClient } from '../../servers/log/redis/redis-connection.js';
import { PUBLISH_TIMEOUT_MS } from '../../servers/log/redis/redis-log.js';
import { processCpuMs, startRedisServer } from '../../servers/log/redis/redis-server.js';
import type { BenchRedis } from './broker.js';

/** The Redis of a bench and how to let it go. */
export interface PreparedRedis {
  redis: BenchRedis;
  /** The redis-server the bench started; null with --redis-url. */
  pid: number | null;
  /** Closes the harness's own connection and stops the redis-server the bench started (not one of --redis-url). */
  stop(): Promise<void>;
}

/**
 * The Redis the runs with the Redis source share: the one at `url` (it must answer now), or a redis-server the
 * bench starts on a free port and stops at the end (also on Ctrl-C or a crash), and does not restart if it dies
 * (`say` tells the user, once; docs/scale-out.md says why). Throws SourceUnavailableError,
 * one line with the install hint, when neither is possible; the CLI prints it and exits 2 before any run.
 *
 * The harness keeps one connection of its own to read Redis's CPU: `INFO cpu` (used_cpu_user + used_cpu_sys,
 * Redis's own getrusage of its process, microsecond resolution, and readable from a Redis on another machine);
 * /proc/<pid>/stat (10 ms ticks) only where INFO cannot be read. Its bytes are not counted as the server
 * processes' traffic: it is the harness's.
 */
export async function prepareBenchRedis(url: string | undefined, say: (line: string) => void = () => {}): Promise<PreparedRedis> {
  const started = url === undefined ? await startRedisServer() : undefined;
  const address = url ?? started!.url;
  // One line per event, never one per failed publish: the runs that fail say so in the results.
  started?.onUnexpectedExit((how) =>
    say(
      `the redis-server the bench started on port ${started.port} exited (${how}); it is not restarted: ` +
        'the runs on the Redis source from now on fail (see docs/scale-out.md)',
    ),
  );
  const watch =
    url === undefined
      ? undefined
      : {
          lost: (reason: string) => say(`Redis at ${url} stopped answering (${reason}); runs on the Redis source fail until it is back`),
          back: () => say(`Redis at ${url} answers again`),
        };
  let admin: RedisClient;
  try {
    admin = await connectRedis(address, watch);
  } catch (error) {
    await started?.stop();
    throw error;
  }
  const pid = started?.pid ?? null;
  return {
    pid,
    redis: {
      url: address,
      cpuMs: async () => {
        try {
          // A frozen Redis must not hang the harness: past the timeout, its CPU is read from /proc (or unknown).
          return parseInfoCpuMs(String(await answerWithin(admin.sendCommand(['INFO', 'cpu']), PUBLISH_TIMEOUT_MS, 'INFO cpu')));
        } catch {
          return pid === null ? null : processCpuMs(pid);
        }
      },
    },
    async stop() {
      await admin.close().catch(() => admin.destroy());
      await started?.stop();
    },
  };
}

/** used_cpu_user + used_cpu_sys of an INFO cpu reply, ms; null when they are not in it. */
export function parseInfoCpuMs(info: string): number | null {
  const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
  const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
  if (user === undefined || sys === undefined) return null;
  return Math.round((Number(user) + Number(sys)) * 1_000_000) / 1000;
}
