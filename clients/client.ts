import { EventEmitter } from 'node:events';
import type { ByteCounts, TlsSplit } from '../servers/contract/byte-counts.js';
import { nowMs, type Gap, type Message } from '../servers/contract/message.js';
import type { HttpVersion } from '../servers/contract/wire.js';
import { DEFAULT_BACKOFF, reconnectDelayMs, type BackoffPolicy } from './backoff.js';
import { WireCounter, type ClientTls, type HandshakeCounts } from './wire-counter.js';
import { http2Headers, profiledHeaders, type HeaderLine, type HeaderProfile, type ProfiledRequest } from './header-profile.js';

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080, or https://127.0.0.1:8443 with `tls`. */
  baseUrl: string;
  /** How to speak TLS to an https:// server: the one certificate trusted, and whether sessions are resumed. */
  tls?: ClientTls;
  /**
   * Polling only: false sends every poll on a new connection with `Connection: close` (under HTTP/2, a session per
   * poll), as PHP-era servers answered; default true, one keep-alive connection as a browser keeps to its origin.
   */
  keepAlive?: boolean;
  /** Cursor to start from: the seq of the last message already seen. */
  since?: number;
  userId?: string;
  /** Short polling: time between polls. */
  pollIntervalMs?: number;
  /** Delay before the first poll, so that a crowd of clients does not poll in lock-step. */
  firstPollDelayMs?: number;
  /** Long polling: how long the server may hold each request (sent as ?timeout=). */
  longPollTimeoutMs?: number;
  /** Extra headers on every HTTP request and on the WebSocket handshake (identity, cookies). */
  headers?: Record<string, string>;
  /**
   * A browser's headers (clients/header-profile.ts), sent verbatim and in order on every request, the identity
   * headers in the places the browser gives them. Absent: only what the transport needs, and the identity headers.
   */
  headerProfile?: HeaderProfile;
  /**
   * HTTP/1.1 (default) or HTTP/2 with prior knowledge, for the clients that can speak both (their strategy's facts
   * say `http2`): under 2 a client holds one HTTP/2 session and sends each request as a stream on it.
   */
  httpVersion?: HttpVersion;
  /**
   * The bench's stand-in for a proxy that blocks WebSocket: the client's upgrade asks the bench's server to refuse
   * it (see clients/websocket-fallback.ts). Read by the fallback client only.
   */
  blockUpgrade?: boolean;
  /** Reconnect backoff: first delay, doubled per failed attempt up to the max. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How the wait grows and spreads (see backoff.ts); default full jitter. */
  backoff?: BackoffPolicy;
  /**
   * How long an attempt may wait for the server's first answer (the 101, the event stream's headers, a poll's
   * answer; a long poll: beyond the hold it asked for) before it is given up and retried with the backoff.
   */
  connectTimeoutMs?: number;
  /** The loopback source address the client's connections bind (see WireCounter); absent: the kernel's choice. */
  localAddress?: string;
  /**
   * How long a stopping client waits for its connections to close in order (the WebSocket close handshake, TLS's
   * close_notify both ways) before it cuts them. Absent: DEFAULT_CLOSE_TIMEOUT_MS for TLS, DEFAULT_WS_CLOSE_TIMEOUT_MS
   * for the WebSocket close. A lossy network needs longer: a lost close comes again only after TCP's retransmission timeout.
   */
  closeTimeoutMs?: number;
}

/** The client-side event vocabulary, the same for every strategy. */
export interface ClientEvents {
  /** An HTTP request (or the WebSocket handshake) was sent. */
  request: [];
  /** An HTTP answer carried these messages. */
  response: [messages: Message[]];
  /** An HTTP answer carried nothing new. */
  empty: [];
  /** A pushed frame carried this message. */
  frame: [message: Message];
  /** Every delivered message once, in arrival order, with the time it arrived. */
  message: [message: Message, receivedAtMs: number];
  /** The server could not give the messages after the cursor: they are lost to this client, and it says so. */
  gap: [gap: Gap];
  /** A connection to the server is up: the WebSocket opened, the event stream answered, a poll answered. */
  open: [];
  /** A new attempt after a failure (a dropped connection, an error answer). */
  reconnect: [attempt: number];
  error: [error: Error];
}

export const DEFAULT_RECONNECT_MIN_MS = 50;
/** A stopping client's wait for its TLS connections' close_notify, when the options say nothing. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
/**
 * A stopping WebSocket client's wait for the server's side of the close handshake: generous, since a cut close
 * handshake would leave the client's and the server's byte counts a close frame apart.
 */
export const DEFAULT_WS_CLOSE_TIMEOUT_MS = 5_000;
export const DEFAULT_RECONNECT_MAX_MS = 2_000;
/**
 * A connection that was accepted but is never answered looks, to the client, like a server that is still thinking:
 * nothing fails, so without a deadline the client would wait forever. That happens for real when a server process
 * dies: node:cluster's round-robin primary can accept a connection and hand it to the worker that has just died,
 * and then nobody ever reads or closes it (see docs/scale-out.md); a SYN lost on the way is the same at the TCP
 * level. 10 s is the server's own header timeout, and the connect timeout of undici, Phoenix and Socket.IO's
 * order of magnitude: far above a handshake on a loaded loopback, short enough to come back within a run.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** The `code` of the error an attempt given up at its deadline is reported with. */
export const ATTEMPT_TIMEOUT_CODE = 'PUSHBENCH_ATTEMPT_TIMEOUT';

/**
 * The client half of a strategy. A subclass turns its transport's I/O into the events above through
 * `deliver`, `reportGap` and `retryLater`; the cursor, byte counting and backoff live here once.
 */
