import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { nowMs } from '../../servers/contract/message.js';
import type { PublisherFigures } from '../../results/results.js';
import { createLatencyHistogram, encodeHistogram, latencyUs, summarizeLatency } from '../measure/histogram.js';
import { PUBLISH_GIVE_UP_MS } from '../plan/budgets.js';
import { LATE_PUBLISH_MS, playSchedule, type ScheduleReport } from '../plan/schedule.js';

/**
 * Publishes in flight at once, at most. A publish that falls due while this many are unanswered waits for the
 * first place to free (counted as `waited`; its lateness is counted, and its latency still runs from its planned
 * time). 64 is far more than any schedule of the presets has in flight on a healthy server (a few publishes a
 * second, each answered in milliseconds), and few enough that a stalled server costs the publisher nothing worse
 * than 64 idle sockets.
 */
export const PUBLISH_CONCURRENCY = 64;

/** A publish answered 503 or 504 is tried again after a backoff that doubles from this, up to PUBLISH_MAX_BACKOFF_MS. */
export const PUBLISH_FIRST_BACKOFF_MS = 250;
export const PUBLISH_MAX_BACKOFF_MS = 2_000;
/** Tries of one publish, the first included; and none starts later than the schedule's give-up time after the first. */
export const PUBLISH_MAX_ATTEMPTS = 5;

/** What one attempt at a publish came to: the seq the log gave the message, or why not. */
export type PublishAttempt =
  | { seq: number }
  | {
      /** An HTTP status ("503"), "timeout" (no answer in time), "network" (the connection failed), or what the log said. */
      cause: string;
      /**
       * Worth another try: the message cannot have been stored (a 503, a 504 from a gateway, a refused connection),
       * or it may have been and the target stores a publish once per Idempotency-Key (PublishChannel.idempotent).
       */
      retryable: boolean;
      /** How long the answer asked to wait before trying again (Retry-After), ms. */
      retryAfterMs?: number;
    };

/** Where a publisher process sends its publishes: the server's HTTP API, or the Redis stream (bench/publisher/). */
export interface PublishChannel {
  readonly kind: PublisherFigures['publisher'];
  /** Where, in words for the results: "POST http://127.0.0.1:41234/api/publish", "redis {run-1}:log". */
  readonly target: string;
  /**
   * One attempt to publish `payload` as a message whose time is `scheduledAtMs` (wall clock, nowMs()), given up
   * after `timeoutMs`. `key` names the publish, the same on every attempt of it, so that a server which may still
   * run an attempt it timed out (PHP behind nginx after a 504) stores it once. Resolves with the outcome; never
   * rejects.
   */
  attempt(payload: unknown, scheduledAtMs: number, timeoutMs: number, key: string): Promise<PublishAttempt>;
  close(): Promise<void>;
}

/** The schedule a publisher process plays, as the harness gives it (the server process's runSchedule takes the same). */
export interface PublisherSchedule {
  offsetsMs: number[];
  durationMs: number;
  payloadBytes: number;
  /** What the messages carry in turn instead of payloadBytes of filler (realistic JSON bodies), when given. */
  payloads?: unknown[];
  /** Wall-clock ms (nowMs()) the offsets count from; absent: now. */
  startAtMs?: number;
  /** How long one attempt may wait for its answer, ms; absent: PUBLISH_GIVE_UP_MS. */
  attemptTimeoutMs?: number;
  /** No attempt of a publish starts later than this after its first, ms; absent: PUBLISH_GIVE_UP_MS. */
  giveUpMs?: number;
}

/** What a publisher process reports: the schedule as carried out, and its publishes' own figures. */
export interface PublisherReport {
  /** `seqs` holds every seq the log answered, ascending: exactly the messages the clients must each receive. */
  schedule: ScheduleReport;
  publishing: Omit<PublisherFigures, 'cpuMs' | 'windowMs'>;
}

/**
 * Plays the schedule open loop through `channel`: each publish is sent at its planned time whether or not the
 * earlier ones have been answered (up to PUBLISH_CONCURRENCY in flight), so a slow publish path shows as latency
 * and never as fewer messages. Each message carries its planned time, which the clients' latency counts from. A
 * 503 or 504 is tried again after a backoff, a bounded number of times; a publish never answered is given up. It
 * resolves once the schedule has run its duration and every publish is answered or given up.
 */
export async function publishOpenLoop(schedule: PublisherSchedule, channel: PublishChannel): Promise<PublisherReport> {
  const { offsetsMs, durationMs } = schedule;
  const wallNow = nowMs();
  const startedAtWallMs = schedule.startAtMs ?? wallNow;
  // The same instant on the monotonic clock, which times the schedule; a planned time is startedAtWallMs + offset, exactly.
  const startedAt = performance.now() - (wallNow - startedAtWallMs);
  const { payloads } = schedule;
  const filler = 'x'.repeat(schedule.payloadBytes);
  const payloadOf = payloads && payloads.length > 0 ? (i: number) => payloads[i % payloads.length] : () => filler;
  const limits = { attemptTimeoutMs: schedule.attemptTimeoutMs ?? PUBLISH_GIVE_UP_MS, giveUpMs: schedule.giveUpMs ?? PUBLISH_GIVE_UP_MS };
  const loop = new OpenLoop(channel, payloadOf, offsetsMs, startedAt, startedAtWallMs, limits);
  let due = 0;
  // The lateness playSchedule measures is the timer's; what counts here is when each publish was really sent.
  await playSchedule({ offsetsMs, durationMs, startedAt }, { latePublishes: 0, maxLagMs: 0 }, () => loop.due(due++));
  await loop.settled();
  return loop.report();
}

