import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, PollResponse } from '../../../../servers/contract/message.js';
import { ROUTES } from '../../../../servers/contract/wire.js';
import { SourceUnavailableError } from '../../../../servers/log/message-log.js';
import { connectRedis } from '../../../../servers/log/redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../../../../servers/log/redis/redis-server.js';
import { waitFor } from '../../../helpers.js';
import { missing } from '../../../requirements.js';

function serve(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'servers/serve.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return { child, output };
}

async function started(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const { child, output } = serve(args);
  await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(output.stdout) || child.exitCode !== null, 'the URL', 20_000);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)?.[1];
  if (!url) throw new Error(`serve did not start: ${output.stderr}`);
  return { child, url };
}

async function publish(url: string, payload: unknown, to?: string): Promise<number> {
  const res = await fetch(`${url}${ROUTES.publish}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(to === undefined ? { payload } : { payload, to }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { seq: number }).seq;
}

const NO_REDIS = missing(['redis-server'], 'npm run serve on Redis');
/** The Redis the tests share, started only when redis-server is installed (the tests that need it are skipped otherwise). */
let redis: RedisServer | undefined;

beforeAll(async () => {
  if (!NO_REDIS) redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

describe('npm run serve -- --source redis', () => {
  it('without redis-server on PATH: one line saying how to install it, exit 2', async () => {
    const { child, output } = serve(['--port', '0', '--source', 'redis'], { ...process.env, PATH: '/nonexistent' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(output.stderr).toBe(
      'pushbench serve: redis-server is not installed: install Redis with `sudo apt-get install redis-server` (Debian/Ubuntu; pushbench ' +
        'starts it itself), or pass --redis-url redis://HOST:PORT of a running one\n',
    );
    expect(output.stdout).toBe('');
  });

  it.skipIf(NO_REDIS)('a --redis-url that does not answer: one line, exit 2', async () => {
    const dead = await startRedisServer();
    await dead.stop();
    const { child, output } = serve(['--port', '0', '--redis-url', dead.url]);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(output.stderr.split('\n')).toHaveLength(2);
    expect(output.stderr).toMatch(new RegExp(`^pushbench serve: Redis at ${dead.url} does not answer \\(.*\\): install Redis with`));
  });

  it('refuses an unknown source and a URL with the memory source, one line each, exit 2', async () => {
    for (const [args, line] of [
      [['--source', 'disk'], 'pushbench serve: --source must be memory or redis (got "disk")\n'],
      [['--source', 'memory', '--redis-url', 'redis://127.0.0.1:6379'], 'pushbench serve: --redis-url needs --source redis\n'],
      [['--redis-url', 'localhost:6379'], 'pushbench serve: --redis-url must look like redis://HOST:PORT (got "localhost:6379")\n'],
    ] as const) {
      const { child, output } = serve(['--port', '0', ...args]);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(output.stderr).toBe(line);
    }
  });

  it.skipIf(NO_REDIS)('says once on stderr that Redis stopped answering, however many publishes get 503, and once that it is back', async () => {
    const own = await startRedisServer();
    const { child, output } = serve(['--port', '0', '--redis-url', own.url]);
    let again: RedisServer | undefined;
    try {
      await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(output.stdout), 'the URL', 20_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)![1];
      await publish(url, 'before');
      await own.stop();
      const post = () =>
        fetch(`${url}${ROUTES.publish}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"payload":"x"}' });
      const refused = [await post(), await post(), await post()];
      expect(refused.map((res) => res.status)).toEqual([503, 503, 503]);
      await waitFor(() => output.stderr.includes('\n'), 'the line');
      const outage = output.stderr.split('\n').filter((line) => line !== '');
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatch(
        new RegExp(`^pushbench serve: the message log in Redis .+ \\(${own.url}\\); publishes get 503 until it answers again$`),
      );
      again = await startRedisServer({ port: own.port });
      await waitFor(() => output.stderr.split('\n').length > 2, 'the line saying it is back', 20_000);
      expect(output.stderr.split('\n').filter((line) => line !== '')).toEqual([
        outage[0],
        `pushbench serve: the message log in Redis answers again (${own.url})`,
      ]);
      await publish(url, 'after');
    } finally {
      child.kill('SIGKILL');
      await again?.stop();
    }
  });

  it.skipIf(NO_REDIS)('without --redis-url starts its own redis-server, which dies with it on Ctrl-C and on SIGKILL', async () => {
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      const { child, output } = serve(['--port', '0', '--source', 'redis']);
      await waitFor(() => /message log: .* at (redis:\/\/127\.0\.0\.1:\d+)/.test(output.stdout), 'the log line', 20_000);
      const redisUrl = /message log: .* at (redis:\/\/127\.0\.0\.1:\d+) \(started by pushbench/.exec(output.stdout)![1];
      const client = await connectRedis(redisUrl);
      await client.close();
      child.kill(signal);
      await once(child, 'exit');
      // Bounded: Redis goes with its parent (setpriv --pdeathsig), at once or within a moment.
      let refused: unknown;
      for (let attempt = 0; attempt < 20 && !refused; attempt++) {
        refused = await connectRedis(redisUrl).then(
          async (c) => {
            await c.close();
            return undefined;
          },
          (error: unknown) => error,
        );
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(refused).toBeInstanceOf(SourceUnavailableError);
    }
  });

  it.skipIf(NO_REDIS)('two server processes on one Redis: polls that alternate between them get every message exactly once, in order', async () => {
    const servers = await Promise.all([0, 1].map(() => started(['--port', '0', '--redis-url', redis!.url])));
    const urls = servers.map((s) => s.url);
    try {
      const total = 150;
      const published: { seq: number; to?: string }[] = [];
      let publishing = true;
      const publisher = (async () => {
        for (let i = 0; i < total; i++) {
          const to = i % 5 === 0 ? 'bob' : i % 7 === 0 ? 'eve' : undefined;
          // Each publish goes to either process: both write to the one log.
          published.push({ seq: await publish(urls[i % 2], i, to), to });
          if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
        }
        publishing = false;
      })();
      // A client whose consecutive requests land on different processes, as behind a load balancer without
      // sticky sessions: the cursor in each request is all either process needs.
      const pollAlternating = async (route: string, user: string | undefined, extra: string): Promise<Message[]> => {
        const received: Message[] = [];
        let cursor = 0;
        for (let request = 0; publishing || cursor < published.at(-1)!.seq; request++) {
          const url = `${urls[request % 2]}${route}?since=${cursor}${user ? `&user=${user}` : ''}${extra}`;
          const body = (await (await fetch(url)).json()) as PollResponse;
          expect(body.gap).toBeUndefined();
          received.push(...body.messages);
          cursor = body.cursor;
        }
        return received;
      };
      const [bob, anyone, shortPoller] = await Promise.all([
        pollAlternating(ROUTES.longPoll, 'bob', '&timeout=1000'),
        pollAlternating(ROUTES.longPoll, undefined, '&timeout=1000'),
        pollAlternating(ROUTES.poll, undefined, ''),
      ]);
      await publisher;
      const visibleTo = (user: string | undefined) => published.filter((m) => m.to === undefined || m.to === user).map((m) => m.seq);
      expect(bob.map((m) => m.seq)).toEqual(visibleTo('bob'));
      expect(anyone.map((m) => m.seq)).toEqual(visibleTo(undefined));
      expect(shortPoller.map((m) => m.seq)).toEqual(visibleTo(undefined));
      // Payload i was the i-th publish: the messages are the ones published, not just their numbers.
      expect(bob.map((m) => m.payload)).toEqual(published.flatMap((m, i) => (m.to === undefined || m.to === 'bob' ? [i] : [])));
    } finally {
      for (const { child } of servers) child.kill('SIGINT');
      await Promise.all(servers.map(({ child }) => (child.exitCode === null ? once(child, 'exit') : Promise.resolve())));
    }
  });
});
