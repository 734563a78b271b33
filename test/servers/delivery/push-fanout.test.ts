import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../servers/constants.js';
import type { Message } from '../../../servers/contract/message.js';
import { Refusal } from '../../../servers/http/errors.js';
import { MessageSource } from '../../../servers/log/message-source.js';
import { PushFanout, type PushChannel } from '../../../servers/delivery/push-fanout.js';
import { WebSocketStrategy } from '../../../servers/strategies/websocket.js';
import { range } from '../../helpers.js';

/** A client's end as the fan-out sees it, in memory: a send can be made to fail, and the test closes it. */
class MemoryChannel implements PushChannel {
  isOpen = true;
  readonly bufferedBytes = 0;
  readonly seqs: number[] = [];
  wasCutOff = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly failAtSeq?: number) {}

  sendMessage(message: Message): void {
    if (message.seq === this.failAtSeq) throw new Error('write failed');
    this.seqs.push(message.seq);
  }

  sendGap(): void {}

  cutOff(): void {
    this.wasCutOff = true;
    this.close();
  }

  close(): void {
    this.isOpen = false;
    for (const listener of this.closeListeners) listener();
  }

  onClose(listener: () => void): void {
    if (this.isOpen) this.closeListeners.push(listener);
    else listener();
  }
}

function fanoutWithLog(limits = DEFAULT_LIMITS) {
  const source = new MessageSource();
  // A real strategy, never mounted: the fan-out speaks through its events.
  const strategy = new WebSocketStrategy();
  const log: string[] = [];
  strategy.on('attach', (userId) => log.push(`attach ${userId}`));
  strategy.on('detach', (userId) => log.push(`detach ${userId}`));
  strategy.on('failed', (status) => log.push(`failed ${status}`));
  const fanout = new PushFanout<MemoryChannel>(source, limits, strategy, 'test clients');
  return { source, fanout, log };
}

describe('PushFanout', () => {
  it('emits attach when a client attaches and detach once when it goes, however often it is closed', () => {
    const { source, fanout, log } = fanoutWithLog();
    const channel = new MemoryChannel();
    fanout.attach(channel, 0, 'ana');
    source.publish('one');
    expect(channel.seqs).toEqual([1]);
    channel.close();
    channel.cutOff();
    source.publish('two');
    expect(log).toEqual(['attach ana', 'detach ana']);
    expect(channel.seqs).toEqual([1]);
    expect(fanout.size).toBe(0);
  });

  it('detaches at once a client that was gone before it was attached', () => {
    const { source, fanout, log } = fanoutWithLog();
    source.publish('one');
    const channel = new MemoryChannel();
    channel.close();
    fanout.attach(channel, 0, undefined);
    expect(log).toEqual(['attach undefined', 'detach undefined']);
    expect(channel.seqs).toEqual([]);
    expect(fanout.size).toBe(0);
  });

  it('detaches and cuts off a client whose replay throws, and goes on serving the others', () => {
    const { source, fanout, log } = fanoutWithLog();
    for (let i = 1; i <= 5; i++) source.publish(i);
    const failing = new MemoryChannel(3);
    const healthy = new MemoryChannel();
    fanout.attach(failing, 0, 'ana');
    fanout.attach(healthy, 0, 'bo');
    source.publish(6);
    expect(log).toEqual(['attach ana', 'failed 500', 'detach ana', 'attach bo']);
    expect(failing.wasCutOff).toBe(true);
    expect(failing.seqs).toEqual([1, 2]);
    expect(healthy.seqs).toEqual(range(1, 6));
    expect(fanout.channels()).toEqual([healthy]);
  });

  it('refuses a client with 503 while maxPushStreams are attached, and takes one again once a slot is free', () => {
    const { fanout } = fanoutWithLog({ ...DEFAULT_LIMITS, maxPushStreams: 2 });
    const first = new MemoryChannel();
    fanout.attach(first, 0, undefined);
    fanout.checkRoom();
    fanout.attach(new MemoryChannel(), 0, undefined);
    let refusal: unknown;
    try {
      fanout.checkRoom();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(Refusal);
    expect(refusal).toMatchObject({ status: 503, message: 'too many test clients (limit 2)', headers: { 'Retry-After': '1' } });
    first.close();
    expect(() => fanout.checkRoom()).not.toThrow();
  });
});
