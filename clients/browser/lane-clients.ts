/**
 * The page's own clients, one per lane: `fetch` for the polling lanes, the browser's WebSocket and
 * EventSource for the push lanes. They speak the public contract (docs/server.md) like any other client; the only
 * extra is `client=<page>.<lane>`, which lets the server count each lane's bytes at its sockets.
 */
import { ROUTES, SUBPROTOCOL, USER_TOKEN_PARAM } from '../../servers/contract/wire.js';
import type { Gap, GapFrame, Message, PollResponse } from '../../servers/contract/message.js';
import { DEMO_ROUTES, FALLBACK_LANE, type LaneName } from '../../servers/contract/demo-protocol.js';
import { Emitter } from './emitter.js';
import { nowMs } from './format.js';
import { nextPollDelayMs } from '../poll-schedule.js';

export type RequestKind = 'poll' | 'long-poll' | 'upgrade' | 'stream';

/** One request the lane sent: a poll, a long poll, a WebSocket Upgrade, an event-stream GET. */
export interface LaneRequest {
  kind: RequestKind;
  sentAt: number;
}

export interface LaneEvents {
  request: [request: LaneRequest];
  /** The HTTP answer to a poll or long poll came back with these messages (none: "nothing new"). */
  answer: [request: LaneRequest, messages: Message[], atMs: number];
  /** The request failed: a network error, an error status, a WebSocket that never opened. */
  failed: [request: LaneRequest, atMs: number];
  /** A persistent connection is open: 101 Switching Protocols, or the event stream's 200. */
  open: [request: LaneRequest, atMs: number];
  /** A frame or event pushed by the server carried this message. */
  frame: [message: Message, atMs: number];
  /** An open connection ended. */
  closed: [request: LaneRequest, atMs: number];
  /** Every delivered message, in arrival order. */
  message: [message: Message, atMs: number];
  gap: [gap: Gap];
  /** The fallback lane switched transport. */
  mode: [mode: 'websocket' | 'long-polling'];
}

export interface LaneClientOptions {
  /** Absent: the requests name no user (the bench's browser fleet, whose requests carry what its simulated clients' carry). */
  userId?: string;
  /** The user id's token, when the server checks user ids (POST /demo/api/join gave it). */
  userToken?: string;
  /** The `client=` attribution tag of this lane; absent: none. */
  tag?: string;
  /** Long polling: the hold asked of the server (`timeout=`), as the simulated client asks it; absent: the server's own. */
  longPollTimeoutMs?: number;
  /** Cursor to start from (the server's head when the page loaded). */
  since: number;
  /** Read before every short poll, so the teacher's slider applies at once. */
  pollIntervalMs: () => number;
}

/** Wait before a new attempt after a failure: long enough not to hammer, short enough for a demo. */
const RETRY_MS = 1_000;

export abstract class LaneClient extends Emitter<LaneEvents> {
  cursor: number;
  protected stopped = false;
  protected readonly aborter = new AbortController();

  constructor(protected readonly options: LaneClientOptions) {
    super();
    this.cursor = options.since;
  }

  abstract start(): void;

  stop(): void {
    this.stopped = true;
    this.aborter.abort();
  }

  /** The request target: the cursor, the route's own parameters, then who asks; in the simulated clients' order. */
  protected url(route: string, params: Record<string, number | undefined> = {}): string {
    const { userId, userToken, tag } = this.options;
    let target = `${route}?since=${this.cursor}`;
    for (const [name, value] of Object.entries(params)) if (value !== undefined) target += `&${name}=${value}`;
    if (userId !== undefined) target += `&user=${encodeURIComponent(userId)}`;
    if (userToken !== undefined) target += `&${USER_TOKEN_PARAM}=${encodeURIComponent(userToken)}`;
    if (tag !== undefined) target += `&client=${encodeURIComponent(tag)}`;
    return target;
  }

  protected send(kind: RequestKind): LaneRequest {
    const request = { kind, sentAt: nowMs() };
    this.emit('request', request);
    return request;
  }

