import { describe, expect, it } from 'vitest';
import { MessageSource } from '../../../servers/log/message-source.js';

describe('MessageSource', () => {
  it('gives strictly increasing seqs from 1 and non-decreasing publish times', () => {
    const source = new MessageSource({ ringSize: 10 });
    const messages = [source.publish('a'), source.publish('b'), source.publish('c')];
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(messages[1].t).toBeGreaterThanOrEqual(messages[0].t);
    expect(messages[2].t).toBeGreaterThanOrEqual(messages[1].t);
    expect(source.head).toBe(3);
  });

  it('answers since(cursor) with the messages after it, oldest first, and the next cursor', () => {
    const source = new MessageSource({ ringSize: 10 });
    for (const p of ['a', 'b', 'c', 'd']) source.publish(p);
    const result = source.since(2);
    expect(result.messages.map((m) => m.payload)).toEqual(['c', 'd']);
    expect(result.cursor).toBe(4);
    expect(result.gap).toBeNull();
    expect(source.since(4)).toEqual({ messages: [], cursor: 4, gap: null });
  });

  it('keeps only ringSize messages and signals the gap for an older cursor', () => {
    const source = new MessageSource({ ringSize: 3 });
    for (let i = 1; i <= 7; i++) source.publish(i);
    expect(source.oldest).toBe(5);
    const result = source.since(1);
    expect(result.gap).toEqual({ afterSeq: 1, firstAvailableSeq: 5 });
    expect(result.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(result.cursor).toBe(7);
    // A cursor just before the oldest kept message has lost nothing.
    expect(source.since(4).gap).toBeNull();
    expect(source.since(4).messages.map((m) => m.seq)).toEqual([5, 6, 7]);
  });

  it('delivers a message to one user only to that user, and broadcasts to everyone', () => {
    const source = new MessageSource({ ringSize: 10 });
    source.publish('all');
    source.publish('for bob', 'bob');
    source.publish('for eve', 'eve');
    expect(source.since(0, 'bob').messages.map((m) => m.payload)).toEqual(['all', 'for bob']);
    expect(source.since(0, 'eve').messages.map((m) => m.payload)).toEqual(['all', 'for eve']);
    expect(source.since(0).messages.map((m) => m.payload)).toEqual(['all']);
    // The cursor moves past other users' messages so they are not scanned again.
    expect(source.since(0).cursor).toBe(3);
  });

  it('limits an answer and resumes from its cursor without skipping', () => {
    const source = new MessageSource({ ringSize: 10 });
    for (let i = 1; i <= 5; i++) source.publish(i);
    const first = source.since(0, undefined, 2);
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(first.cursor).toBe(2);
    expect(source.since(first.cursor, undefined, 2).messages.map((m) => m.seq)).toEqual([3, 4]);
  });

  it('moves a cursor that is ahead of the log back to the head', () => {
    const source = new MessageSource({ ringSize: 10 });
    source.publish('a');
    expect(source.since(50)).toEqual({ messages: [], cursor: 1, gap: null });
  });

  it('notifies subscribers of the messages their user may see', () => {
    const source = new MessageSource({ ringSize: 10 });
    const seen: number[] = [];
    const unsubscribe = source.subscribe('bob', (m) => seen.push(m.seq));
    source.publish('all');
    source.publish('eve', 'eve');
    source.publish('bob', 'bob');
    unsubscribe();
    source.publish('after');
    expect(seen).toEqual([1, 3]);
  });

  it('rejects invalid cursors and ring sizes', () => {
    const source = new MessageSource({ ringSize: 10 });
    expect(() => source.since(-1)).toThrow(RangeError);
    expect(() => source.since(1.5)).toThrow(RangeError);
    expect(() => new MessageSource({ ringSize: 0 })).toThrow(RangeError);
  });
});

describe('MessageSource after a restart (firstSeq)', () => {
  it('continues above the old seqs and gives an old cursor the gap signal', () => {
    const source = new MessageSource({ ringSize: 10, firstSeq: 1_000_001 });
    expect(source.head).toBe(1_000_000);
    expect(source.since(7)).toEqual({ messages: [], cursor: 1_000_000, gap: { afterSeq: 7, firstAvailableSeq: 1_000_001 } });
    source.publish('a');
    const result = source.since(7);
    expect(result.messages.map((m) => m.seq)).toEqual([1_000_001]);
    expect(result.gap).toEqual({ afterSeq: 7, firstAvailableSeq: 1_000_001 });
    expect(source.since(1_000_000).gap).toBeNull();
  });
});

describe('MessageSource publish hook', () => {
  it('emits publishing with the message before it is stored or sent to anyone', () => {
    const source = new MessageSource({ ringSize: 10 });
    const log: string[] = [];
    source.on('publishing', (message) => log.push(`publishing ${message.seq} head ${source.head} ${JSON.stringify(message.payload)}`));
    source.on('message', (message) => log.push(`message ${message.seq} head ${source.head}`));
    source.publish('a');
    source.publish('b');
    expect(log).toEqual(['publishing 1 head 0 "a"', 'message 1 head 1', 'publishing 2 head 1 "b"', 'message 2 head 2']);
  });

  it('stores nothing when a publishing listener throws (a record that could not be written)', () => {
    const source = new MessageSource({ ringSize: 10 });
    const sent: number[] = [];
    source.on('message', (message) => sent.push(message.seq));
    source.once('publishing', () => {
      throw new Error('disk full');
    });
    expect(() => source.publish('lost')).toThrow('disk full');
    expect(source.publish('kept').seq).toBe(1);
    expect(sent).toEqual([1]);
    expect(source.since(0).messages.map((m) => m.payload)).toEqual(['kept']);
  });
});
