import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError, parseCursor } from '../../servers/http-errors.js';
import { MessageSource } from '../../servers/message-source.js';

const users = fc.constantFrom(undefined, 'ann', 'bob');
const operation = fc.oneof(
  fc.record({ kind: fc.constant('publish' as const), to: users }),
  fc.record({ kind: fc.constant('since' as const), cursor: fc.nat(60), user: users, limit: fc.integer({ min: 1, max: 8 }) }),
);

describe('MessageSource properties', () => {
  it('answers every since() exactly like a plain list filtered by ring, user and limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(operation, { maxLength: 80 }), (ringSize, operations) => {
        const source = new MessageSource({ ringSize });
        const log: { seq: number; to?: string }[] = [];
        for (const op of operations) {
          if (op.kind === 'publish') {
            const message = source.publish(log.length, op.to);
            log.push({ seq: message.seq, to: op.to });
            continue;
          }
          const oldest = Math.max(1, log.length - ringSize + 1);
          const visible = log.filter((m) => m.seq > op.cursor && m.seq >= oldest && (m.to === undefined || m.to === op.user));
          const result = source.since(op.cursor, op.user, op.limit);
          expect(result.messages.map((m) => m.seq)).toEqual(visible.slice(0, op.limit).map((m) => m.seq));
          expect(result.gap !== null).toBe(op.cursor + 1 < oldest && log.length > 0);
          expect(result.cursor).toBeLessThanOrEqual(Math.max(log.length, 0));
        }
      }),
    );
  });

  it('a client resuming from each returned cursor sees every visible message exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(users, fc.integer({ min: 0, max: 3 })), { maxLength: 60 }),
        users,
        fc.integer({ min: 1, max: 5 }),
        (steps, reader, limit) => {
          const source = new MessageSource({ ringSize: 1_000 });
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
            source.publish('x', to);
            drain(polls);
          }
          drain(source.head + 1);
          const expected = source.since(0, reader).messages.map((m) => m.seq);
          expect(seen).toEqual(expected);
        },
      ),
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
          expect(() => parseCursor(text)).toThrow(HttpError);
          try {
            parseCursor(text);
          } catch (error) {
            expect((error as HttpError).status).toBe(400);
          }
        }
      }),
    );
  });
});
