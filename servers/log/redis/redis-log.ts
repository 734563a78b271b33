import { createHash } from 'node:crypto';
import { nowMs, type Message } from '../../contract/message.js';
import { SourceUnavailableError } from '../message-log.js';
import { checkPayloadDepth, PayloadError } from '../payload.js';
import { answerWithin, type RedisClient } from './redis-connection.js';

/**
 * The log in Redis: three keys under one hash tag (so they share a slot on a cluster too).
 * - `{prefix}:epoch` — the first seq of the current log. A log that is lost (Redis restarted empty, flushed)
 *   is recreated with a new epoch that starts above every seq the old one can have used.
 * - `{prefix}:seq`   — the last seq given out (INCR).
 * - `{prefix}:log`   — the stream: entry id `<seq>-0`, one field `m` holding the message exactly as it is sent.
 */
export interface LogKeys {
  epoch: string;
  seq: string;
  log: string;
}

export function logKeys(prefix: string): LogKeys {
  const tag = `{${prefix}}`;
  return { epoch: `${tag}:epoch`, seq: `${tag}:seq`, log: `${tag}:log` };
}

/**
 * The epoch's first seq is Redis's clock in units of 10 µs (ms × 100) plus one, or one above the highest seq
 * the caller has seen if that is higher. A cursor from an older log is then below the new one's first seq and
 * gets the gap signal (never messages of the new log under old numbers), as long as the old log published
 * fewer than 100 messages per millisecond of its life; the caller's own head covers the rest. Seqs stay below
 * 10^15 (what a cursor may be) until the year 2286.
 */
const ENSURE_EPOCH = `
local function ensure_epoch(floor)
  local first = redis.call('GET', KEYS[1])
  if first then return tonumber(first) end
  local now = redis.call('TIME')
  local base = tonumber(now[1]) * 100000 + math.floor(tonumber(now[2]) / 10)
  if floor > base then base = floor end
  redis.call('SET', KEYS[1], string.format('%.0f', base + 1))
  redis.call('SET', KEYS[2], string.format('%.0f', base))
  redis.call('DEL', KEYS[3])
  return base + 1
end
`;

/**
 * One atomic step: the next seq, and the entry under it, trimmed to exactly `ringSize` entries (no `~`: the
 * gap signal must come at the same cursor as with the embedded log). The caller sends the message's JSON
 * after its seq, so what is stored is byte for byte what every strategy sends. A script that runs after its
 * deadline (Redis's clock, ms) appends nothing and returns seq 0: its publisher has already been told it failed.
 * ARGV: floor, ringSize, the JSON after `{"seq":N`, deadline. Returns [seq, epoch].
 */
const APPEND_SCRIPT = `${ENSURE_EPOCH}
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[4]) then return {0, 0} end
local epoch = ensure_epoch(tonumber(ARGV[1]))
local seq = redis.call('INCR', KEYS[2])
local text = string.format('%.0f', seq)
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[2], text .. '-0', 'm', '{"seq":' .. text .. ARGV[3])
return {seq, epoch}
`;

/**
 * The whole log at one instant: epoch, head and every kept entry, so that a process's mirror starts from a
 * consistent copy and its reader carries on from the head. ARGV: floor. Returns [epoch, head, entries].
 */
const SNAPSHOT_SCRIPT = `${ENSURE_EPOCH}
local epoch = ensure_epoch(tonumber(ARGV[1]))
local head = tonumber(redis.call('GET', KEYS[2]))
return {epoch, head, redis.call('XRANGE', KEYS[3], '-', '+')}
`;

/**
 * A reader that keeps no mirror (the PHP strategies, servers/php/): the epoch, the head and at most ARGV[2] entries
 * after the cursor ARGV[1], at one instant. Cursor 0 reads from the start of the epoch; a cursor ahead of the head
 * reads nothing; the stream holds only what the ring keeps, so after a trim the entries start at the oldest kept.
 * Returns [epoch, head, entries].
 */
const SINCE_SCRIPT = `${ENSURE_EPOCH}
local epoch = ensure_epoch(0)
local head = tonumber(redis.call('GET', KEYS[2]))
local cursor = tonumber(ARGV[1])
if cursor > head then return {epoch, head, {}} end
local from = cursor + 1
if cursor == 0 then from = epoch end
local first = string.format('%.0f', from) .. '-0'
local last = string.format('%.0f', head) .. '-0'
return {epoch, head, redis.call('XRANGE', KEYS[3], first, last, 'COUNT', ARGV[2])}
`;

