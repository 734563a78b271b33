import { createRequire } from 'node:module';
import { Client } from 'undici';
import type { HttpVersion } from '../servers/contract/wire.js';
import type { WireCounter } from './wire-counter.js';

/**
 * undici 7's HTTP/2 client can hand a stream's 'response' to a request that has already completed (the server cut
 * the session as the answer came): its own assertion then throws on the stream's tick, outside any caller, and ends
 * the process. undici 8 drops such late headers itself, but needs Node 22. The request is over and its answer was
 * handled, so the late headers are dropped here the same way.
 */
interface UndiciRequest {
  aborted: boolean;
  completed: boolean;
  onHeaders: (this: UndiciRequest, ...args: unknown[]) => unknown;
}
const undiciRequest = (createRequire(import.meta.url)('undici/lib/core/request.js') as { prototype: UndiciRequest }).prototype;
const onHeaders = undiciRequest.onHeaders;
undiciRequest.onHeaders = function (this: UndiciRequest, ...args: unknown[]) {
  if (this.completed || this.aborted) return true;
  return onHeaders.apply(this, args);
};

/**
 * One connection to the server's origin, as a browser keeps one: an undici `Client` speaking HTTP/1.1, or under
 * `2` one HTTP/2 session with prior knowledge (h2c, RFC 9113 §3.3) on which every request is a stream. Either way
 * the connection is opened by the WireCounter, so every byte (under HTTP/2 the preface, SETTINGS, HPACK-coded
 * HEADERS, DATA, WINDOW_UPDATE, PING and GOAWAY frames too) is counted at the socket.
 *
 * The client sends no PING of its own (undici would every minute): what the bench counts is what the strategy
 * needs, and a PING the server sends is still answered and counted.
 */
export function originClient(baseUrl: string, wire: WireCounter, version: HttpVersion = '1.1', options: Client.Options = {}): Client {
  const http2 = version === '2';
  return new Client(new URL(baseUrl).origin, {
    ...options,
    connect: wire.connector({ useH2c: http2 }),
    ...(http2 && { allowH2: true, pingInterval: 0 }),
  });
}