  /** One poll or long poll: sends it, reports the answer, moves the cursor. False when it failed. */
  protected async exchange(kind: 'poll' | 'long-poll', route: string, params: Record<string, number | undefined> = {}): Promise<boolean> {
    const request = this.send(kind);
    try {
      const res = await fetch(this.url(route, params), { signal: this.aborter.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as PollResponse;
      const at = nowMs();
      this.cursor = body.cursor;
      if (body.gap) this.emit('gap', body.gap);
      this.emit('answer', request, body.messages, at);
      for (const message of body.messages) this.emit('message', message, at);
      return true;
    } catch {
      if (!this.stopped) this.emit('failed', request, nowMs());
      return false;
    }
  }

  protected delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * Asks "anything new?" on a fixed, drift-free schedule (poll-schedule.ts), as setInterval would, but re-armed each
 * tick so the teacher's slider applies at once; skips a tick while the previous poll is still out (C1, C2).
 */
export class ShortPollLane extends LaneClient {
  private timer?: ReturnType<typeof setTimeout>;
  private inFlight = false;
  /** The schedule's origin; moved to the last tick when the interval changes, so a new interval counts from there. */
  private scheduleFromMs = 0;
  private scheduledIntervalMs = 0;

  start(): void {
    this.scheduleFromMs = performance.now();
    this.scheduledIntervalMs = this.options.pollIntervalMs();
    this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    const intervalMs = this.options.pollIntervalMs();
    if (intervalMs !== this.scheduledIntervalMs) {
      this.scheduleFromMs = now;
      this.scheduledIntervalMs = intervalMs;
    }
    this.timer = setTimeout(() => this.tick(), nextPollDelayMs(this.scheduleFromMs, now, intervalMs));
    if (this.inFlight) return;
    this.inFlight = true;
    void this.exchange('poll', ROUTES.poll).finally(() => (this.inFlight = false));
  }

  override stop(): void {
    super.stop();
    clearTimeout(this.timer);
  }
}

/** Asks, is held until there is news, and asks again at once (C3). */
export class LongPollLane extends LaneClient {
  protected readonly route: string = ROUTES.longPoll;

  start(): void {
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const asked = await this.exchange('long-poll', this.route, { timeout: this.options.longPollTimeoutMs });
      if (!asked && !this.stopped) await this.delay(RETRY_MS);
    }
  }
}

/**
 * The same long polling, served by the article's PHP stack (nginx and PHP-FPM), which the demo passes on under
 * its PHP prefix: each poll holds one of the pool's workers while it waits (C2). A 502 or 504 from nginx is a
 * failed poll, and the lane asks again from its cursor.
 */
export class PhpLongPollLane extends LongPollLane {
  protected override readonly route: string = `${DEMO_ROUTES.php}${ROUTES.longPoll}`;
}

/** One Upgrade handshake, then frames pushed by the server (C5). Reconnects from its cursor when dropped. */
export class WebSocketLane extends LaneClient {
  private socket?: WebSocket;
  /** The subprotocol the server chose, as the browser reports it. */
  protocol = '';

  constructor(
    options: LaneClientOptions,
    /** Called instead of reconnecting when the socket closes; `opened` says whether the handshake succeeded. */
    private readonly onEnd?: (opened: boolean) => void,
  ) {
    super(options);
  }

  start(): void {
    const request = this.send('upgrade');
    const origin = location.origin.replace(/^http/, 'ws');
    const socket = (this.socket = new WebSocket(origin + this.url(ROUTES.ws), SUBPROTOCOL));
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.protocol = socket.protocol;
      this.emit('open', request, nowMs());
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const at = nowMs();
      const data = JSON.parse(event.data) as Message | GapFrame;
      if ('gap' in data) return this.emit('gap', data.gap);
      this.cursor = data.seq;
      this.emit('frame', data, at);
      this.emit('message', data, at);
    };
    socket.onclose = () => {
      if (opened) this.emit('closed', request, nowMs());
      else this.emit('failed', request, nowMs());
      if (this.stopped) return;
      if (this.onEnd) this.onEnd(opened);
      else void this.delay(RETRY_MS).then(() => !this.stopped && this.start());
    };
  }

  override stop(): void {
    super.stop();
    this.socket?.close(1000);
  }
}

/** One held response in text/event-stream; the browser reconnects by itself with Last-Event-ID. */
export class EventStreamLane extends LaneClient {
  private source?: EventSource;

