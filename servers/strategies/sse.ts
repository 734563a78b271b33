import { ROUTES } from '../contract/wire.js';
import { parseCursor, parseUserId } from '../http/errors.js';
import { startEventStream } from '../http/answers.js';
import type { LeanExchange, LeanResponse } from '../http/exchange.js';
import type { Gap, Message } from '../contract/message.js';
import { PushFanout, type PushChannel } from '../delivery/push-fanout.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';

/**
 * A comment line every so often keeps proxies from closing an idle stream; its bytes are counted like any
 * other, as WebSocket's pings would be.
 */
export const SSE_HEARTBEAT_MS = 15_000;

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
    this.heartbeat = setInterval(() => {
      for (const { res } of fanout.channels()) res.write(':\n\n');
    }, SSE_HEARTBEAT_MS).unref();
    leanGet(ROUTES.sse, 'stream', (exchange, query) => {
      // A browser's automatic reconnect sends the last id it saw; it wins over the URL it first opened.
      const lastEventId = exchange.req.headers['last-event-id'];
      const cursor = parseCursor(lastEventId !== undefined && lastEventId !== '' ? lastEventId : query.since);
      const userId = parseUserId(query.user, limits.userIdChars);
      fanout.checkRoom();
      this.emit('request', userId);
      // Not attached when requests were pipelined behind it: the connection is closed instead (see Http1Connections).
      if (startEventStream(exchange)) fanout.attach(eventStream(exchange), cursor, userId);
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

interface EventStream extends PushChannel {
  readonly res: LeanResponse;
}

function eventStream(exchange: LeanExchange): EventStream {
  const { res } = exchange;
  // A stream starts only once every answer before it on its connection has gone out: its response has the
  // socket, and tells when the connection closes.
  let closed = false;
  res.once('close', () => (closed = true));
  return {
    res,
    get isOpen() {
      return !closed && !res.writableEnded;
    },
    get bufferedBytes() {
      return exchange.bufferedBytes();
    },
    sendMessage: (message: Message, json: string, flushed?: () => void) => {
      res.write(eventOf(message, json), flushed && (() => flushed()));
    },
    sendGap: (gap: Gap) => {
      res.write(`event: gap\ndata: ${JSON.stringify(gap)}\n\n`);
    },
    cutOff: () => {
      closed = true;
      res.destroy();
    },
    onClose: (listener) => {
      if (closed) listener();
      else res.once('close', listener);
    },
  };
}
