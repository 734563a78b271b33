import { readFileSync } from 'node:fs';
import type { HttpVersion } from '../servers/contract/wire.js';

/**
 * What a real browser sends with each kind of request the strategies' clients make, taken from the browser itself
 * (`npm run capture-headers`, bench/fleet/header-capture.ts) and stored as data: header names, their order and their
 * values, with the parts that depend on where and when the request goes left as placeholders. A simulated client
 * sends the profile of its request verbatim, in order, on every request, so its bytes are a browser's bytes.
 */

/** The requests a profile holds: a fetch poll, a fetch long poll, EventSource's first request and its reconnect, the WebSocket upgrade. */
export type ProfiledRequest = 'poll' | 'long-poll' | 'event-stream' | 'event-stream-reconnect' | 'websocket';

export const PROFILED_REQUESTS: readonly ProfiledRequest[] = ['poll', 'long-poll', 'event-stream', 'event-stream-reconnect', 'websocket'];

export type HeaderLine = [name: string, value: string];

export interface HeaderProfile {
  /** The browser, e.g. "Chromium". */
  browser: string;
  /** The version of the browser the profile was captured from, as it reports it: "156.0.8078.129". */
  version: string;
  /** How the file was made. */
  capturedWith: string;
  /** The path of the page the requests were made from (their Referer names it). */
  page: string;
  requests: Record<ProfiledRequest, HeaderLine[]>;
  /**
   * The same browser's requests over HTTP/2 (TLS, h2 chosen by ALPN, as it reaches a site): their regular fields in
   * its order, names in lower case (the pseudo-headers are the HTTP/2 client's own). Chromium sends a `priority`
   * field over h2 that it never sends over HTTP/1.1. A kind not here is derived from its HTTP/1.1 lines (http2Headers).
   */
  http2Requests?: Partial<Record<ProfiledRequest, HeaderLine[]>>;
}

/** The parts of a request that depend on the run: where it goes, who sends it, where it resumes. */
export const PLACEHOLDERS = {
  host: '{host}',
  origin: '{origin}',
  cookie: '{cookie}',
  lastEventId: '{last-event-id}',
  websocketKey: '{websocket-key}',
} as const;

const profiles = new Map<string, HeaderProfile>();

/** The stored profile of `name` ("chromium"): clients/header-profiles/<name>.json, read once. */
export function loadHeaderProfile(name: string): HeaderProfile {
  let profile = profiles.get(name);
  if (!profile) {
    profile = JSON.parse(readFileSync(new URL(`./header-profiles/${name}.json`, import.meta.url), 'utf8')) as HeaderProfile;
    profiles.set(name, profile);
  }
  return profile;
}

export interface RequestContext {
  /** The origin the request goes to, as the browser names it: http://127.0.0.1:8080. */
  origin: string;
  /**
   * The client's identity headers (today its Cookie): the cookie takes the place the browser gives it, any other
   * header comes after the profile's. Without a Cookie, the profile's Cookie line is left out, as a browser
   * without a cookie for the site sends none.
   */
  identity?: Record<string, string>;
  /** EventSource's reconnect: the id of the last event seen. */
  lastEventId?: string;
}

/**
 * The header lines of one request of `kind` over `httpVersion` (HTTP/1.1 by default), in the browser's order, with the
 * run's values in place of the placeholders. The WebSocket key is left as the placeholder: the WebSocket library puts its own key there.
 */
export function profiledHeaders(profile: HeaderProfile, kind: ProfiledRequest, context: RequestContext, httpVersion?: HttpVersion): HeaderLine[] {
  const stored = httpVersion === '2' ? (profile.http2Requests?.[kind] ?? http2Headers(profile.requests[kind])) : profile.requests[kind];
  const origin = new URL(context.origin);
  const identity = { ...context.identity };
  const cookieName = Object.keys(identity).find((name) => name.toLowerCase() === 'cookie');
  const cookie = cookieName === undefined ? undefined : identity[cookieName];
  if (cookieName !== undefined) delete identity[cookieName];
  const lines: HeaderLine[] = [];
  for (const [name, value] of stored) {
    if (value === PLACEHOLDERS.cookie && cookie === undefined) continue;
    if (value === PLACEHOLDERS.lastEventId && context.lastEventId === undefined) continue;
    lines.push([
      name,
      value
        .replaceAll(PLACEHOLDERS.host, origin.host)
        .replaceAll(PLACEHOLDERS.origin, origin.origin)
        .replaceAll(PLACEHOLDERS.cookie, cookie ?? '')
        .replaceAll(PLACEHOLDERS.lastEventId, context.lastEventId ?? ''),
    ]);
  }
  for (const [name, value] of Object.entries(identity)) lines.push([name, value]);
  return lines;
}

/** Header names HTTP/2 forbids or carries as pseudo-headers (RFC 9113 §8.2.2, §8.3.1): left out of an HTTP/2 request. */
const HTTP1_ONLY = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** The lines an HTTP/2 request of the same browser carries: without the connection-specific ones, names in lower case. */
export function http2Headers(lines: readonly HeaderLine[]): HeaderLine[] {
  return lines.filter(([name]) => !HTTP1_ONLY.has(name.toLowerCase())).map(([name, value]) => [name.toLowerCase(), value]);
}

/** As undici takes them, order kept: name, value, name, value… */
export function flatHeaders(lines: readonly HeaderLine[]): string[] {
  return lines.flat();
}
