import type http2 from 'node:http2';
import { startPushServer, type PushServer } from '../../servers/app.js';
import { ROUTES } from '../../servers/contract/wire.js';
import { ThrowawayCertificate } from '../../servers/wire/certificate.js';
import type { FleetClientConfig } from '../../clients/browser/fleet-protocol.js';
import type { HeaderLine, HeaderProfile } from '../../clients/header-profile.js';
import { ShortPollingClient } from '../../clients/short-polling.js';
import { callPage, chromiumVersion, launchChromium, openClientPage, type ChromiumLaunch } from './chromium.js';
import { mountFleetPage } from './fleet-page.js';
import { CAPTURE_COOKIE } from './header-capture.js';

/**
 * What a browser really sends over HTTP/2: Chromium against our server over TLS with h2 chosen by ALPN, the way it
 * reaches a site. The header fields of its polls and its event stream, and the bytes a repeated poll's request takes
 * once HPACK has indexed its fields; the same bytes for our simulated HTTP/2 client sending a stored profile.
 *
 * A request's bytes are measured at the server: the plaintext its TLS socket read between one poll's stream and the
 * next on the same session. That is the HEADERS frame (a 9-byte frame header and its HPACK block) and anything else
 * the client sent meanwhile (a WINDOW_UPDATE, a PING's ack): what the poll costs upstream, before TLS's 22 bytes a
 * record.
 */

/** Polls each client makes: the first fills HPACK's tables, the rest are repeated polls. */
export const CAPTURED_POLLS = 12;
/** Fast enough for a capture of seconds, slow enough that each poll's HEADERS frame is read on its own. */
const POLL_INTERVAL_MS = 200;
const WAIT_MS = 20_000;
/**
 * HEADERS' PRIORITY flag (RFC 9113 §6.2): the frame carries a stream dependency and a weight, 5 bytes. Chromium still
 * sets it on every request; undici (and so our simulated client) never does.
 */
export const PRIORITY_FLAG = 0x20;
/** The bytes the PRIORITY flag adds to a HEADERS frame. */
export const PRIORITY_FIELD_BYTES = 5;

/** The requests captured over h2: the WebSocket stays HTTP/1.1 (no RFC 8441 here), EventSource's reconnect is not cut for. */
export type Http2Request = 'poll' | 'long-poll' | 'event-stream';

export interface Http2Capture {
  version: string;
  origin: string;
  /** Each request's header fields as the server received them over h2, pseudo-headers first, in order. */
  requests: Record<Http2Request, HeaderLine[]>;
  /** The plaintext bytes of each poll request after the first, in order (see above). */
  pollRequestBytes: number[];
  /** Whether every poll's HEADERS frame carried the PRIORITY flag (PRIORITY_FIELD_BYTES of it). */
  pollPriority: boolean;
}

/** The middle of the polls after the first: what a repeated poll's request costs. */
export function repeatedPollBytes(sizes: readonly number[]): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('no repeated poll was captured');
  return sorted[Math.floor(sorted.length / 2)];
}

/** A server over TLS with a throwaway certificate, recording every h2 stream's fields and its session's plaintext read so far. */
class RecordingServer {
  readonly streams: { session: http2.Http2Session; path: string; lines: HeaderLine[]; readAt: number; priority: boolean }[] = [];