/** The publishes of one schedule: those in flight, those waiting for a place, and what became of each. */
class OpenLoop {
  private inFlight = 0;
  private readonly waiting: number[] = [];
  private scheduleDone = false;
  private onSettled: (() => void) | undefined;
  private readonly latencies = createLatencyHistogram();
  private readonly seqs: number[] = [];
  private failed = 0;
  private retries = 0;
  private waited = 0;
  private latePublishes = 0;
  private maxLagMs = 0;
  private readonly failuresByCause: Record<string, number> = {};

  constructor(
    private readonly channel: PublishChannel,
    /** The payload of publish `index` of the schedule. */
    private readonly payloadOf: (index: number) => unknown,
    private readonly offsetsMs: readonly number[],
    /** performance.now() of offset 0. */
    private readonly startedAt: number,
    /** nowMs() of offset 0: a publish's planned time is this plus its offset. */
    private readonly startedAtWallMs: number,
    private readonly limits: { attemptTimeoutMs: number; giveUpMs: number },
  ) {}

  /** This publisher's own prefix of its publishes' keys: a run's keys never meet another run's in the same log. */
  private readonly keyPrefix = randomBytes(6).toString('hex');

  /** Publish `index` of the schedule falls due. */
  due(index: number): void {
    if (this.inFlight < PUBLISH_CONCURRENCY) return this.send(index);
    this.waited++;
    this.waiting.push(index);
  }

  /** Resolves once the whole schedule was due and every publish is answered or given up. */
  settled(): Promise<void> {
    this.scheduleDone = true;
    if (this.idle) return Promise.resolve();
    return new Promise<void>((resolve) => (this.onSettled = resolve));
  }

  report(): PublisherReport {
    const seqs = [...this.seqs].sort((a, b) => a - b);
    const { channel } = this;
    return {
      schedule: { published: seqs.length, lastSeq: seqs.at(-1) ?? 0, latePublishes: this.latePublishes, maxLagMs: this.maxLagMs, seqs },
      publishing: {
        publisher: channel.kind,
        target: channel.target,
        concurrencyLimit: PUBLISH_CONCURRENCY,
        planned: this.offsetsMs.length,
        answered: seqs.length,
        failed: this.failed,
        retries: this.retries,
        waited: this.waited,
        failuresByCause: { ...this.failuresByCause },
        latencyUs: summarizeLatency(this.latencies),
        latencyHistogram: encodeHistogram(this.latencies),
      },
    };
  }

  private get idle(): boolean {
    return this.inFlight === 0 && this.waiting.length === 0;
  }

  private send(index: number): void {
    this.inFlight++;
    const sentAt = performance.now();
    const lagMs = sentAt - (this.startedAt + this.offsetsMs[index]);
    this.maxLagMs = Math.max(this.maxLagMs, lagMs);
    if (lagMs > LATE_PUBLISH_MS) this.latePublishes++;
    this.attempt(index, 1, sentAt);
  }

  private attempt(index: number, attempt: number, firstSentAt: number): void {
    const timeoutMs = Math.max(1, Math.min(this.limits.attemptTimeoutMs, this.limits.giveUpMs - (performance.now() - firstSentAt)));
    this.channel.attempt(this.payloadOf(index), this.startedAtWallMs + this.offsetsMs[index], timeoutMs, `${this.keyPrefix}-${index}`).then(
      (outcome) => this.attempted(index, attempt, firstSentAt, outcome),
      // A channel resolves every attempt; should one throw all the same, the publish fails rather than hangs.
      (error: unknown) => this.attempted(index, attempt, firstSentAt, { cause: String(error), retryable: false }),
    );
  }

  private attempted(index: number, attempt: number, firstSentAt: number, outcome: PublishAttempt): void {
    if ('seq' in outcome) {
      this.latencies.recordValue(latencyUs(firstSentAt, performance.now()));
      this.seqs.push(outcome.seq);
      return this.release();
    }
    this.failuresByCause[outcome.cause] = (this.failuresByCause[outcome.cause] ?? 0) + 1;
    const backoffMs = Math.min(PUBLISH_MAX_BACKOFF_MS, Math.max(PUBLISH_FIRST_BACKOFF_MS * 2 ** (attempt - 1), outcome.retryAfterMs ?? 0));
    const inTime = performance.now() + backoffMs - firstSentAt < this.limits.giveUpMs;
    if (!outcome.retryable || attempt >= PUBLISH_MAX_ATTEMPTS || !inTime) {
      this.failed++;
      return this.release();
    }
    this.retries++;
    // The publish keeps its place in flight while it waits: a retry is not a new publish.
    setTimeout(() => this.attempt(index, attempt + 1, firstSentAt), backoffMs);
  }

  private release(): void {
    this.inFlight--;
    const next = this.waiting.shift();
    if (next !== undefined) this.send(next);
    else if (this.scheduleDone && this.idle) this.onSettled?.();
  }
}
