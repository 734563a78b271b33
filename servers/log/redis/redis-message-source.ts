import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LIMITS } from '../../constants.js';
import type { Message } from '../../contract/message.js';
import { SourceUnavailableError, type MessageLog } from '../message-log.js';
import { isVisibleTo, MessageSource, type SinceResult } from '../message-source.js';
import { connectRedis, type RedisClient } from './redis-connection.js';
import { parseXread, RedisLog, type LogSnapshot, type StreamEntry } from './redis-log.js';

export interface RedisSourceOptions {
  url: string;
  /** Names the log's keys; every process that shares a log uses the same one. */
  keyPrefix?: string;
  ringSize?: number;
  payloadDepth?: number;
}

export const DEFAULT_KEY_PREFIX = 'pushbench';
/** Entries one XREAD may return: a reader that fell behind catches up in steps, never one huge reply. */
const READ_BATCH = 1_000;
/** A publish resolves once this process's mirror holds the message, or after this long (it is stored anyway). */
const MIRROR_WAIT_MS = 5_000;
/** Between attempts to resynchronise after a lost connection. */
const RESYNC_RETRY_MS = 100;

interface RedisSourceEvents {
  message: [message: Message];
  /** The mirror was rebuilt from Redis (a new epoch, or a reader that fell a whole ring behind). */
  resync: [epoch: number];
  /**
   * Redis stopped answering (a publish failed, or the reader lost its connection): once per outage, with the
   * reason, however many publishes fail meanwhile.
   */
  unavailable: [reason: string];
  /** Redis answers again after an outage (a publish went through, or the reader is back). */
  available: [];
}

/**
 * The message log on a Redis Stream, shared by every server process that opens the same key prefix.
 *
 * Redis gives each message its seq (one script increments and appends, atomically) and keeps the last
 * `ringSize` entries. Each process keeps a mirror of that ring, filled at start from one snapshot and then by
 * ONE blocking reader (XREAD), and answers `since()` from the mirror: no Redis query per client or per poll,
 * and the strategies read it synchronously exactly as they read the embedded log.
 *
 * Two rules differ from the embedded log because several processes serve one log:
 * - a cursor ahead of this process's head is kept, not moved back: another process has read further (its
 *   client came over here), and the messages it is waiting for are on their way through the reader;
 * - cursor 0 means "from the start of the current epoch": a client that has seen nothing has lost nothing.
 */
export class RedisMessageSource extends EventEmitter<RedisSourceEvents> implements MessageLog {
  readonly ringSize: number;
  private mirrorLog: MessageSource;
  private epochFirstSeq: number;
  private lastReadSeq: number;
  private closed = false;
  private readLoop: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<{ seq: number; resolve: () => void }>();
  /** The reason Redis is taken to be unavailable, while it is (see the 'unavailable' event). */
  private outage: string | undefined;

  private constructor(
    private readonly commands: RedisClient,
    private readonly reader: RedisClient,
    private readonly log: RedisLog,
    private readonly payloadDepth: number,
    ringSize: number,
    snapshot: LogSnapshot,
  ) {
    super();
    this.ringSize = ringSize;
    this.setMaxListeners(0);
    this.epochFirstSeq = snapshot.epoch;
    this.lastReadSeq = snapshot.head;
    this.mirrorLog = this.buildMirror(snapshot, Number.POSITIVE_INFINITY);
  }

  /** Connects (two connections: commands, and the blocking reader), takes the snapshot and starts reading. */
  static async open(options: RedisSourceOptions): Promise<RedisMessageSource> {
    const ringSize = options.ringSize ?? DEFAULT_LIMITS.ringSize;
    if (!Number.isInteger(ringSize) || ringSize < 1) throw new RangeError('ringSize must be a positive integer');
    const commands = await connectRedis(options.url);
    let reader: RedisClient | undefined;
    try {
      reader = await connectRedis(options.url);
      const log = new RedisLog(commands, options.keyPrefix ?? DEFAULT_KEY_PREFIX);
      await log.syncClock();
      const snapshot = await log.snapshot(0);
      const source = new RedisMessageSource(commands, reader, log, options.payloadDepth ?? DEFAULT_LIMITS.payloadDepth, ringSize, snapshot);
      source.readLoop = source.read();
      return source;
    } catch (error) {
      commands.destroy();
      reader?.destroy();
      throw error;
    }
  }

  get head(): number {
    return this.mirrorLog.head;
  }

  get oldest(): number {
    return this.mirrorLog.oldest;
  }

  /** The first seq of the log's current epoch. */
  get epoch(): number {
    return this.epochFirstSeq;
  }

  get keys(): RedisLog['keys'] {
    return this.log.keys;
  }

  since(cursor: number, userId?: string, limit = Number.POSITIVE_INFINITY): SinceResult {
    if (!Number.isInteger(cursor) || cursor < 0) throw new RangeError(`cursor must be a non-negative integer, got ${cursor}`);
    if (cursor > this.head) return { messages: [], cursor, gap: null };
    const from = cursor === 0 ? this.epochFirstSeq - 1 : cursor;
    const result = this.mirrorLog.since(from, userId, limit);
    // The gap names the cursor the client sent.
    if (result.gap) result.gap = { afterSeq: cursor, firstAvailableSeq: result.gap.firstAvailableSeq };
    return result;
  }

  subscribe(userId: string | undefined, listener: (message: Message) => void): () => void {
    const filtered = (message: Message) => {
      if (isVisibleTo(message, userId)) listener(message);
    };
    this.on('message', filtered);
    return () => this.off('message', filtered);
  }

