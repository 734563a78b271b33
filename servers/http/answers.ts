import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from '../contract/message.js';
import { HttpError } from './errors.js';
import type { PollAnswer } from './poll-response.js';
import type { LeanExchange } from './exchange.js';

/**
 * The lean path's answers: header blocks fixed in advance (type, length, no caching: what a production API
 * sends; Node adds Date and the keep-alive headers), bodies built once. The error answers are byte for byte
 * what express's `sendError` wrote before the lean path existed, so the public contract did not move.
 */
const JSON_TYPE = 'application/json; charset=utf-8';

export const EVENT_STREAM_HEADERS: readonly string[] = ['Content-Type', 'text/event-stream', 'Cache-Control', 'no-store'];

/** 200 with a poll answer; `answer.body` may be one Buffer written to many polls. */
export function sendPollAnswer(exchange: LeanExchange, answer: PollAnswer): void {
  const { res } = exchange;
  if (res.writableEnded) return;
  res.writeHead(200, ['Content-Type', JSON_TYPE, 'Cache-Control', 'no-store', 'Content-Length', String(answer.bytes)]);
  res.end(answer.body);
  exchange.answered(answer.bytes);
}

/** Starts an event stream; false when the connection cannot carry it (see LeanConnection.streamStarted). */
export function startEventStream(exchange: LeanExchange): boolean {
  exchange.res.writeHead(200, [...EVENT_STREAM_HEADERS]);
  exchange.res.flushHeaders();
  return exchange.streamStarted();
}

/** Answers what a handler threw: its HttpError as JSON, anything else as a 500 without details. */
export function sendErrorAnswer(exchange: LeanExchange, error: unknown): void {
  const { res } = exchange;
  if (res.headersSent) {
    // A stream that already started cannot turn into an error answer; cutting it is the only honest signal.
    res.destroy();
    return;
  }
  const [status, message, headers] = error instanceof HttpError ? [error.status, error.message, error.headers] : [500, 'internal error', {}];
  const body = JSON.stringify({ error: message } satisfies ErrorBody);
  const bytes = Buffer.byteLength(body);
  const block: string[] = [];
  for (const [name, value] of Object.entries(headers)) block.push(name, value);
  block.push('Content-Type', JSON_TYPE, 'Content-Length', String(bytes));
  res.writeHead(status, block);
  res.end(body);
  exchange.answered(bytes);
}

/**
 * A complete HTTP/1.1 error answer for a raw socket, where no response object exists (a refused upgrade, a
 * request that never arrived whole): JSON like every other error, and the connection closes after it.
 */
export function rawErrorAnswer(status: number, message: string): string {
  const body = JSON.stringify({ error: message } satisfies ErrorBody);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: ${JSON_TYPE}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