/**
 * APPEND_SCRIPT for a publisher that may send the same publish twice (a retry after a gateway gave up on a request
 * that was still queued for a worker, and ran later): KEYS[4] remembers the seq given to its idempotency key for
 * ARGV[4] seconds, and a publish under a key already seen returns that seq and appends nothing. ARGV as
 * APPEND_SCRIPT's, then the seconds. Returns [seq, epoch].
 */
const APPEND_ONCE_SCRIPT = `${ENSURE_EPOCH}
local done = redis.call('GET', KEYS[4])
local epoch = ensure_epoch(tonumber(ARGV[1]))
if done then return {tonumber(done), epoch} end
local seq = redis.call('INCR', KEYS[2])
local text = string.format('%.0f', seq)
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[2], text .. '-0', 'm', '{"seq":' .. text .. ARGV[3])
redis.call('SET', KEYS[4], text, 'EX', ARGV[4])
return {seq, epoch}
`;

/**
 * The log's scripts by name, for a process that is not Node (the PHP strategies run them with EVALSHA, EVAL
 * when Redis does not know one yet): the same text, so that seqs and stored messages are the same whoever writes.
 */
export const LOG_SCRIPTS = { append: APPEND_SCRIPT, appendOnce: APPEND_ONCE_SCRIPT, since: SINCE_SCRIPT } as const;

/** The key an idempotency key of a publish is remembered under, in the log's hash slot. */
export function publishKey(prefix: string, idempotencyKey: string): string {
  return `${logKeys(prefix).log}:publish:${idempotencyKey}`;
}

/** How the message log's own sentence for an unreachable Redis begins (the rest is the client library's reason). */
export const REDIS_UNAVAILABLE = 'the message log in Redis is unavailable: ';

export interface StreamEntry {
  seq: number;
  /** The message as stored and sent. */
  json: string;
}

export interface LogSnapshot {
  epoch: number;
  head: number;
  /** Oldest first; at most ringSize, the newest ending at head. */
  entries: StreamEntry[];
}

/**
 * How long a publish waits for Redis. A Redis that is frozen (SIGSTOP, a stalled host) keeps its connection
 * open, so nothing fails by itself, and node-redis's own command timeout only covers a command still waiting to
 * be written; past this, the publish fails (SourceUnavailableError, HTTP 503 with Retry-After) instead of waiting
 * for Redis to come back. Commands take well under a millisecond on a Redis that runs.
 */
export const PUBLISH_TIMEOUT_MS = 1_000;
/**
 * The append script refuses to run this long before the publish's timeout (by Redis's clock): a publish its
 * publisher has been told failed must not be stored when a frozen Redis resumes, or a retry would store it twice.
 * The margin is the time the script's reply has to reach the publisher.
 */
export const LATE_MARGIN_MS = 250;