export abstract class SimulatedClient extends EventEmitter<ClientEvents> {
  cursor: number;
  protected readonly wire: WireCounter;
  protected stopped = false;
  private failures = 0;
  private startTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private readonly attemptTimers = new Set<NodeJS.Timeout>();

  constructor(protected readonly options: ClientOptions) {
    super();
    this.cursor = options.since ?? 0;
    this.wire = new WireCounter(options.tls, options.localAddress);
  }

  /** Connects (or starts polling) from the cursor, once `firstPollDelayMs` has passed. */
  start(): void {
    this.startTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, this.options.firstPollDelayMs ?? 0);
  }

  /** Cuts the connections as a network failure would; the client recovers by itself from its cursor. */
  dropConnection(): void {
    this.wire.destroyAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.startTimer);
    clearTimeout(this.retryTimer);
    for (const timer of this.attemptTimers) clearTimeout(timer);
    this.attemptTimers.clear();
    await this.closeTransport();
  }

  /** The transport's first move: the first connection, or the first poll. */
  protected abstract connect(): void;
  protected abstract closeTransport(): Promise<void>;

  get bytes(): ByteCounts {
    return this.wire.bytes;
  }

  get connectionsOpened(): number {
    return this.wire.connectionsOpened;
  }

  /** TCP connections open now: 0 once every one the client opened has closed at its end. */
  get openConnections(): number {
    return this.wire.openConnections;
  }

  /** Over TLS, the same bytes split into handshake, record overhead and application bytes; undefined in cleartext. */
  get tlsSplit(): TlsSplit | undefined {
    return this.wire.tlsSplit;
  }

  /** Over TLS, the handshakes the client made, full and resumed. */
  get handshakes(): HandshakeCounts {
    return { ...this.wire.handshakes };
  }

  /**
   * The header lines of one request of `kind` under the client's profile, its identity in place (over HTTP/2
   * without the connection-specific lines); undefined without a profile.
   */
  protected profiledHeaders(kind: ProfiledRequest, lastEventId?: string): HeaderLine[] | undefined {
    const { headerProfile, baseUrl, headers, httpVersion } = this.options;
    if (!headerProfile) return undefined;
    const lines = profiledHeaders(headerProfile, kind, { origin: baseUrl, identity: headers, lastEventId }, httpVersion);
    // Identity headers other than the cookie come after the profile's, named as given: HTTP/2 wants them in lower case.
    return httpVersion === '2' ? http2Headers(lines) : lines;
  }

  protected url(path: string, params: Record<string, string | number | undefined>): string {
    return new URL(this.target(path, params), this.options.baseUrl).toString();
  }

  /** The request target: the path and the query of the parameters given (and the client's user), encoded. */
  protected target(path: string, params: Record<string, string | number | undefined>): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
    if (this.options.userId !== undefined) query.set('user', this.options.userId);
    const search = query.toString();
    return search === '' ? path : `${path}?${search}`;
  }

  /** Hands received messages to listeners and moves the cursor to where the server said to resume. */
  protected deliver(messages: Message[], cursor: number, via: 'response' | 'frame'): void {
    const receivedAtMs = nowMs();
    this.failures = 0;
    if (via === 'response') {
      if (messages.length === 0) this.emit('empty');
      else this.emit('response', messages);
    }
    for (const message of messages) {
      if (via === 'frame') this.emit('frame', message);
      this.emit('message', message, receivedAtMs);
    }
    this.cursor = cursor;
  }

  /** Says the transport is connected (once per connection, or per answer for polling). */
  protected reportOpen(): void {
    this.emit('open');
  }

  protected reportGap(gap: Gap): void {
    this.emit('gap', gap);
  }

  protected get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  /** How long a stop waits for the TLS connections' close_notify (ClientOptions.closeTimeoutMs). */
  protected get tlsCloseTimeoutMs(): number {
    return this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  }

  /**
   * Starts the clock on one attempt (a connection, a handshake, a request): unless the returned function is called
   * first, because the server answered, `giveUp` gets a timeout error after the connect timeout plus `holdMs`, the
   * time the server may rightly keep the attempt waiting (a long poll's hold; Infinity: no deadline). `giveUp`
   * reports the failure (so it is retried with the backoff) and cuts what the attempt holds.
   */
  protected attemptDeadline(giveUp: (error: Error) => void, holdMs = 0): () => void {
    const ms = this.connectTimeoutMs + holdMs;
    if (!Number.isFinite(ms)) return () => {};
    const timer = setTimeout(() => {
      this.attemptTimers.delete(timer);
      giveUp(Object.assign(new Error(`no answer from the server within ${ms} ms: attempt given up`), { code: ATTEMPT_TIMEOUT_CODE }));
    }, ms);
    this.attemptTimers.add(timer);
    return () => {
      clearTimeout(timer);
      this.attemptTimers.delete(timer);
    };
  }

  /** Reports a failure and calls `attempt` again after the backoff of the client's policy. */
  protected retryLater(error: Error, attempt: () => void): void {
    if (this.stopped) return;
    this.emit('error', error);
    // A listener may have stopped the client while handling the error.
    if (this.stopped) return;
    const min = this.options.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
    const max = this.options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS;
    const delay = reconnectDelayMs(this.options.backoff ?? DEFAULT_BACKOFF, this.failures, min, max);
    this.failures++;
    this.retryTimer = setTimeout(() => {
      if (this.stopped) return;
      this.emit('reconnect', this.failures);
      attempt();
    }, delay);
  }
}

export interface SimulatedClientClass {
  new (options: ClientOptions): SimulatedClient;
}
