import type { Response } from 'express';
import type { PollResponse } from './contract/message.js';
import { messageJson, type SinceResult } from './message-source.js';

/** The JSON body of a poll answer; the gap field appears only when there is one, to keep empty answers small. */
export function pollResponse(result: SinceResult): PollResponse {
  const body: PollResponse = { messages: result.messages, cursor: result.cursor };
  if (result.gap) body.gap = result.gap;
  return body;
}

/**
 * The same body as text, from each message's stored serialisation: byte for byte `JSON.stringify(pollResponse(…))`,
 * without serialising any message again (and so without any way to fail on a stored one).
 */
export function pollResponseJson(result: SinceResult): string {
  let body = '{"messages":[';
  for (let i = 0; i < result.messages.length; i++) body += (i > 0 ? ',' : '') + messageJson(result.messages[i]!);
  body += `],"cursor":${result.cursor}`;
  if (result.gap) body += `,"gap":${JSON.stringify(result.gap)}`;
  return `${body}}`;
}

/** Sends a poll answer with the headers `res.json` would send (`application/json; charset=utf-8`, length). */
export function sendPollResponse(res: Response, result: SinceResult): void {
  res.type('application/json').send(pollResponseJson(result));
}
