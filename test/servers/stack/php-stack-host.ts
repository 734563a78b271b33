import { afterAll, beforeAll } from 'vitest';
import { missing } from '../../requirements.js';
import type { ServerLimits } from '../../../servers/constants.js';
import { startRedisServer, type RedisServer } from '../../../servers/log/redis/redis-server.js';
import { findStackPrograms, startPhpStack, type RunningStack } from '../../../servers/stack/stack-process.js';
import type { PhpPm } from '../../../servers/contract/stack.js';

/** What a test of the PHP stack starts: Debian's programs, by the names test/requirements.ts knows. */
export const PHP_STACK_PROGRAMS = ['redis-server', 'nginx', 'php-fpm8.2', 'php-redis'] as const;

/** For `describe.skipIf`: the PHP stack's programs are missing (skipped with a line naming the packages; a failure under CI). */
export function phpStackMissing(what: string): boolean {
  return missing(PHP_STACK_PROGRAMS, what);
}

export interface PhpStackOptions {
  limits?: Partial<ServerLimits>;
  workers?: number;
  pm?: PhpPm;
  readTimeoutSec?: number;
}

/**
 * A real PHP stack for a test file: one redis-server for the file, and a stack per test with a log of its own
 * (a fresh key prefix), Debian's nginx and php-fpm8.2 started as the bench starts them.
 */
export function phpStackFixture(): {
  start(options?: PhpStackOptions): Promise<RunningStack>;
  redis(): RedisServer;
  prefix(): string;
  stopAll(): Promise<void>;
} {
  let redis: RedisServer | undefined;
  let prefixes = 0;
  let lastPrefix = '';
  const stacks: RunningStack[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stacks.splice(0).map((stack) => stack.stop()));
    await redis?.stop();
  });
  return {
    async start({ limits = {}, workers = 5, pm = 'static', readTimeoutSec = 60 } = {}) {
      lastPrefix = `php-test-${process.pid}-${++prefixes}`;
      const stack = await startPhpStack({
        programs: findStackPrograms(true),
        redis: { host: '127.0.0.1', port: redis!.port },
        keyPrefix: lastPrefix,
        workers,
        pm,
        readTimeoutSec,
        requestTerminateTimeoutSec: 0,
        limits,
      });
      stacks.push(stack);
      return stack;
    },
    redis: () => redis!,
    prefix: () => lastPrefix,
    async stopAll() {
      await Promise.all(stacks.splice(0).map((stack) => stack.stop()));
    },
  };
}

/** POST /api/publish on the stack, as a PHP application's back end would: the seq it was given. */
export async function publishThroughPhp(stack: RunningStack, payload: unknown, to?: string): Promise<number> {
  const response = await fetch(`${stack.url}/api/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(to === undefined ? { payload } : { payload, to }),
  });
  const body = (await response.json()) as { seq?: number; error?: string };
  if (response.status !== 202 || body.seq === undefined) throw new Error(`publish answered ${response.status}: ${body.error}`);
  return body.seq;
}
