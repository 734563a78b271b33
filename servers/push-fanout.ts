import type { ServerLimits } from './constants.js';
import type { Gap, Message } from './contract/message.js';
import { isVisibleTo, messageJson, type MessageSource } from './message-source.js';
import type { ServerStrategy } from './strategy.js';

/** One attached client of a push strategy, as the fan-out sees it: somewhere to write serialised messages. */
export interface PushChannel {
  readonly isOpen: boolean;
  /** Bytes queued in user space for this client, not yet handed to the kernel. */
  readonly bufferedBytes: number;
  /** Writes one message; `flushed` is called once it has left user space. */
  sendMessage(message: Message, json: string, flushed?: () => void): void;
  sendGap(gap: Gap): void;
  /** Drops a client that stopped reading; it resumes from its cursor when it comes back. */
  cutOff(): void;
}

interface Subscriber {
  channel: PushChannel;
  userId: string | undefined;
  /** The seq of the last message handed to this client (or passed over as someone else's). */
  cursor: number;
  /** Sending its backlog from the ring: live messages wait in the ring too, so order is kept. */
  replaying: boolean;
}

/** Messages read from the ring per step of a replay. */
const REPLAY_BATCH = 100;

/**
 * What every push strategy (WebSocket, server-sent events) does the same way: replay the backlog after a
 * client's cursor at the pace the client reads, then fan out live messages serialised once, and cut off a
 * client whose send buffer would cross the limit. The strategy only supplies the channel.
 */
export class PushFanout {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly source: MessageSource,
    private readonly limits: ServerLimits,
    private readonly events: ServerStrategy,
  ) {
    source.on('message', this.onMessage);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Attaches a channel from `cursor`; returns the function that detaches it. */
  add(channel: PushChannel, cursor: number, userId: string | undefined): () => void {
    const subscriber: Subscriber = { channel, userId, cursor, replaying: true };
    this.subscribers.add(subscriber);
    this.replay(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  bufferedBytes(): number {
    let total = 0;
    for (const { channel } of this.subscribers) total += channel.bufferedBytes;
    return total;
  }

  channels(): PushChannel[] {
    return [...this.subscribers].map((s) => s.channel);
  }

  stop(): void {
    this.source.off('message', this.onMessage);
  }

  /**
   * Sends the backlog half a send buffer at a time, continuing when the last message of a step has been
   * flushed. A reconnecting client can be far behind; queueing its whole backlog at once would be the
   * unbounded buffer the limit exists to prevent.
   */
  private replay(subscriber: Subscriber): void {
    const { channel, userId } = subscriber;
    const budget = this.limits.sendBufferBytes / 2;
    while (channel.isOpen) {
      const { messages, cursor, gap } = this.source.since(subscriber.cursor, userId, REPLAY_BATCH);
      if (gap) channel.sendGap(gap);
      if (messages.length === 0) {
        subscriber.cursor = cursor;
        subscriber.replaying = false;
        return;
      }
      for (const message of messages) {
        subscriber.cursor = message.seq;
        this.events.emit('push', 1);
        if (channel.bufferedBytes < budget) {
          channel.sendMessage(message, messageJson(message));
          continue;
        }
        channel.sendMessage(message, messageJson(message), () => this.replay(subscriber));
        return;
      }
      subscriber.cursor = cursor;
    }
  }

  private readonly onMessage = (message: Message): void => {
    // Serialise once per message, not once per subscriber; count once per message too (an event per delivery
    // showed in the profile against the bare ws loop).
    const json = messageJson(message);
    let sent = 0;
    for (const subscriber of this.subscribers) {
      if (subscriber.replaying) continue;
      subscriber.cursor = message.seq;
      const { channel } = subscriber;
      if (!isVisibleTo(message, subscriber.userId) || !channel.isOpen) continue;
      if (channel.bufferedBytes + json.length > this.limits.sendBufferBytes) {
        // A client that stopped reading would make the server queue every message for it forever.
        this.events.emit('cut');
        channel.cutOff();
        continue;
      }
      channel.sendMessage(message, json);
      sent++;
    }
    if (sent > 0) this.events.emit('push', sent);
  };
}
