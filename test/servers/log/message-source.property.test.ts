import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Refusal, parseCursor } from '../../../servers/http/errors.js';
import type { MessageLog } from '../../../servers/log/message-log.js';
import { MessageSource } from '../../../servers/log/message-source.js';
import { RedisMessageSource } from '../../../servers/log/redis/redis-message-source.js';
import { startRedisServer, type RedisServer } from '../../../servers/log/redis/redis-server.js';
import { missing } from '../../requirements.js';

const users = fc.constantFrom(undefined, 'ann', 'bob');
const operation = fc.oneof(
  fc.record({ kind: fc.constant('publish' as const), to: users }),
  fc.record({ kind: fc.constant('since' as const), cursor: fc.nat(60), user: users, limit: fc.integer({ min: 1, max: 8 }) }),
);

/** A log under test and how to let it go. */
interface Opened {
  log: MessageLog;
  close: () => Promise<void>;
}

/**
 * The same properties for every implementation of MessageLog: the embedded log, and the Redis source (a real
 * redis-server started here, a fresh key prefix per case). Seqs are compared relative to the log's head before
 * the first publish: the embedded log starts at 1, a Redis log at its epoch. Cursor 0 means "seen nothing" on
 * both. The one rule that differs: a cursor ahead of the head is moved back to it by the embedded log (a client
 * that outlived a restart) and kept by the Redis source (a client that came from a process that had read further).
 */
interface Subject {
  name: string;
  open(ringSize: number): Promise<Opened>;
  keepsCursorAhead: boolean;
  runs: number;
}

const NO_REDIS = missing(['redis-server'], 'the Redis source’s properties');
let redis: RedisServer | undefined;
let prefixes = 0;

const ALL_SUBJECTS: (Subject & { needsRedis?: true })[] = [
  {
    name: 'MessageSource (embedded)',
    open: (ringSize) => Promise.resolve({ log: new MessageSource({ ringSize }), close: () => Promise.resolve() }),
    keepsCursorAhead: false,
    runs: 100,
  },
  {
    name: 'RedisMessageSource (real redis-server)',
    open: async (ringSize) => {
      const source = await RedisMessageSource.open({ url: redis!.url, keyPrefix: `property-${++prefixes}`, ringSize });
      return { log: source, close: () => source.close() };
    },
    keepsCursorAhead: true,
    runs: 40,
    needsRedis: true,
  },
];
const SUBJECTS = ALL_SUBJECTS.filter((subject) => !(subject.needsRedis && NO_REDIS));

beforeAll(async () => {
  if (!NO_REDIS) redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

describe.each(SUBJECTS)('$name properties', (subject) => {
  it('answers every since() exactly like a plain list filtered by ring, user and limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.array(operation, { maxLength: 80 }), async (ringSize, operations) => {
        const { log: source, close } = await subject.open(ringSize);
        try {
          const base = source.head;
          const log: { seq: number; to?: string }[] = [];
          for (const op of operations) {
            if (op.kind === 'publish') {
              const message = await source.publish(log.length, op.to);
              expect(message.seq).toBe(base + log.length + 1);
              log.push({ seq: message.seq, to: op.to });
              continue;
            }
            const cursor = op.cursor === 0 ? 0 : base + op.cursor;
            const after = cursor === 0 ? base : cursor;
            const head = base + log.length;
            const oldest = Math.max(base + 1, head - ringSize + 1);
            const visible = log.filter((m) => m.seq > after && m.seq >= oldest && (m.to === undefined || m.to === op.user));
            const result = source.since(cursor, op.user, op.limit);
            expect(result.messages.map((m) => m.seq)).toEqual(visible.slice(0, op.limit).map((m) => m.seq));
            expect(result.gap !== null).toBe(after + 1 < oldest && log.length > 0);
            if (after > head && subject.keepsCursorAhead) expect(result.cursor).toBe(cursor);
            else expect(result.cursor).toBeLessThanOrEqual(Math.max(head, 0));
          }
        } finally {
          await close();
        }
      }),
      { numRuns: subject.runs },
    );
  });

  it('a client resuming from each returned cursor sees every visible message exactly once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(users, fc.integer({ min: 0, max: 3 })), { maxLength: 60 }),
        users,
        fc.integer({ min: 1, max: 5 }),
        async (steps, reader, limit) => {
          const { log: source, close } = await subject.open(1_000);
          try {
            const seen: number[] = [];
            let cursor = 0;
            const drain = (polls: number) => {
              for (let i = 0; i < polls; i++) {
                const result = source.since(cursor, reader, limit);
                seen.push(...result.messages.map((m) => m.seq));
                cursor = result.cursor;
              }
            };
            for (const [to, polls] of steps) {
              await source.publish('x', to);
              drain(polls);
            }
            // Every poll takes at least one visible message while any is left, and there are at most steps.length.
            drain(steps.length + 1);
            const expected = source.since(0, reader).messages.map((m) => m.seq);
            expect(seen).toEqual(expected);
          } finally {
            await close();
          }
        },
      ),
      { numRuns: subject.runs },
    );
  });
});

describe('cursor parsing properties', () => {
  it('accepts exactly the decimal integers below 10^15 and refuses everything else with a 400', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.nat().map(String), fc.bigInt().map(String), fc.double().map(String)), (text) => {
        const valid = /^\d{1,15}$/.test(text);
        if (valid) expect(parseCursor(text)).toBe(Number(text));
        else {
          expect(() => parseCursor(text)).toThrow(Refusal);
          try {
            parseCursor(text);
          } catch (error) {
            expect((error as Refusal).status).toBe(400);
          }
        }
      }),
    );
  });
});
