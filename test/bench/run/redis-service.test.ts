import { describe, expect, it } from 'vitest';
import { prepareBenchRedis } from '../../../bench/run/redis-service.js';
import { startRedisServer } from '../../../servers/log/redis/redis-server.js';
import { waitFor } from '../../helpers.js';
import { missing } from '../../requirements.js';

describe.skipIf(missing(['redis-server'], "the bench's Redis"))("the bench's Redis", () => {
  it('says once, on one line, that the redis-server it started died, and does not restart it', async () => {
    const lines: string[] = [];
    const prepared = await prepareBenchRedis(undefined, (line) => lines.push(line));
    try {
      const port = Number(new URL(prepared.redis.url).port);
      process.kill(prepared.pid!, 'SIGKILL');
      await waitFor(() => lines.length > 0, 'the line');
      // The harness's own connection to it fails too, and keeps retrying: still one line.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(lines).toEqual([
        `the redis-server the bench started on port ${port} exited (signal SIGKILL); it is not restarted: ` +
          'the runs on the Redis source from now on fail (see docs/scale-out.md)',
      ]);
      // Its CPU cannot be read any more, and asking does not hang.
      expect(await prepared.redis.cpuMs()).toBeNull();
    } finally {
      await prepared.stop();
    }
  });

  it('with --redis-url, says once that Redis stopped answering and once that it is back', async () => {
    const own = await startRedisServer();
    const lines: string[] = [];
    const prepared = await prepareBenchRedis(own.url, (line) => lines.push(line));
    let again: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      await own.stop();
      await waitFor(() => lines.length === 1, 'the outage line');
      expect(lines[0]).toMatch(new RegExp(`^Redis at ${own.url} stopped answering \\(.+\\); runs on the Redis source fail until it is back$`));
      again = await startRedisServer({ port: own.port });
      await waitFor(() => lines.length === 2, 'the line saying it is back');
      expect(lines[1]).toBe(`Redis at ${own.url} answers again`);
    } finally {
      await prepared.stop();
      await again?.stop();
    }
  });
});
