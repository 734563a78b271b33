import type { Response } from 'express';
import { ROUTES } from '../contract/wire.js';
import { HttpError, parseCursor, parseUserId } from '../http-errors.js';
import type { Gap, Message } from '../contract/message.js';
import { PushFanout, type PushChannel } from '../push-fanout.js';
import { ServerStrategy, type StrategyContext, type StrategyInfo } from '../strategy.js';

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
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'One long HTTP response in text/event-stream; the server writes an event per message, the browser resumes with Last-Event-ID.',
  };
  readonly info = ServerSentEventsStrategy.info;

  private fanout?: PushFanout;
  private readonly streams = new Set<Response>();
  private heartbeat?: NodeJS.Timeout;

  mount({ source, limits, get }: StrategyContext): void {
    const fanout = (this.fanout = new PushFanout(source, limits, this));
    this.heartbeat = setInterval(() => {
      for (const res of this.streams) res.write(':\n\n');
    }, SSE_HEARTBEAT_MS).unref();
    get(ROUTES.sse, (req, res) => {
      // A browser's automatic reconnect sends the last id it saw; it wins over the URL it first opened.
      const lastEventId = req.get('last-event-id');
      const cursor = parseCursor(lastEventId !== undefined && lastEventId !== '' ? lastEventId : req.query.since);
      const userId = parseUserId(req.query.user, limits.userIdChars);
      if (fanout.size >= limits.maxPushStreams) {
        throw new HttpError(503, `too many event streams (limit ${limits.maxPushStreams})`, { 'Retry-After': '1' });
      }
      this.emit('request', userId);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.flushHeaders();
      this.streams.add(res);
      this.emit('attach', userId);
      const detach = fanout.add(eventStreamChannel(res), cursor, userId);
      res.on('close', () => {
        this.streams.delete(res);
        detach();
        this.emit('detach', userId);
      });
    });
  }

  override bufferedBytes(): number {
    return this.fanout?.bufferedBytes() ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.fanout?.stop();
    for (const res of this.streams) res.end();
  }
}

function eventStreamChannel(res: Response): PushChannel {
  return {
    get isOpen() {
      return !res.writableEnded && !res.destroyed;
    },
    get bufferedBytes() {
      return res.writableLength;
    },
    sendMessage: (message: Message, json: string, flushed?: () => void) => {
      res.write(`id: ${message.seq}\ndata: ${json}\n\n`, flushed && (() => flushed()));
    },
    sendGap: (gap: Gap) => {
      res.write(`event: gap\ndata: ${JSON.stringify(gap)}\n\n`);
    },
    cutOff: () => res.destroy(),
  };
}
