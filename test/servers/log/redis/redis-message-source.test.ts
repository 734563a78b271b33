import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PushServer } from '../../../../servers/app.js';
import { ROUTES } from '../../../../servers/contract/wire.js';
import { SourceUnavailableError } from '../../../../servers/log/message-log.js';
import { MessageSource, messageJson } from '../../../../servers/log/message-source.js';
import { connectRedis } from '../../../../servers/log/redis/redis-connection.js';
import { PUBLISH_TIMEOUT_MS } from '../../../../servers/log/redis/redis-log.js';
import { RedisMessageSource } from '../../../../servers/log/redis/redis-message-source.js';
import { startRedisServer, type RedisServer } from '../../../../servers/log/redis/redis-server.js';
import { waitFor } from '../../../helpers.js';
import { missing } from '../../../requirements.js';

const NO_REDIS = missing(['redis-server'], 'the Redis source’s tests');
let redis: RedisServer;
let prefixes = 0;
const opened: { close(): Promise<void> }[] = [];

async function open(keyPrefix: string, ringSize = 100, url = redis.url): Promise<RedisMessageSource> {
  const source = await RedisMessageSource.open({ url, keyPrefix, ringSize });
  opened.push(source);
  return source;
}

function freshPrefix(): string {
  return `test-${++prefixes}`;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((source) => source.close()));
});

