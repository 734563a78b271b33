import { ROUTES } from '../contract/wire.js';
import { parseCursor, parseUserId } from '../http/errors.js';
import { startEventStream } from '../http/answers.js';
import type { LeanExchange, LeanResponse } from '../http/exchange.js';
import type { Gap, Message } from '../contract/message.js';
import { PushFanout, type PushChannel } from '../delivery/push-fanout.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/** Server-sent events: one held HTTP response carrying `text/event-stream`, the modern form of "comet". */
export class ServerSentEventsStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'sse',
    title: 'Server-sent events',
    chineseTitle: '服务器发送事件 (SSE)',
    colour: PALETTE.fuchsia,
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'One long HTTP response in text/event-stream; the server writes an event per message, the browser resumes with Last-Event-ID.',
    http2: true,
  };
  readonly info = ServerSentEventsStrategy.info;

  private fanout?: PushFanout<EventStream>;
  private heartbeat?: NodeJS.Timeout;

  mount({ source, limits, leanGet }: StrategyContext): void {
    const fanout = (this.fanout = new PushFanout<EventStream>(source, limits, this, 'event streams'));
    // A comment line keeps proxies from closing an idle stream; its bytes are counted like any other, as WebSocket's
    // pings would be. Only a stream that carried nothing since the last round gets one: a busy stream needs none.
    this.heartbeat = setInterval(() => {
      for (const stream of fanout.channels()) stream.keepAlive();
    }, limits.eventStreamHeartbeatMs).unref();
    leanGet(ROUTES.sse, 'stream', (exchange, query) => {
      // A browser's automatic reconnect sends the last id it saw; it wins over the URL it first opened.
      const lastEventId = exchange.req.headers['last-event-id'];
      const cursor = parseCursor(lastEventId !== undefined && lastEventId !== '' ? lastEventId : query.since);
      const userId = parseUserId(query.user, limits.userIdChars);
      fanout.checkRoom();
      this.emit('request', userId);
      // Not attached when requests were pipelined behind it: the connection is closed instead (see Http1Connections).
      if (startEventStream(exchange)) fanout.attach(new EventStream(exchange), cursor, userId);
    });
  }

  override bufferedBytes(): number {
    return this.fanout?.bufferedBytes() ?? 0;
  }

  close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.fanout?.stop();
    for (const { res } of this.fanout?.channels() ?? []) res.end();
    return Promise.resolve();
  }
}

/**
 * The last message's event text: the fan-out writes one message to every stream in turn, so its text is built once
 * per message rather than once per stream (as the fan-out serialises the message once).
 */
let lastEvent: { message: Message; text: string } | undefined;

function eventOf(message: Message, json: string): string {
  if (lastEvent?.message !== message) lastEvent = { message, text: `id: ${message.seq}\ndata: ${json}\n\n` };
  return lastEvent.text;
}

/**
 * One event stream as the fan-out sees it. A class, not an object literal with getters: such a literal is
 * built in dictionary mode and gives each of its arrow functions a name dictionary of its own (about 2 KB of
 * heap per connection); a class keeps three fields per connection and its methods on the prototype.
 */
class EventStream implements PushChannel {
  private closed = false;
  /** Something was written since the last heartbeat round. */
  private active = false;

  readonly res: LeanResponse;

  // A stream starts only once every answer before it on its connection has gone out: its response has the
  // socket, and tells when the connection closes.
  constructor(private readonly exchange: LeanExchange) {
    this.res = exchange.res;
    this.res.once('close', () => (this.closed = true));
  }

  get isOpen(): boolean {
    return !this.closed && !this.res.writableEnded;
  }

  get bufferedBytes(): number {
    return this.exchange.bufferedBytes();
  }

  sendMessage(message: Message, json: string, flushed?: () => void): void {
    this.active = true;
    this.res.write(eventOf(message, json), flushed && (() => flushed()));
  }

  sendGap(gap: Gap): void {
    this.active = true;
    this.res.write(`event: gap\ndata: ${JSON.stringify(gap)}\n\n`);
  }

  /** A heartbeat round: a comment line if nothing went out since the last round. */
  keepAlive(): void {
    if (this.active) this.active = false;
    else this.res.write(':\n\n');
  }

  cutOff(): void {
    this.closed = true;
    this.res.destroy();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.res.once('close', listener);
  }
}
