import type { ServerLimits } from '../constants.js';
import type { Message, PollResponse } from '../contract/message.js';
import type { MessageLog } from '../log/message-log.js';
import { messageJson, type SinceResult } from '../log/message-source.js';

/** The JSON body of a poll answer; the gap field appears only when there is one, to keep empty answers small. */
export function pollResponse(result: SinceResult): PollResponse {
  const body: PollResponse = { messages: result.messages, cursor: result.cursor };
  if (result.gap) body.gap = result.gap;
  return body;
}

/**
 * `since` bounded the way every poll answer is: at most `maxMessagesPerResponse` messages and at most
 * `maxPollAnswerBytes` bytes of them (but always the first message, however large, or a client could never get
 * past it). When the bytes cut the answer short, the cursor is the last message sent: the client gets the rest
 * on its next poll, as it does when the count cuts it.
 */
export function pollResult(
  source: MessageLog,
  cursor: number,
  userId: string | undefined,
  limits: Pick<ServerLimits, 'maxMessagesPerResponse' | 'maxPollAnswerBytes'>,
): SinceResult {
  const result = source.since(cursor, userId, limits.maxMessagesPerResponse);
  const { messages } = result;
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    bytes += messageBytes(messages[i]);
    if (bytes > limits.maxPollAnswerBytes && i > 0) {
      return { messages: messages.slice(0, i), cursor: messages[i - 1].seq, gap: result.gap };
    }
  }
  return result;
}

/**
 * The same body as text, from each message's stored serialisation: byte for byte `JSON.stringify(pollResponse(…))`,
 * without serialising any message again (and so without any way to fail on a stored one).
 */
export function pollResponseJson(result: SinceResult): string {
  let body = '{"messages":[';
  for (let i = 0; i < result.messages.length; i++) body += (i > 0 ? ',' : '') + messageJson(result.messages[i]);
  body += `],"cursor":${result.cursor}`;
  if (result.gap) body += `,"gap":${JSON.stringify(result.gap)}`;
  return `${body}}`;
}

/** A poll answer ready to send: its body, its length in bytes, and how many messages it carries. */
export interface PollAnswer {
  readonly body: string | Buffer;
  readonly bytes: number;
  readonly messageCount: number;
}

/**
 * A poll answer built once. Its length comes from each message's cached UTF-8 length, so a large answer is
 * not scanned again to find it; `shared` turns the body into bytes once, for an answer written to many polls.
 */
export function pollAnswer(result: SinceResult, shared = false): PollAnswer {
  const json = pollResponseJson(result);
  // Everything but the messages is ASCII: one byte per character.
  let bytes = json.length;
  for (const message of result.messages) bytes += messageBytes(message) - messageJson(message).length;
  return { body: shared ? Buffer.from(json) : json, bytes, messageCount: result.messages.length };
}

/** UTF-8 length of each stored message's serialisation, measured once. */
const BYTES = new WeakMap<Message, number>();

function messageBytes(message: Message): number {
  let bytes = BYTES.get(message);
  if (bytes === undefined) BYTES.set(message, (bytes = Buffer.byteLength(messageJson(message))));
  return bytes;
}