describe.skipIf(NO_REDIS)('RedisMessageSource', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('stores each message as the exact text the embedded log would send, and every process reads those bytes', async () => {
    const prefix = freshPrefix();
    const a = await open(prefix);
    const b = await open(prefix);
    const published = await a.publish({ text: 'héllo', list: [1, 2.5, null] }, 'bob');
    await waitFor(() => b.head === published.seq, 'the second process to read the message');
    const expected = JSON.stringify({ seq: published.seq, t: published.t, payload: { text: 'héllo', list: [1, 2.5, null] }, to: 'bob' });
    expect(messageJson(a.since(0, 'bob').messages[0])).toBe(expected);
    expect(messageJson(b.since(0, 'bob').messages[0])).toBe(expected);
    expect(b.since(0, 'bob').messages[0]).toEqual(published);
  });

  it('gives seqs atomically: two processes publishing at once get distinct consecutive seqs, and both mirrors hold one order', async () => {
    const prefix = freshPrefix();
    const a = await open(prefix);
    const b = await open(prefix);
    const first = a.epoch;
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).publish(i)));
    const seqs = results.map((m) => m.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => first + i));
    await waitFor(() => a.head === first + 59 && b.head === first + 59, 'both mirrors to hold every message');
    const order = (source: RedisMessageSource) => source.since(0).messages.map((m) => [m.seq, m.payload]);
    expect(order(a)).toEqual(order(b));
    expect(order(a).map(([seq]) => seq)).toEqual(seqs);
  });

  it('trims at exactly ringSize: every cursor gets the same answer and the same gap signal as the embedded log', async () => {
    const source = await open(freshPrefix(), 3);
    const embedded = new MessageSource({ ringSize: 3, firstSeq: source.epoch });
    for (let i = 1; i <= 7; i++) {
      await source.publish(i, i % 3 === 0 ? 'ann' : undefined);
      embedded.publish(i, i % 3 === 0 ? 'ann' : undefined);
    }
    expect(source.oldest).toBe(embedded.oldest);
    expect(source.oldest).toBe(source.epoch + 4);
    for (let cursor = source.epoch - 1; cursor <= source.head; cursor++) {
      for (const user of [undefined, 'ann']) {
        const mine = source.since(cursor, user, 2);
        const theirs = embedded.since(cursor, user, 2);
        expect({ ...mine, messages: mine.messages.map((m) => m.seq) }).toEqual({ ...theirs, messages: theirs.messages.map((m) => m.seq) });
      }
    }
    // Cursor 0 ("seen nothing") lost the trimmed messages too, and says so with the cursor it sent.
    expect(source.since(0).gap).toEqual({ afterSeq: 0, firstAvailableSeq: source.epoch + 4 });
  });

  it('keeps a cursor ahead of its head (a client from a process that read further) and gives it exactly what follows', async () => {
    const source = await open(freshPrefix());
    await source.publish('a');
    const ahead = source.head + 2;
    expect(source.since(ahead)).toEqual({ messages: [], cursor: ahead, gap: null });
    await source.publish('b');
    await source.publish('c');
    await source.publish('d');
    expect(source.since(ahead).messages.map((m) => m.payload)).toEqual(['d']);
  });

  it('after Redis restarts empty, an old cursor gets the gap signal, never a new message under its old number', async () => {
    const own = await startRedisServer();
    try {
      const source = await open(freshPrefix(), 100, own.url);
      for (const p of ['a', 'b', 'c']) await source.publish(p);
      const oldEpoch = source.epoch;
      const oldCursor = source.head - 1;
      const resynced = once(source, 'resync');
      await own.stop();
      const restarted = await startRedisServer({ port: own.port });
      try {
        await resynced;
        expect(source.epoch).toBeGreaterThan(oldEpoch + 2);
        const fresh = await source.publish('after');
        expect(fresh.seq).toBe(source.epoch);
        expect(source.since(oldCursor)).toEqual({
          messages: [fresh],
          cursor: fresh.seq,
          gap: { afterSeq: oldCursor, firstAvailableSeq: source.epoch },
        });
        // A process started after the loss never saw the old log, and still numbers above every old cursor.
        const newcomer = await open(`${freshPrefix()}-newcomer`, 100, restarted.url);
        expect(newcomer.epoch).toBeGreaterThan(oldEpoch + 2);
      } finally {
        await Promise.all(opened.splice(0).map((s) => s.close()));
        await restarted.stop();
      }
    } finally {
      await own.stop();
    }
  });

  it('tells a live WebSocket client of the gap when the log is recreated under a new epoch (FLUSHALL)', async () => {
    const source = await open(freshPrefix());
    const server = new PushServer({ strategies: ['websocket'], source });
    await server.listen(0, '127.0.0.1');
    try {
      await source.publish('before');
      const frames: string[] = [];
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}${ROUTES.ws}?since=0`);
      ws.on('message', (data) => frames.push((data as Buffer).toString()));
      await waitFor(() => frames.length === 1, 'the backlog');
      const admin = await connectRedis(redis.url);
      await admin.sendCommand(['FLUSHALL']);
      await admin.close();
      const after = await source.publish('after');
      await waitFor(() => frames.length === 3, 'the gap and the new message');
      const before = JSON.parse(frames[0]) as { seq: number };
      expect(source.epoch).toBeGreaterThan(before.seq);
      expect(JSON.parse(frames[1])).toEqual({ gap: { afterSeq: before.seq, firstAvailableSeq: source.epoch } });
      expect(JSON.parse(frames[2])).toEqual(after);
      ws.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a publish while Redis is down: nothing stored, SourceUnavailableError, and the app answers 503', async () => {
    const own = await startRedisServer();
    const source = await open(freshPrefix(), 100, own.url);
    const server = new PushServer({ strategies: ['short-polling'], source });
    await server.listen(0, '127.0.0.1');
    try {
      const head = source.head;
      await own.stop();
      await expect(source.publish('lost?')).rejects.toBeInstanceOf(SourceUnavailableError);
      const res = await fetch(`${server.url}${ROUTES.publish}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ payload: 'x' }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(((await res.json()) as { error: string }).error).toMatch(/unavailable/);
      expect(source.head).toBe(head);
    } finally {
      await server.close();
      await own.stop();
    }
  });

  it('fails a publish fast while Redis is frozen (SIGSTOP): 503 before it resumes, said once, and nothing stored after SIGCONT', async () => {
    const own = await startRedisServer();
    const prefix = freshPrefix();
    const source = await open(prefix, 100, own.url);
    const server = new PushServer({ strategies: ['short-polling'], source });
    await server.listen(0, '127.0.0.1');
    const outages: string[] = [];
    let recoveries = 0;
    source.on('unavailable', (reason) => outages.push(reason));
    source.on('available', () => recoveries++);
    const stored = await source.publish('before');
    process.kill(own.pid, 'SIGSTOP');
    try {
      // Each settles while Redis is still stopped: none waits for it to come back.
      const frozen = await Promise.allSettled([source.publish('frozen 1'), source.publish('frozen 2'), source.publish('frozen 3')]);
      for (const result of frozen) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(SourceUnavailableError);
        expect(reason.message).toBe(`the message log in Redis did not answer within ${PUBLISH_TIMEOUT_MS} ms`);
      }
      const res = await fetch(`${server.url}${ROUTES.publish}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ payload: 'frozen 4' }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({ error: `the message log in Redis did not answer within ${PUBLISH_TIMEOUT_MS} ms` });
      // Four failed publishes, one outage.
      expect(outages).toEqual([`the message log in Redis did not answer within ${PUBLISH_TIMEOUT_MS} ms`]);
    } finally {
      process.kill(own.pid, 'SIGCONT');
    }
    try {
      // Redis runs the four scripts it had received, each past its deadline: they append nothing.
      const after = await source.publish('after');
      expect(recoveries).toBe(1);
      const reader = await open(prefix, 100, own.url);
      expect(reader.since(0).messages.map((m) => [m.seq, m.payload])).toEqual([
        [stored.seq, 'before'],
        [stored.seq + 1, 'after'],
      ]);
      expect(after.seq).toBe(stored.seq + 1);
    } finally {
      await server.close();
      await own.stop();
    }
  });

  it('fails fast, naming how to install Redis, when the URL does not answer', async () => {
    const own = await startRedisServer();
    await own.stop();
    const error = await RedisMessageSource.open({ url: own.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toContain(`Redis at ${own.url} does not answer`);
    expect((error as Error).message).toContain('apt-get install redis-server');
  });
});

describe('startRedisServer', () => {
  it('without redis-server on PATH, throws one line that says how to install it', async () => {
    const error = await startRedisServer({ env: { PATH: '/nonexistent' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toBe(
      'redis-server is not installed: install Redis with `sudo apt-get install redis-server` (Debian/Ubuntu; pushbench starts it itself), ' +
        'or pass --redis-url redis://HOST:PORT of a running one',
    );
  });

  it.skipIf(NO_REDIS)('runs Redis on a free loopback port with no persistence, and stops it', async () => {
    const own = await startRedisServer();
    const client = await connectRedis(own.url);
    const config = (await client.sendCommand(['CONFIG', 'GET', '*'])) as Record<string, string> | string[];
    const get = (key: string) => (Array.isArray(config) ? config[config.indexOf(key) + 1] : config[key]);
    expect(get('save')).toBe('');
    expect(get('appendonly')).toBe('no');
    expect(get('bind')).toBe('127.0.0.1');
    expect(get('port')).toBe(String(own.port));
    await client.close();
    await own.stop();
    const refused = await connectRedis(own.url).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceUnavailableError);
  });
});