  /**
   * Stores the message in Redis, which gives it its seq, and resolves once this process's mirror holds it
   * (a client of this process that asks right after the answer sees it). Throws PayloadError for a payload
   * that cannot be sent, SourceUnavailableError when Redis does not answer.
   */
  async publish(payload: unknown, to?: string, at?: number): Promise<Message> {
    let message: Message;
    try {
      message = await this.log.publish(payload, to, { ringSize: this.ringSize, payloadDepth: this.payloadDepth, floor: this.head }, at);
    } catch (error) {
      if (error instanceof SourceUnavailableError) this.unavailable(error.message);
      throw error;
    }
    this.available();
    await this.mirrored(message.seq);
    return message;
  }

  /** Whether Redis is taken to be unavailable now (between an 'unavailable' event and the next 'available'). */
  get isUnavailable(): boolean {
    return this.outage !== undefined;
  }

  private unavailable(reason: string): void {
    if (this.outage !== undefined || this.closed) return;
    this.outage = reason;
    this.emit('unavailable', reason);
  }

  private available(): void {
    if (this.outage === undefined) return;
    this.outage = undefined;
    this.emit('available');
  }

  /** Stops the reader and closes both connections; the log stays in Redis for the other processes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiting) waiter.resolve();
    this.waiting.clear();
    // The reader is blocked in XREAD: destroying its connection is what ends the call.
    this.reader.destroy();
    await this.readLoop;
    await this.commands.close().catch(() => this.commands.destroy());
  }

  /** Resolves when the mirror holds `seq` (or a later epoch), or after MIRROR_WAIT_MS. */
  private mirrored(seq: number): Promise<void> {
    if (this.lastReadSeq >= seq || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          this.waiting.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, MIRROR_WAIT_MS);
      this.waiting.add(waiter);
    });
  }

  /** The one blocking reader of this process: new entries, in order, into the mirror. */
  private async read(): Promise<void> {
    while (!this.closed) {
      let entries: StreamEntry[];
      try {
        const reply = await this.reader.sendCommand([
          'XREAD',
          'COUNT',
          String(READ_BATCH),
          'BLOCK',
          '0',
          'STREAMS',
          this.log.keys.log,
          `${this.lastReadSeq}-0`,
        ]);
        entries = parseXread(reply, this.log.keys.log);
      } catch (error) {
        if (this.closed) return;
        this.unavailable(`the message log in Redis is unavailable: ${(error as Error).message}`);
        // Redis went away (or restarted, perhaps empty): once it answers again, start over from a snapshot.
        await this.resync();
        continue;
      }
      for (const entry of entries) {
        if (entry.seq <= this.lastReadSeq) continue;
        if (entry.seq !== this.lastReadSeq + 1) {
          // Entries were trimmed before this reader got to them, or the log was recreated under a new epoch.
          await this.resync();
          break;
        }
        this.take(entry);
      }
    }
  }

  private take(entry: StreamEntry): void {
    this.mirrorLog.mirror(JSON.parse(entry.json) as Message, entry.json);
    this.lastReadSeq = entry.seq;
    for (const waiter of [...this.waiting]) if (waiter.seq <= entry.seq) waiter.resolve();
  }

  /**
   * Rebuilds the mirror from a snapshot when it can no longer follow on: same epoch, it keeps what it has and
   * adds what follows; another epoch (or a hole), it starts again from the snapshot, and the clients whose
   * cursors are older get the gap signal from since(), never the new log's messages under their old numbers.
   */
  private async resync(): Promise<void> {
    while (!this.closed) {
      let snapshot: LogSnapshot;
      try {
        // The two connections reconnect on their own clocks: Redis answers again only once the reader does too,
        // or its next XREAD fails as "offline" and the outage is reported a second time.
        await this.reader.sendCommand(['PING']);
        snapshot = await this.log.snapshot(this.lastReadSeq);
      } catch {
        // Redis is not back yet (or answers with an error): try again shortly, for as long as the source is open.
        await sleep(RESYNC_RETRY_MS);
        continue;
      }
      this.available();
      const follows = snapshot.epoch === this.epochFirstSeq && (snapshot.entries[0]?.seq ?? snapshot.head + 1) <= this.lastReadSeq + 1;
      if (follows) {
        for (const entry of snapshot.entries) if (entry.seq > this.lastReadSeq) this.take(entry);
      } else {
        const announceAfter = this.lastReadSeq;
        this.epochFirstSeq = snapshot.epoch;
        this.lastReadSeq = snapshot.head;
        this.emit('resync', snapshot.epoch);
        // Live clients learn of it from the first message they have not had: it does not follow their cursor,
        // so they go through since(), which gives them the gap signal.
        this.mirrorLog = this.buildMirror(snapshot, announceAfter);
        for (const waiter of [...this.waiting]) if (waiter.seq <= snapshot.head) waiter.resolve();
      }
      return;
    }
  }

  /**
   * A fresh mirror holding the snapshot's entries. Those above `announceAfter` are news to this process's
   * listeners (a new epoch's first messages) and are emitted; the others they have had, or are history.
   */
  private buildMirror(snapshot: LogSnapshot, announceAfter: number): MessageSource {
    const firstSeq = snapshot.entries[0]?.seq ?? snapshot.head + 1;
    const mirror = new MessageSource({ ringSize: this.ringSize, firstSeq, payloadDepth: this.payloadDepth });
    const add = (entry: StreamEntry) => mirror.mirror(JSON.parse(entry.json) as Message, entry.json);
    const news = snapshot.entries.filter((entry) => entry.seq > announceAfter);
    for (const entry of snapshot.entries) if (entry.seq <= announceAfter) add(entry);
    // The new mirror replaces the old one before anyone hears of its messages, so since() answers from it.
    this.mirrorLog = mirror;
    mirror.on('message', (message) => this.emit('message', message));
    for (const entry of news) add(entry);
    return mirror;
  }
}
