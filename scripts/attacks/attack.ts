import http2 from 'node:http2';
import type { Target, TargetKind } from './target.js';

/** One attack of the hostile-input probe, re-run against a fresh server process. */
export interface Attack {
  /** A short name, for --only. */
  readonly name: string;
  /** Where the issue lists it. */
  readonly issue: string;
  /** What is done, at the size it is run (a function of the scale: 1 is the issue's size). */
  title(scale: number): string;
  /** What the issue measured before the fix. */
  readonly before: string;
  readonly target: TargetKind;
  /**
   * Runs the attack on `target` and returns its figure. `whileUnderAttack` checks the normal clients: the attack
   * calls it while its load is in place; if it does not, they are checked once the attack is over.
   */
  run(target: Target, scale: number, whileUnderAttack: () => Promise<void>): Promise<string>;
}

export const SERVE: TargetKind = { program: 'serve' };

/** `n` scaled, at least 1. */
export const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

export const count = (n: number) => n.toLocaleString('en-US');

/** An HTTP/2 session to `url` whose errors are expected (the server refuses, resets, closes). */
export function h2session(url: string): http2.ClientHttp2Session {
  const session = http2.connect(url);
  session.on('error', () => {});
  return session;
}

/** A request's status, once its headers are in (the body may never end); 0 if the stream ends without an answer. */
export function statusOf(stream: http2.ClientHttp2Stream): Promise<number> {
  return new Promise((resolve) => {
    stream.on('response', (headers) => resolve(Number(headers[':status'])));
    stream.on('error', () => resolve(0));
    stream.on('close', () => resolve(0));
    stream.resume();
  });
}

/** How many of each status, e.g. "503 × 19,320, 200 × 1,680". */
export function statusCounts(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${status === 0 ? 'no answer' : status} × ${count(n)}`)
    .join(', ');
}

/** Resolves once `predicate` holds (asked every 50 ms), or after `timeoutMs` with false. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fills the ring with `messages` of `bytes` each, 20 publishes at a time. */
export async function fillRing(target: Target, messages: number, bytes: number): Promise<void> {
  const payload = 'x'.repeat(bytes);
  for (let i = 0; i < messages; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, messages - i) }, () => target.publish(payload)));
  }
}
