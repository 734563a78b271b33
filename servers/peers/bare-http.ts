import type { Gap, Message } from '../contract/message.js';
import type { BareRequest, BareResponse } from '../http/bare-routes.js';
import { parseQueryOf } from '../http/dispatch.js';
import { parseCursor, parseUserId } from '../http/errors.js';
import { messageJson } from '../log/message-source.js';

/**
 * What the bare HTTP loops share. They speak our contract with the same mechanics as our strategies (the query
 * parser, the log and its stored serialisation of each message, the poll answer's JSON), so that a ratio between a
 * strategy and its bare loop measures what the strategy adds on top of node:http, not a slower way of doing the
 * same thing. What they leave out is what our strategies are for beyond delivering: limits, trust, statistics,
 * connection rules, caching and sniffing headers.
 */

export interface BareQuery {
  cursor: number;
  userId: string | undefined;
  /** The hold a long poll asks for, unread. */
  timeout: unknown;
}

/**
 * The cursor and the reader a request names: the same parameters as our routes', a bad cursor refused the same
 * way. `resumes`: an event stream's Last-Event-ID, which a browser sends when it reconnects, wins over `since`.
 */
export function bareQuery(req: BareRequest, userIdChars: number, resumes = false): BareQuery {
  const query = parseQueryOf(req.url ?? '');
  const lastEventId = resumes ? req.headers['last-event-id'] : undefined;
  const since = lastEventId !== undefined && lastEventId !== '' ? lastEventId : query.since;
  return { cursor: parseCursor(since), userId: parseUserId(query.user, userIdChars), timeout: query.timeout };
}

/** A poll answer with what a plain JSON API sends: its type and its length (node adds Date and the keep-alive headers). */
export function answerPoll(res: BareResponse, body: string): void {
  res.writeHead(200, ['Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(body);
}

/** One event of the stream, as our server-sent events write it: the seq as its id, the message as its data. */
export function messageEvent(message: Message): string {
  return `id: ${message.seq}\ndata: ${messageJson(message)}\n\n`;
}

export function gapEvent(gap: Gap): string {
  return `event: gap\ndata: ${JSON.stringify(gap)}\n\n`;
}
