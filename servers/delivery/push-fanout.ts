import type { ServerLimits } from '../constants.js';
import type { Gap, Message } from '../contract/message.js';
import { Refusal, refuse } from '../http/errors.js';
import type { MessageLog } from '../log/message-log.js';
import { isVisibleTo, messageJson } from '../log/message-source.js';
import type { ServerStrategy } from '../strategy.js';

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
  /**
   * Calls `listener` once when the client is gone, however it went: closed by either end, cut off, or never
   * started (its connection closed first); at once if it is gone already.
   */
  onClose(listener: () => void): void;
}

interface Subscriber<C extends PushChannel> {
  channel: C;
  userId: string | undefined;
  /** The seq of the last message handed to this client (or passed over as someone else's). */
  cursor: number;
  /** Sending its backlog from the ring: live messages wait in the ring too, so order is kept. */
  replaying: boolean;
}

/** Messages read from the ring per step of a replay. */
const REPLAY_BATCH = 100;

/**
 * What every push strategy (WebSocket, server-sent events) does the same way: refuse a client over the stream
 * limit, attach it, replay the backlog after its cursor at the pace it reads, then fan out live messages
 * serialised once, cut off a client whose send buffer would cross the limit, and detach it when it goes. The
 * fan-out emits the strategy's `attach` and `detach` itself, hooked to the channel's close, so no path (a
 * failed replay, a connection closed before its stream started, a shutdown) can leave a client counted.
 * The strategy only supplies the channel.
 */
export class PushFanout<C extends PushChannel = PushChannel> {
  private readonly subscribers = new Set<Subscriber<C>>();

  /** `clientsNoun` names the clients in the refusal, e.g. "event streams". */
  constructor(
    private readonly source: MessageLog,
    private readonly limits: ServerLimits,
    private readonly events: ServerStrategy,
    private readonly clientsNoun: string,
  ) {
    source.on('message', this.onMessage);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Throws a 503 (with Retry-After) when `maxPushStreams` clients are attached: call before answering a new one. */
  checkRoom(): void {
    if (this.subscribers.size >= this.limits.maxPushStreams) {
      throw new Refusal('tooManyPushClients', { clients: this.clientsNoun, limit: this.limits.maxPushStreams });
    }
  }

  /** Attaches a channel from `cursor`: `attach` now, `detach` once when the channel closes. */
  attach(channel: C, cursor: number, userId: string | undefined): void {
    const subscriber: Subscriber<C> = { channel, userId, cursor, replaying: true };
    this.subscribers.add(subscriber);
    this.events.emit('attach', userId);
    channel.onClose(() => this.detach(subscriber));
    this.replay(subscriber);
  }

  /** The attached channels, e.g. to write a heartbeat to each or to close them at shutdown. */
  channels(): C[] {
    return [...this.subscribers].map((s) => s.channel);
  }

  bufferedBytes(): number {
    let total = 0;
    for (const { channel } of this.subscribers) total += channel.bufferedBytes;
    return total;
  }

  /** Stops the live fan-out (at shutdown); attached channels detach as they close. */
  stop(): void {
    this.source.off('message', this.onMessage);
  }

  private detach(subscriber: Subscriber<C>): void {
    if (this.subscribers.delete(subscriber)) this.events.emit('detach', subscriber.userId);
  }

  /**
   * Sends the backlog half a send buffer at a time, continuing when the last message of a step has been
   * flushed. A reconnecting client can be far behind; queueing its whole backlog at once would be the
   * unbounded buffer the limit exists to prevent.
   */
  private replay(subscriber: Subscriber<C>): void {
    try {
      this.replayStep(subscriber);
    } catch (error) {
      // A replay that failed half-way would leave a client attached that never hears again: drop it now, and it
      // resumes from its cursor like any client that was cut off (its stream has started: cutting is the answer).
      refuse(
        () => {
          this.detach(subscriber);
          subscriber.channel.cutOff();
        },
        this.events,
        error,
      );
    }
  }

  private replayStep(subscriber: Subscriber<C>): void {
    const { channel, userId } = subscriber;
    const budget = this.limits.sendBufferBytes / 2;
    while (channel.isOpen && this.subscribers.has(subscriber)) {
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
      if (message.seq !== subscriber.cursor + 1) {
        // Only a log shared by several processes gets here (the embedded one is always in step): a client that
        // came over from a process that had read further already has this message; one whose cursor is behind
        // (the log was recreated under a new epoch) goes through since(), which gives it the gap signal.
        if (message.seq > subscriber.cursor) {
          subscriber.replaying = true;
          this.replay(subscriber);
        }
        continue;
      }
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
