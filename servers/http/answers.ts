import type { PollAnswer } from './poll-response.js';
import type { LeanExchange } from './exchange.js';

/**
 * The lean path's answers: header blocks fixed in advance (type, length, no caching, nosniff: what a production
 * API sends; Node adds Date and the keep-alive headers), bodies built once. Error answers are written by the one
 * error path (servers/http/errors.ts) with the same type and nosniff headers.
 */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * On every JSON and event-stream answer, as on the demo's page: a browser must not read an answer as anything
 * but its declared type (an error echoing input sniffed as HTML would be a way in). 33 bytes per answer.
 */
export const NOSNIFF = ['X-Content-Type-Options', 'nosniff'] as const;

export const EVENT_STREAM_HEADERS: readonly string[] = ['Content-Type', 'text/event-stream', ...NOSNIFF, 'Cache-Control', 'no-store'];

/**
 * What an express route sets before `res.json(...)` for a JSON answer that must not be cached (a poll, the
 * stats): the same headers as the lean poll answer, in express's order (type and length come from `res.json`).
 */
export const NO_STORE_JSON_HEADERS: Readonly<Record<string, string>> = { [NOSNIFF[0]]: NOSNIFF[1], 'Cache-Control': 'no-store' };

/** The same for a JSON answer that may be cached (a publish's 202, a settings change). */
export const JSON_HEADERS: Readonly<Record<string, string>> = { [NOSNIFF[0]]: NOSNIFF[1] };

/** 200 with a poll answer; `answer.body` may be one Buffer written to many polls. */
export function sendPollAnswer(exchange: LeanExchange, answer: PollAnswer): void {
  const { res } = exchange;
  if (res.writableEnded) return;
  res.writeHead(200, ['Content-Type', JSON_TYPE, NOSNIFF[0], NOSNIFF[1], 'Cache-Control', 'no-store', 'Content-Length', String(answer.bytes)]);
  res.end(answer.body);
  exchange.answered(answer.bytes);
}

/** Starts an event stream; false when the connection cannot carry it (see LeanConnection.streamStarted). */
export function startEventStream(exchange: LeanExchange): boolean {
  exchange.res.writeHead(200, [...EVENT_STREAM_HEADERS]);
  exchange.res.flushHeaders();
  return exchange.streamStarted();
}
