import type { Response } from 'express';
import type { ErrorBody } from '../contract/message.js';

/** An error a handler throws to answer with a 4xx/5xx JSON body instead of crashing. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorBody = { error: message };
  res.status(status).set(headers).json(body);
}

/** Turns anything thrown by an express handler or by body parsing into a JSON error, never a stack trace. */
export function answerError(res: Response, error: unknown): void {
  if (error instanceof HttpError) return sendError(res, error.status, error.message, error.headers);
  const parserError = error as { type?: string; status?: number; limit?: number };
  switch (parserError.type) {
    case 'entity.too.large':
      return sendError(res, 413, `body over the limit of ${parserError.limit} bytes`);
    case 'entity.parse.failed':
      return sendError(res, 400, 'body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendError(res, 415, 'body must be UTF-8 JSON');
    case 'request.aborted':
      return sendError(res, 400, 'request aborted');
  }
  if (parserError.status !== undefined && parserError.status >= 400 && parserError.status < 500) {
    return sendError(res, parserError.status, 'bad request');
  }
  sendError(res, 500, 'internal error');
}

const DIGITS = /^\d{1,15}$/;

/** `since` must be a non-negative decimal integer below 2^53; anything else is the client's mistake. */
export function parseCursor(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !DIGITS.test(value)) {
    throw new HttpError(400, 'since must be a non-negative integer cursor (e.g. ?since=0)');
  }
  return Number(value);
}

const USER_ID = /^[A-Za-z0-9._~-]+$/;

export function parseUserId(value: unknown, maxChars: number, field = 'user'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxChars || !USER_ID.test(value)) {
    throw new HttpError(400, `${field} must be 1-${maxChars} characters of A-Z a-z 0-9 . _ ~ -`);
  }
  return value;
}

/** An optional integer query parameter within [min, max]. */
export function parseIntegerParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DIGITS.test(value) || Number(value) < min || Number(value) > max) {
    throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  }
  return Number(value);
}