/** Calls on the log that are not blocking reads: appending and taking a snapshot. */
export class RedisLog {
  readonly keys: LogKeys;
  /** Redis's clock minus this process's, ms (see syncClock); 0 until measured: the same machine's clock. */
  private clockOffsetMs = 0;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
  ) {
    this.keys = logKeys(prefix);
  }

  /**
   * Publishes a message: checked and serialised here, given its seq by Redis. The stored text is what
   * JSON.stringify gives the embedded log's message, {"seq":…,"t":…,"payload":…,"to"?:…}, byte for byte.
   * `floor` is the highest seq the caller has seen (see the epoch). Throws PayloadError, storing nothing, for a
   * payload that cannot be sent, SourceUnavailableError when Redis does not answer. `at`: the publisher's time
   * for the message (see MessageLog.publish); now by default.
   */
  async publish(
    payload: unknown,
    to: string | undefined,
    limits: { ringSize: number; payloadDepth: number; floor: number },
    at?: number,
  ): Promise<Message> {
    checkPayloadDepth(payload, limits.payloadDepth);
    const t = at ?? nowMs();
    let payloadJson: string | undefined;
    try {
      payloadJson = JSON.stringify(payload);
    } catch {
      // as in MessageSource: a BigInt from a caller in this process
    }
    if (payloadJson === undefined) throw new PayloadError('payload cannot be serialised as JSON');
    const afterSeq = `,"t":${JSON.stringify(t)},"payload":${payloadJson}${to === undefined ? '' : `,"to":${JSON.stringify(to)}`}}`;
    const { seq } = await this.append(afterSeq, limits.ringSize, limits.floor);
    const message: Message = { seq, t, payload };
    if (to !== undefined) message.to = to;
    return message;
  }

  /**
   * Appends `{"seq":N` + `jsonAfterSeq`; returns the seq Redis gave it and the log's epoch. Fails with
   * SourceUnavailableError, having stored nothing, when Redis does not answer within PUBLISH_TIMEOUT_MS.
   */
  async append(jsonAfterSeq: string, ringSize: number, floor: number): Promise<{ seq: number; epoch: number }> {
    const deadline = Date.now() + this.clockOffsetMs + PUBLISH_TIMEOUT_MS - LATE_MARGIN_MS;
    const reply = this.run(APPEND_SCRIPT, [String(floor), String(ringSize), jsonAfterSeq, String(Math.floor(deadline))]);
    const [seq, epoch] = (await answerWithin(reply, PUBLISH_TIMEOUT_MS, unansweredMessage())) as [number, number];
    if (Number(seq) === 0) throw new SourceUnavailableError(unansweredMessage());
    return { seq: Number(seq), epoch: Number(epoch) };
  }

  /**
   * Measures Redis's clock against this process's (one TIME, halfway through its round trip), for the append
   * script's deadline: a Redis on another machine may keep another time.
   */
  async syncClock(): Promise<void> {
    const sent = Date.now();
    const [seconds, micros] = (await this.call(['TIME'])) as [string, string];
    const received = Date.now();
    this.clockOffsetMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (sent + received) / 2;
  }

  async snapshot(floor: number): Promise<LogSnapshot> {
    const [epoch, head, entries] = (await this.run(SNAPSHOT_SCRIPT, [String(floor)])) as [number, number, unknown];
    return { epoch: Number(epoch), head: Number(head), entries: parseEntries(entries) };
  }

  /** Deletes the log (a bench run cleans up after itself on a shared Redis). */
  async remove(): Promise<void> {
    await this.call(['DEL', this.keys.epoch, this.keys.seq, this.keys.log]);
  }

  /** EVALSHA, and EVAL once when Redis does not know the script (first use, or after a restart). */
  private async run(script: string, args: string[]): Promise<unknown> {
    const keys = [this.keys.epoch, this.keys.seq, this.keys.log];
    try {
      return await this.call(['EVALSHA', sha1(script), String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (error instanceof SourceUnavailableError || !String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return await this.call(['EVAL', script, String(keys.length), ...keys, ...args]);
    }
  }

  private async call(args: string[]): Promise<unknown> {
    try {
      return await this.client.sendCommand(args);
    } catch (error) {
      // A reply error (NOSCRIPT, a wrong type) is Redis answering; anything else is Redis not being there.
      if (isReplyError(error)) throw error;
      throw new SourceUnavailableError(`${REDIS_UNAVAILABLE}${(error as Error).message}`);
    }
  }
}

/** Why a publish failed when Redis did not answer in time (the PHP publish says the same, servers/stack/php-config.ts). */
export function unansweredMessage(): string {
  return `the message log in Redis did not answer within ${PUBLISH_TIMEOUT_MS} ms`;
}

/** Stream entries as XRANGE, XREAD or a script return them: [[id, [field, value, ...]], ...]. */
export function parseEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((entry) => {
    const [id, fields] = entry as [string, string[]];
    const at = fields.indexOf('m');
    return { seq: Number(String(id).split('-')[0]), json: String(fields[at + 1]) };
  });
}

/** The entries of one stream in an XREAD reply, whichever protocol answered (RESP3 map, RESP2 array). */
export function parseXread(reply: unknown, key: string): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    const stream = reply.find((s) => Array.isArray(s) && s[0] === key) as [string, unknown] | undefined;
    return parseEntries(stream?.[1]);
  }
  if (reply instanceof Map) return parseEntries(reply.get(key));
  return parseEntries((reply as Record<string, unknown>)[key]);
}

function isReplyError(error: unknown): boolean {
  const name = (error as Error | undefined)?.constructor?.name ?? '';
  return name === 'SimpleError' || name === 'BlobError' || name === 'ErrorReply';
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
