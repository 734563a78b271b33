import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER } from './contract/wire.js';

export interface SecurityOptions {
  /**
   * Origins allowed to open a WebSocket (e.g. "http://192.168.1.20:8080"). Unset: same origin only — the
   * Origin's host must be the Host the request was sent to. Requests without an Origin (not from a browser) pass.
   */
  allowedOrigins?: readonly string[];
  /** When set, publishing needs this token. The serve command sets one whenever it listens beyond loopback. */
  publishToken?: string;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[] | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins) return allowedOrigins.includes(origin);
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The token a request carries, from X-Pushbench-Token or Authorization: Bearer. */
export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const authorization = req.headers.authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
}

/** Compares in constant time: hashing first makes the lengths equal, so the length leaks nothing either. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
