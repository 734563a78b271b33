import type { Socket } from 'node:net';
import type { Request, Response } from 'express';
import { ROUTES } from '../contract/wire.js';
import { parseCursor, parseUserId } from '../http-errors.js';
import type { Gap, Message } from '../contract/message.js';
import { PushFanout, type PushChannel } from '../push-fanout.js';
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
    colour: PALETTE.fuchsia,
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'One long HTTP response in text/event-stream; the server writes an event per message, the browser resumes with Last-Event-ID.',
  };
  readonly info = ServerSentEventsStrategy.info;

  private fanout?: PushFanout<EventStream>;
  private heartbeat?: NodeJS.Timeout;

  mount({ source, limits, get }: StrategyContext): void {
    const fanout = (this.fanout = new PushFanout<EventStream>(source, limits, this, 'event streams'));
    this.heartbeat = setInterval(() => {
      for (const { res } of fanout.channels()) res.write(':\n\n');
    }, SSE_HEARTBEAT_MS).unref();
    get(ROUTES.sse, (req, res) => {
      // A browser's automatic reconnect sends the last id it saw; it wins over the URL it first opened.
      const lastEventId = req.get('last-event-id');
      const cursor = parseCursor(lastEventId !== undefined && lastEventId !== '' ? lastEventId : req.query.since);
      const userId = parseUserId(req.query.user, limits.userIdChars);
      fanout.checkRoom();
      this.emit('request', userId);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.flushHeaders();
      fanout.attach(eventStream(req, res), cursor, userId);
    });
  }

  override bufferedBytes(): number {
    return this.fanout?.bufferedBytes() ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.fanout?.stop();
    for (const { res } of this.fanout?.channels() ?? []) res.end();
  }
}

interface EventStream extends PushChannel {
  readonly res: Response;
}

function eventStream(req: Request, res: Response): EventStream {
  return {
    res,
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
    onClose: (listener) => {
      let closed = false;
      let stopWaiting: (() => void) | undefined;
      const once = () => {
        if (closed) return;
        closed = true;
        stopWaiting?.();
        listener();
      };
      res.once('close', once);
      // A pipelined request queued behind another response has no socket of its own yet, and if the connection
      // closes first its response never emits 'close': it is told by the connection instead.
      if (!res.socket) stopWaiting = onConnectionClose(req.socket, once);
      if (res.destroyed || req.socket.destroyed) once();
    },
  };
}

/** Responses waiting behind another on a connection, told when it closes: one listener per connection, not per response. */
const waitingOn = new WeakMap<Socket, Set<() => void>>();

function onConnectionClose(socket: Socket, listener: () => void): () => void {
  let waiting = waitingOn.get(socket);
  if (!waiting) {
    const listeners = (waiting = new Set());
    waitingOn.set(socket, listeners);
    socket.once('close', () => {
      waitingOn.delete(socket);
      for (const notify of listeners) notify();
    });
  }
  waiting.add(listener);
  return () => waiting.delete(listener);
}
