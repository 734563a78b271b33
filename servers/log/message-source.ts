import { EventEmitter } from 'node:events';
import { DEFAULT_LIMITS } from '../constants.js';
import { nowMs, type Gap, type Message } from '../contract/message.js';
import type { MessageLog, SinceResult } from './message-log.js';
import { checkPayloadDepth, PayloadError } from './payload.js';

export type { SinceResult };

interface MessageSourceEvents {
  /**
   * A message is about to be stored: it has its seq and its serialisation, and no strategy has seen it yet. A
   * listener that must record every message anyone could receive (a fault run's publish log) does it here, so
   * a process killed at any moment has the record of whatever a client could have seen.
   */
  publishing: [message: Message];
  message: [message: Message];
}

/**
 * The one append-only log every strategy reads from. A bounded ring keeps the recent messages so a client can
 * resume from its cursor; a cursor older than the ring gets an explicit gap instead of a silent loss.
 */
export class MessageSource extends EventEmitter<MessageSourceEvents> implements MessageLog {
  readonly ringSize: number;
  private readonly ring: (Message | undefined)[];
  private lastSeq = 0;

  private readonly firstSeq: number;

  /**
   * `firstSeq` lets a restarted server continue above every seq its predecessor could have used, so a client's
   * old cursor reads as older than the ring and gets the gap signal instead of skipping the new messages.
   */
  private readonly payloadDepth: number;

  constructor(options: { ringSize?: number; firstSeq?: number; payloadDepth?: number } = {}) {
    super();
    this.ringSize = options.ringSize ?? DEFAULT_LIMITS.ringSize;
    this.payloadDepth = options.payloadDepth ?? DEFAULT_LIMITS.payloadDepth;
    if (!Number.isInteger(this.ringSize) || this.ringSize < 1) throw new RangeError('ringSize must be a positive integer');
    this.firstSeq = options.firstSeq ?? 1;
    if (!Number.isSafeInteger(this.firstSeq) || this.firstSeq < 1) throw new RangeError('firstSeq must be a positive integer');
    this.lastSeq = this.firstSeq - 1;
    this.ring = new Array<Message | undefined>(this.ringSize);
    // Every held long poll and WebSocket connection listens; the limit is enforced by the strategies instead.
    this.setMaxListeners(0);
  }

  /** The seq of the newest message; firstSeq - 1 (0 by default) before the first. */
  get head(): number {
    return this.lastSeq;
  }

  /** The oldest seq still in the ring (head + 1 when the ring is empty). */
  get oldest(): number {
    return Math.max(this.firstSeq, this.lastSeq - this.ringSize + 1);
  }

  /**
   * Appends a message. Throws PayloadError, storing nothing, when the payload is nested too deep or cannot be
   * serialised: a message is stored only together with the exact text every strategy will send. `at`: the
   * publisher's time for it (see MessageLog.publish); now by default.
   */
  publish(payload: unknown, to?: string, at?: number): Message {
    checkPayloadDepth(payload, this.payloadDepth);
    const message: Message = { seq: this.lastSeq + 1, t: at ?? nowMs(), payload };
    if (to !== undefined) message.to = to;
    let json: string | undefined;
    try {
      json = JSON.stringify(message);
    } catch {
      // e.g. a BigInt from a caller in this process; JSON from the wire always serialises once the depth is checked.
    }
    if (json === undefined) throw new PayloadError('payload cannot be serialised as JSON');
    SERIALISED.set(message, json);
    this.emit('publishing', message);
    this.store(message);
    return message;
  }

  /**
   * Stores a message that got its seq and its serialisation elsewhere: this log is then a process's copy of a
   * shared one (the Redis source's mirror). Seqs must follow on from the head, so the copy has no holes.
   */
  mirror(message: Message, json: string): void {
    if (message.seq !== this.lastSeq + 1) throw new RangeError(`mirrored seq ${message.seq} does not follow the head ${this.lastSeq}`);
    SERIALISED.set(message, json);
    this.store(message);
  }

  private store(message: Message): void {
    this.lastSeq = message.seq;
    this.ring[message.seq % this.ringSize] = message;
    this.emit('message', message);
  }

  /**
   * The messages after `cursor` that `userId` may see (broadcasts and its own), oldest first, at most `limit`.
   * The returned cursor is where the next call should start: past messages for other users too, so they are
   * never scanned again.
   */
  since(cursor: number, userId?: string, limit = Number.POSITIVE_INFINITY): SinceResult {
    if (!Number.isInteger(cursor) || cursor < 0) throw new RangeError(`cursor must be a non-negative integer, got ${cursor}`);
    const oldest = this.oldest;
    let gap: Gap | null = null;
    let from = cursor + 1;
    if (from < oldest) {
      gap = { afterSeq: cursor, firstAvailableSeq: oldest };
      from = oldest;
    }
    const messages: Message[] = [];
    let next = Math.max(cursor, from - 1);
    for (let seq = from; seq <= this.lastSeq; seq++) {
      const message = this.ring[seq % this.ringSize] as Message;
      if (isVisibleTo(message, userId)) {
        if (messages.length >= limit) break;
        messages.push(message);
      }
      next = seq;
    }
    // A cursor ahead of the log (a client that outlived a server restart) is moved back to the head.
    return { messages, cursor: cursor > this.lastSeq ? this.lastSeq : next, gap };
  }

  /** Calls `listener` for every new message `userId` may see; returns the unsubscribe function. */
  subscribe(userId: string | undefined, listener: (message: Message) => void): () => void {
    const filtered = (message: Message) => {
      if (isVisibleTo(message, userId)) listener(message);
    };
    this.on('message', filtered);
    return () => this.off('message', filtered);
  }
}

/** The JSON text of each stored message, made once at publish: every strategy sends these exact bytes. */
const SERIALISED = new WeakMap<Message, string>();

/** The JSON text of a message as every strategy sends it (serialised once, when it was published). */
export function messageJson(message: Message): string {
  return SERIALISED.get(message) ?? JSON.stringify(message);
}

export function isVisibleTo(message: Message, userId: string | undefined): boolean {
  return message.to === undefined || message.to === userId;
}
