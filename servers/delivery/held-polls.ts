import type { ServerLimits } from '../constants.js';
import type { Message } from '../contract/message.js';
import { Refusal, refuse } from '../http/errors.js';
import { sendPollAnswer } from '../http/answers.js';
import type { LeanExchange } from '../http/exchange.js';
import type { MessageLog } from '../log/message-log.js';
import { isVisibleTo } from '../log/message-source.js';
import { pollAnswer, pollResult, type PollAnswer } from '../http/poll-response.js';
import type { ServerStrategy } from '../strategy.js';

interface HeldPoll {
  readonly exchange: LeanExchange;
  readonly group: HeldGroup;
  readonly timer: NodeJS.Timeout;
  held: boolean;
}

/** The polls held at one cursor for one reader (a user id, or anyone): their answers are the same bytes. */
interface HeldGroup {
  readonly key: string;
  readonly cursor: number;
  readonly userId: string | undefined;
  readonly polls: Set<HeldPoll>;
}

/**
 * The long polls waiting for news, grouped by cursor and reader. A message answers every group it concerns,
 * each with one answer built once (and turned into bytes once) and written to every poll of the group: most
 * clients wait at the head, so a broadcast builds one answer, not one per client. Each poll emits the
 * strategy's `attach` when held and `detach` when released, however it goes (answered, timed out, its client
 * gone), and gets an answer whenever it is released by the server — a 500 if its answer cannot be built.
 */
export class HeldPolls {
  private readonly groups = new Map<string, HeldGroup>();
  private readonly perUser = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly source: MessageLog,
    private readonly limits: ServerLimits,
    private readonly events: ServerStrategy,
  ) {}

  get size(): number {
    return this.count;
  }

  /**
   * Holds a poll that has nothing to answer yet. Throws a 503 (with Retry-After) when the server, or this user,
   * holds as many as it may; returns false when its connection already holds one (answer it at once instead).
   */
  hold(exchange: LeanExchange, cursor: number, userId: string | undefined, timeoutMs: number): boolean {
    const { maxHeldLongPolls, maxHeldLongPollsPerUser } = this.limits;
    if (this.count >= maxHeldLongPolls) {
      throw new Refusal('tooManyHeldPolls', { limit: maxHeldLongPolls });
    }
    const userHolds = userId === undefined ? 0 : (this.perUser.get(userId) ?? 0);
    if (userHolds >= maxHeldLongPollsPerUser) {
      throw new Refusal('tooManyHeldPollsPerUser', { limit: maxHeldLongPollsPerUser });
    }
    // The connection calls this only later, once the poll is held (never from inside tryHold).
    if (!exchange.connection.tryHold(() => this.answerOne(poll))) return false;
    const key = userId === undefined ? String(cursor) : `${cursor} ${userId}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { key, cursor, userId, polls: new Set() }));
    const poll: HeldPoll = { exchange, group, held: true, timer: setTimeout(() => this.answerOne(poll), timeoutMs) };
    group.polls.add(poll);
    this.count++;
    if (userId !== undefined) this.perUser.set(userId, userHolds + 1);
    this.events.emit('attach', userId);
    // The client went away while held: forget the poll, nothing was sent so nothing is lost.
    exchange.res.once('close', () => this.release(poll));
    return true;
  }

  /** Answers every group `message` concerns. */
  onMessage(message: Message): void {
    for (const group of this.groups.values()) {
      // A group whose cursor is ahead of this message (its clients came from a process of a shared log that had
      // read further) waits for the next one rather than getting an empty answer.
      if (message.seq > group.cursor && isVisibleTo(message, group.userId)) this.answerGroup(group);
    }
  }

  /** Answers every held poll with what there is (at shutdown). */
  answerAll(): void {
    for (const group of [...this.groups.values()]) this.answerGroup(group);
  }

  private answerGroup(group: HeldGroup): void {
    this.groups.delete(group.key);
    const answer = this.build(group, group.polls.size > 1);
    for (const poll of group.polls) this.send(poll, answer);
  }

  private answerOne(poll: HeldPoll): void {
    if (poll.held) this.send(poll, this.build(poll.group, false));
  }

  private build(group: HeldGroup, shared: boolean): PollAnswer | undefined {
    try {
      return pollAnswer(pollResult(this.source, group.cursor, group.userId, this.limits), shared);
    } catch {
      return undefined;
    }
  }

  private send(poll: HeldPoll, answer: PollAnswer | undefined): void {
    if (!this.release(poll)) return;
    if (answer) {
      this.events.emit('response', answer.messageCount, answer.bytes);
      sendPollAnswer(poll.exchange, answer);
    } else {
      // A released poll must still get an answer, or its client would wait for one forever.
      refuse(poll.exchange, this.events, new Refusal('internal'));
    }
  }

  /** Returns false when the poll was already answered or abandoned. */
  private release(poll: HeldPoll): boolean {
    if (!poll.held) return false;
    poll.held = false;
    const { group } = poll;
    group.polls.delete(poll);
    if (group.polls.size === 0 && this.groups.get(group.key) === group) this.groups.delete(group.key);
    clearTimeout(poll.timer);
    poll.exchange.connection.releaseHold();
    this.count--;
    const { userId } = group;
    if (userId !== undefined) {
      const holds = this.perUser.get(userId)! - 1;
      if (holds === 0) this.perUser.delete(userId);
      else this.perUser.set(userId, holds);
    }
    this.events.emit('detach', userId);
    return true;
  }
}
