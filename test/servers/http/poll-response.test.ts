import { describe, expect, it } from 'vitest';
import { MessageSource } from '../../../servers/log/message-source.js';
import { pollAnswer, pollResponse, pollResult } from '../../../servers/http/poll-response.js';

const limits = (maxPollAnswerBytes: number, maxMessagesPerResponse = 1_000) => ({ maxPollAnswerBytes, maxMessagesPerResponse });

describe('pollResult', () => {
  it('cuts an answer at the byte limit, and the next poll from its cursor gets the rest, in order', () => {
    const source = new MessageSource();
    for (let i = 1; i <= 10; i++) source.publish('x'.repeat(100_000));
    const first = pollResult(source, 0, undefined, limits(256 * 1024));
    // Two messages of about 100 KB fit in 256 KiB, three do not.
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(first.cursor).toBe(2);
    const seqs = [...first.messages.map((m) => m.seq)];
    let cursor = first.cursor;
    for (let polls = 0; polls < 10 && cursor < source.head; polls++) {
      const next = pollResult(source, cursor, undefined, limits(256 * 1024));
      seqs.push(...next.messages.map((m) => m.seq));
      cursor = next.cursor;
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('always sends the first message, however large, so a client can get past it', () => {
    const source = new MessageSource();
    source.publish('y'.repeat(5_000));
    source.publish('z');
    expect(pollResult(source, 0, undefined, limits(1_000)).messages.map((m) => m.seq)).toEqual([1]);
    expect(pollResult(source, 1, undefined, limits(1_000)).messages.map((m) => m.seq)).toEqual([2]);
  });

  it('counts bytes, not characters, and keeps the count limit and the gap', () => {
    const source = new MessageSource({ ringSize: 5 });
    for (let i = 0; i < 8; i++) source.publish('é'.repeat(300));
    // Each message is about 350 characters but 650 bytes: two fit in 1,400 bytes, not four.
    const cut = pollResult(source, 0, undefined, limits(1_400));
    expect(cut.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(cut.gap).toEqual({ afterSeq: 0, firstAvailableSeq: 4 });
    expect(pollResult(source, 3, undefined, limits(1_000_000, 3)).cursor).toBe(6);
  });

  it('moves past messages for other users as since() does when nothing is cut', () => {
    const source = new MessageSource();
    source.publish('for bob', 'bob');
    source.publish('for everyone');
    source.publish('for bob again', 'bob');
    expect(pollResult(source, 0, 'eve', limits(1_000))).toEqual(source.since(0, 'eve'));
  });
});

describe('pollAnswer', () => {
  it('is the JSON of the answer with its exact UTF-8 length, as text or as one shared buffer', () => {
    const source = new MessageSource();
    source.publish('naïve ☃');
    source.publish({ emoji: '🙂' });
    const result = source.since(0);
    const json = JSON.stringify(pollResponse(result));
    expect(pollAnswer(result)).toEqual({ body: json, bytes: Buffer.byteLength(json), messageCount: 2 });
    const shared = pollAnswer(result, true);
    expect(Buffer.isBuffer(shared.body) && shared.body.equals(Buffer.from(json))).toBe(true);
    expect(shared.bytes).toBe(Buffer.byteLength(json));
  });
});
