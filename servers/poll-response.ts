import type { PollResponse } from './message.js';
import type { SinceResult } from './message-source.js';

/** The JSON body of a poll answer; the gap field appears only when there is one, to keep empty answers small. */
export function pollResponse(result: SinceResult): PollResponse {
  const body: PollResponse = { messages: result.messages, cursor: result.cursor };
  if (result.gap) body.gap = result.gap;
  return body;
}
