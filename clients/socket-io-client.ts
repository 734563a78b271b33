import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { Gap, Message } from '../servers/contract/message.js';
import { SOCKET_IO_EVENTS, type SocketIoResume } from '../servers/contract/socket-io.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import { SimulatedClient, DEFAULT_RECONNECT_MAX_MS, DEFAULT_RECONNECT_MIN_MS, type ClientOptions } from './client.js';

/** Bound on each step of a graceful stop (the close packet answered, the connections closed). */
const STOP_STEP_TIMEOUT_MS = 5_000;

/** A Socket.IO EVENT packet as engine.io carries it: "2" followed by the JSON array of name and arguments. */
const EVENT_PACKET_PREFIX = '2';

/** The events of one answered polling GET, until Socket.IO has handed them all to their handlers. */
interface PollAnswer {
  events: number;
  messages: Message[];
}

interface EngineEvents {
  on(event: 'packet', listener: (packet: { type: string; data?: unknown }) => void): void;
  transport: { on(event: 'pollComplete', listener: () => void): void };
}

/**
 * A Socket.IO client as an application would write one: `io()` with the cursor in the handshake `auth`
 * (re-sent on each of Socket.IO's own reconnects, so it resumes from where it is), one listener per event.
 * Every request goes through an http.Agent whose connections are the client's WireCounter's, so engine.io's
 * handshake, packets, heartbeats and upgrades are counted at the socket like everyone else's bytes.
 */
export abstract class SocketIoClient extends SimulatedClient {
  private readonly agent: http.Agent;
  private socket?: Socket;
  /** Polling only: answered GETs whose events Socket.IO has not handed over yet (it does so on the next tick). */
  private readonly answers: PollAnswer[] = [];

  constructor(
    options: ClientOptions,
    private readonly transport: 'polling' | 'websocket',
    private readonly path: string,
  ) {
    super(options);
    // No maxSockets: a polling client holds a GET while it POSTs, as a browser does within its per-origin pool.
    // Every HTTP request (a poll, a POST, the WebSocket upgrade) is one request of the vocabulary.
    this.agent = this.wire.agent({ keepAlive: true }, () => this.emit('request'));
  }

  protected connect(): void {
    if (this.stopped) return;
    const { userId, headers } = this.options;
    const socket = io(this.options.baseUrl, {
      path: this.path,
      transports: [this.transport],
      // A Node http.Agent; the typings only admit the browser-side string | boolean.
      agent: this.agent as unknown as string,
      extraHeaders: headers,
      // One connection per simulated client, as each browser tab has its own.
      forceNew: true,
      auth: (send) => send({ since: this.cursor, ...(userId === undefined ? {} : { user: userId }) } satisfies SocketIoResume),
      ...socketIoBackoff(this.options),
      // Socket.IO's own deadline on each attempt to open (engine.io's handshake), then it reconnects: ours.
      timeout: this.connectTimeoutMs,
    });
    this.socket = socket;
    socket.on(SOCKET_IO_EVENTS.message, (message: Message) => this.onEvent(message));
    socket.on(SOCKET_IO_EVENTS.gap, (gap: Gap) => {
      this.reportGap(gap);
      this.onEvent(undefined);
    });
    socket.on('connect', () => this.reportOpen());
    socket.on('connect_error', (error) => this.emit('error', error));
    socket.on('disconnect', (reason) => {
      this.answers.length = 0;
      if (reason !== 'io client disconnect') this.emit('error', new Error(`Socket.IO disconnected: ${reason}`));
    });
    socket.io.on('reconnect_attempt', (attempt) => this.emit('reconnect', attempt));
    socket.io.on('open', () => this.watchPolls(socket.io.engine as unknown as EngineEvents));
  }

  /**
   * Tells apart the GETs that brought messages from those that brought only a heartbeat ("nothing new"), from
   * the engine.io packets each carried. Handshake answers (the open packet, Socket.IO's CONNECT) are neither.
   */
  private watchPolls(engine: EngineEvents): void {
    if (this.transport !== 'polling') return;
    let events = 0;
    let heartbeat = false;
    engine.on('packet', (packet) => {
      if (packet.type === 'message' && typeof packet.data === 'string' && packet.data.startsWith(EVENT_PACKET_PREFIX)) events++;
      else if (packet.type === 'ping' || packet.type === 'noop') heartbeat = true;
    });
    engine.transport.on('pollComplete', () => {
      if (events > 0) this.answers.push({ events, messages: [] });
      else if (heartbeat) this.emit('empty');
      events = 0;
      heartbeat = false;
    });
  }

  /** A message (or, undefined, a gap) handed over by Socket.IO. */
  private onEvent(message: Message | undefined): void {
    // Socket.IO may hand over, after a reconnect, events it received just before the drop; the replay from the
    // cursor brings them again, and a client that tracks a cursor ignores what it already has.
    if (message && message.seq <= this.cursor) return;
    const answer = this.answers[0];
    if (!answer) {
      if (message) this.deliver([message], message.seq, 'frame');
      return;
    }
    if (message) answer.messages.push(message);
    if (--answer.events > 0) return;
    this.answers.shift();
    const last = answer.messages.at(-1);
    if (last) this.deliver(answer.messages, last.seq, 'response');
  }

  /**
   * Disconnects as an application would (Socket.IO's DISCONNECT, then engine.io's close packet), waits for the
   * requests in flight to be answered, then closes the keep-alive connections: both ends then count the same bytes.
   */
  protected async closeTransport(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      const engine = socket.io.engine as (typeof socket.io.engine & { readyState: string }) | undefined;
      const engineClosed =
        engine && engine.readyState !== 'closed' ? new Promise<void>((resolve) => engine.once('close', () => resolve())) : Promise.resolve();
      socket.disconnect();
      await Promise.race([engineClosed, sleep(STOP_STEP_TIMEOUT_MS)]);
    }
    await until(() => agentIdle(this.agent), STOP_STEP_TIMEOUT_MS);
    await this.wire.closeSecure(this.tlsCloseTimeoutMs);
    this.agent.destroy();
    await until(() => this.wire.openConnections === 0, STOP_STEP_TIMEOUT_MS);
  }
}

/** No request in flight or queued on the agent. */
function agentIdle(agent: http.Agent): boolean {
  return Object.keys(agent.sockets).length === 0 && Object.keys(agent.requests).length === 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate() && performance.now() < deadline) await sleep(10);
}

/**
 * Socket.IO's own reconnection timer, set as close to the client's policy as it allows: it doubles its delay
 * up to the max and randomises it by ± randomizationFactor. `full-jitter` keeps Socket.IO's default ± 50 %
 * (it has no draw from zero); `exponential` turns the randomness off; `none` pins the delay at the minimum.
 */
function socketIoBackoff(options: ClientOptions): { reconnectionDelay: number; reconnectionDelayMax: number; randomizationFactor: number } {
  const min = options.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
  const max = options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS;
  switch (options.backoff ?? DEFAULT_BACKOFF) {
    case 'none':
      return { reconnectionDelay: min, reconnectionDelayMax: min, randomizationFactor: 0 };
    case 'exponential':
      return { reconnectionDelay: min, reconnectionDelayMax: max, randomizationFactor: 0 };
    case 'full-jitter':
      return { reconnectionDelay: min, reconnectionDelayMax: max, randomizationFactor: 0.5 };
  }
}