  start(): void {
    let request = this.send('stream');
    let opened = false;
    const source = (this.source = new EventSource(this.url(ROUTES.sse)));
    source.onopen = () => {
      opened = true;
      this.emit('open', request, nowMs());
    };
    source.onmessage = (event: MessageEvent<string>) => {
      const at = nowMs();
      const message = JSON.parse(event.data) as Message;
      this.cursor = message.seq;
      this.emit('frame', message, at);
      this.emit('message', message, at);
    };
    source.addEventListener('gap', (event) => this.emit('gap', JSON.parse((event as MessageEvent<string>).data) as Gap));
    source.onerror = () => {
      if (this.stopped) return;
      this.emit(opened ? 'closed' : 'failed', request, nowMs());
      opened = false;
      // EventSource retries on its own; that retry is a new request on the wire.
      if (source.readyState === EventSource.CONNECTING) request = this.send('stream');
    };
  }

  override stop(): void {
    super.stop();
    this.source?.close();
  }
}

/**
 * Tries WebSocket; when the upgrade is refused, carries on with long polling from the same cursor, so it
 * still receives every message exactly once (C6). `restart` tries WebSocket again.
 */
export class FallbackLane extends LaneClient {
  private inner?: LaneClient;
  /** The inner connection's request while it is open: replacing the inner client ends that connection. */
  private openRequest?: LaneRequest;
  private readonly unsubscribe: (() => void)[] = [];
  mode: 'websocket' | 'long-polling' = 'websocket';

  start(): void {
    this.use(
      new WebSocketLane({ ...this.options, since: this.cursor }, (opened) => {
        // A connection that worked and dropped is worth another try; one that was refused is not.
        if (opened) void this.delay(RETRY_MS).then(() => !this.stopped && this.start());
        else this.use(new LongPollLane({ ...this.options, since: this.cursor }), 'long-polling');
      }),
      'websocket',
    );
  }

  restart(): void {
    if (this.stopped) return;
    this.inner?.stop();
    this.start();
  }

  override stop(): void {
    super.stop();
    this.inner?.stop();
  }

  private use(inner: LaneClient, mode: 'websocket' | 'long-polling'): void {
    this.inner?.stop();
    for (const off of this.unsubscribe.splice(0)) off();
    // The stopped client's own close event would come too late: it is no longer listened to.
    if (this.openRequest) this.emit('closed', this.openRequest, nowMs());
    this.openRequest = undefined;
    this.inner = inner;
    const forward = <K extends keyof LaneEvents>(event: K) =>
      this.unsubscribe.push(inner.on(event, (...args: LaneEvents[K]) => this.emit(event, ...args)));
    (['request', 'answer', 'failed', 'open', 'frame', 'closed', 'gap'] as const).forEach(forward);
    this.unsubscribe.push(
      inner.on('message', (message, at) => {
        this.cursor = inner.cursor;
        this.emit('message', message, at);
      }),
    );
    this.unsubscribe.push(inner.on('answer', () => (this.cursor = inner.cursor)));
    this.unsubscribe.push(inner.on('open', (request) => (this.openRequest = request)));
    this.unsubscribe.push(inner.on('closed', () => (this.openRequest = undefined)));
    if (mode !== this.mode) {
      this.mode = mode;
      this.emit('mode', mode);
    }
    inner.start();
  }
}

export type LaneClientClass = new (options: LaneClientOptions) => LaneClient;

/**
 * The one place a lane is wired to its browser client: by strategy name, and the fallback lane by its own. The
 * page draws a lane for each lane the server names (GET /demo/api/lanes, from the strategies' facts) that has
 * a client here; a strategy without a browser client has no lane.
 */
const BROWSER_CLIENTS: Readonly<Record<LaneName, LaneClientClass>> = {
  'short-polling': ShortPollLane,
  'long-polling': LongPollLane,
  websocket: WebSocketLane,
  sse: EventStreamLane,
  [FALLBACK_LANE.name]: FallbackLane,
  'php-long-polling': PhpLongPollLane,
};

export function browserClientOf(lane: LaneName): LaneClientClass | undefined {
  return Object.hasOwn(BROWSER_CLIENTS, lane) ? BROWSER_CLIENTS[lane] : undefined;
}
