import { afterEach, describe, expect, it } from 'vitest';
import { LongPollingClient } from '../../../clients/long-polling.js';
import type { SimulatedClient } from '../../../clients/client.js';
import { PHP_PAGE_PATH } from '../../../servers/stack/php-strategies.js';
import type { RunningStack } from '../../../servers/stack/stack-process.js';
import { FPM_STATUS_PATH } from '../../../servers/stack/fpm-config.js';
import { record, sleep, waitFor, type Received } from '../../helpers.js';
import { phpStackFixture, phpStackMissing, publishThroughPhp } from './php-stack-host.js';

/**
 * The article's claim, on the real stack: a long poll holds a PHP worker for as long as it waits, so with more
 * waiting clients than workers, everything else the site serves waits in the queue behind them. Judged on the order
 * of what happens, never on a clock: what comes back before the first held polls give up (their hold is 2 s).
 */
const php = phpStackFixture();
const clients: SimulatedClient[] = [];
const HOLD_MS = 2_000;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  await php.stopAll();
});

/** The stack with `workers` workers, and four long-polling clients waiting at the head of its log. */
async function fourWaiting(workers: number): Promise<{ stack: RunningStack; events: string[]; received: Received[] }> {
  const stack = await php.start({ workers, pm: 'static', limits: { longPollTimeoutMs: 10_000 } });
  const events: string[] = [];
  const received: Received[] = [];
  for (let i = 0; i < 4; i++) {
    const client = new LongPollingClient({ baseUrl: stack.url, longPollTimeoutMs: HOLD_MS, reconnectMinMs: 20, reconnectMaxMs: 100 });
    received.push(record(client));
    client.on('empty', () => events.push('empty'));
    client.on('message', () => events.push('message'));
    clients.push(client);
    client.start();
  }
  // Every poll is in: held by a worker, or queued for one (bounded: never a measurement).
  for (let tries = 0; (await busyAndQueued(stack)) !== 4; tries++) {
    if (tries > 500) throw new Error('four polls never reached the stack');
    await sleep(10);
  }
  return { stack, events, received };
}

async function busyAndQueued(stack: RunningStack): Promise<number> {
  const status = JSON.parse((await stack.ops(`${FPM_STATUS_PATH}?json`)) ?? '{}') as Record<string, number>;
  return status['active processes'] + status['listen queue'] + (await queueOf(stack));
}

/** The accept queue of FPM's socket, from the kernel (FPM does not count it for a unix socket). */
async function queueOf(stack: RunningStack): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  const line = execFileSync('ss', ['-xlnH', 'src', stack.layout.fpmSocket], { encoding: 'utf8' });
  return Number(line.trim().split(/\s+/)[2]);
}

describe.skipIf(phpStackMissing('the pool stall'))('a pool of PHP workers held by long polls', () => {
  it('makes an ordinary page of the site wait until held polls give up, with fewer workers than waiting clients', async () => {
    const { stack, events } = await fourWaiting(2);
    const page = await fetch(`${stack.url}${PHP_PAGE_PATH}`);
    events.push(`page ${page.status}`);
    // Two polls held, two queued ahead of the page: it was served only once the first two had timed out.
    const before = events.slice(0, events.indexOf('page 200'));
    expect(before.filter((e) => e === 'empty').length).toBeGreaterThanOrEqual(2);
    expect(before).not.toContain('message');
  });

  it('serves the page at once when there is a worker for every waiting client and one to spare', async () => {
    const { stack, events } = await fourWaiting(5);
    const page = await fetch(`${stack.url}${PHP_PAGE_PATH}`);
    events.push(`page ${page.status}`);
    expect(events).toEqual(['page 200']);
  });

  it('makes a publish through PHP wait behind the polls waiting for it, then delivers it to every client once', async () => {
    const { stack, events, received } = await fourWaiting(2);
    const seq = await publishThroughPhp(stack, 'news');
    events.push('published');
    await waitFor(() => events.filter((e) => e === 'message').length === 4, 'the message at every client');
    // The publish was answered, and its message reached anyone, only after the first two held polls had timed out.
    const before = events.slice(0, events.indexOf('published'));
    expect(before.filter((e) => e === 'empty').length).toBeGreaterThanOrEqual(2);
    const firstMessage = events.indexOf('message');
    expect(events.slice(0, firstMessage).filter((e) => e === 'empty').length).toBeGreaterThanOrEqual(2);
    await sleep(200);
    for (const one of received) expect(one.seqs).toEqual([seq]);
  });

  it('takes a publish at once with a worker to spare', async () => {
    const { stack, events } = await fourWaiting(5);
    await publishThroughPhp(stack, 'news');
    events.push('published');
    expect(events.slice(0, events.indexOf('published'))).not.toContain('empty');
  });
});