  private constructor(
    readonly server: PushServer,
    readonly certificate: ThrowawayCertificate,
  ) {
    server.http2.server.prependListener(
      'stream',
      (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
        const lines: HeaderLine[] = [];
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) lines.push([rawHeaders[i], rawHeaders[i + 1]]);
        const path = new URL(String(headers[':path']), server.url).pathname;
        // A TLS socket's bytesRead is its plaintext: the frames, before TLS's records.
        this.streams.push({
          session: stream.session!,
          path,
          lines,
          readAt: stream.session!.socket.bytesRead,
          priority: (flags & PRIORITY_FLAG) !== 0,
        });
      },
    );
  }

  static async start(): Promise<RecordingServer> {
    const certificate = ThrowawayCertificate.make();
    try {
      const server = await startPushServer({ strategies: ['short-polling', 'long-polling', 'sse'], host: '127.0.0.1', port: 0, tls: certificate });
      return new RecordingServer(server, certificate);
    } catch (error) {
      certificate.remove();
      throw error;
    }
  }

  /** The bytes of each poll after the first among the streams from `from` on (NaN where a poll opened a new session). */
  pollSizes(from: number): number[] {
    const polls = this.streams.slice(from).filter((s) => s.path === ROUTES.poll);
    return polls.slice(1, CAPTURED_POLLS).map((poll, i) => (poll.session === polls[i].session ? poll.readAt - polls[i].readAt : Number.NaN));
  }

  async waitFor(route: string, count: number, from: number, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (this.streams.slice(from).filter((s) => s.path === route).length < count) {
      if (Date.now() > deadline) throw new Error(`HTTP/2 capture: no sign of ${what} within ${WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    await this.server.close();
    this.certificate.remove();
  }
}

/** Chromium's polls, long poll and event stream over h2, and the bytes of its repeated polls. */
export async function captureHttp2Browser(launch: ChromiumLaunch = {}): Promise<Http2Capture> {
  const recording = await RecordingServer.start();
  const { server, certificate, streams } = recording;
  try {
    const browser = await launchChromium({
      ...launch,
      extraArgs: [...(launch.extraArgs ?? []), `--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`],
    });
    try {
      await mountFleetPage(server.extraRoutes);
      const origin = new URL(server.url).origin;
      const requests = {} as Record<Http2Request, HeaderLine[]>;
      let pollRequestBytes: number[] = [];
      let pollPriority = false;
      for (const [kind, strategy, route] of [
        ['poll', 'short-polling', ROUTES.poll],
        ['long-poll', 'long-polling', ROUTES.longPoll],
        ['event-stream', 'sse', ROUTES.sse],
      ] as const) {
        const { context, page } = await openClientPage(browser, origin, CAPTURE_COOKIE);
        try {
          const before = streams.length;
          const config: FleetClientConfig = {
            strategy,
            since: server.source.head,
            pollIntervalMs: POLL_INTERVAL_MS,
            longPollTimeoutMs: server.limits.longPollTimeoutMs,
            firstRequestDelayMs: 0,
          };
          await callPage(page, 'start', config);
          const count = kind === 'poll' ? CAPTURED_POLLS : 1;
          await recording.waitFor(route, count, before, `${count} ${kind} request(s) over h2`);
          requests[kind] = streams.slice(before).find((s) => s.path === route)!.lines;
          if (kind === 'poll') {
            pollRequestBytes = recording.pollSizes(before);
            pollPriority = streams
              .slice(before)
              .filter((s) => s.path === route)
              .every((s) => s.priority);
          }
          await callPage(page, 'stop');
        } finally {
          await context.close();
        }
      }
      return { version: chromiumVersion(browser), origin, requests, pollRequestBytes, pollPriority };
    } finally {
      await browser.close();
    }
  } finally {
    await recording.close();
  }
}

/**
 * Our simulated HTTP/2 client's polls after the first, sending `profile` with the capture's cookie, measured the same
 * way, and whether their HEADERS frames carried the PRIORITY flag.
 */
export async function simulatedHttp2PollBytes(profile: HeaderProfile): Promise<{ bytes: number[]; priority: boolean }> {
  const recording = await RecordingServer.start();
  const { server, certificate } = recording;
  const client = new ShortPollingClient({
    baseUrl: server.url,
    tls: { ca: certificate.cert, resume: true },
    httpVersion: '2',
    headerProfile: profile,
    headers: { Cookie: CAPTURE_COOKIE },
    since: server.source.head,
    pollIntervalMs: POLL_INTERVAL_MS,
  });
  client.on('error', () => {});
  try {
    client.start();
    await recording.waitFor(ROUTES.poll, CAPTURED_POLLS, 0, 'the simulated polls');
    const polls = recording.streams.filter((s) => s.path === ROUTES.poll);
    return { bytes: recording.pollSizes(0), priority: polls.some((s) => s.priority) };
  } finally {
    await client.stop();
    await recording.close();
  }
}
