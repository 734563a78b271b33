import { ROUTES } from '../contract/wire.js';
import type { Message } from '../contract/message.js';
import type { BareResponse } from '../http/bare-routes.js';
import type { MessageLog } from '../log/message-log.js';
import { isVisibleTo } from '../log/message-source.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';
import { PALETTE } from '../contract/palette.js';
import type { StrategyInfo } from '../contract/strategies.js';
import { bareQuery, gapEvent, messageEvent } from './bare-http.js';

interface BareStream {
  readonly res: BareResponse;
  readonly userId: string | undefined;
  /** The last seq this stream was given or passed over: a message at or below it is not sent again. */
  cursor: number;
}

/**
 * Reference: the least an event-stream server can be on node:http (and node:http2): the backlog after the cursor
 * (or the Last-Event-ID a browser resumes with) written at once, then each message turned into its event once
 * and written to every open stream it concerns, in a plain loop. No pacing of a backlog, no send-buffer limit, no
 * limit on streams, no heartbeat, no caching or sniffing headers, no statistics beyond the attach and detach the
 * bench waits on: what pushbench's server-sent events add on top of this loop is what the comparison measures.
 */
export class BareServerSentEventsStrategy extends ServerStrategy {
  static readonly info: StrategyInfo = {
    name: 'sse-bare',
    title: 'Bare SSE loop',
    colour: PALETTE.fuchsiaGrey,
    direction: 'push',
    connection: 'persistent',
    claim: 'C5',
    summary: 'A node:http response held open in a set and a for-of loop of res.write(): the floor of server-sent events.',
    http2: true,
    reference: true,
  };
  readonly info = BareServerSentEventsStrategy.info;

  private readonly streams = new Set<BareStream>();
  private source?: MessageLog;

  mount({ source, limits, bareGet }: StrategyContext): void {
    this.source = source;
    source.on('message', this.onMessage);
    bareGet(ROUTES.bareEvents, (req, res) => {
      const { cursor, userId } = bareQuery(req, limits.userIdChars, true);
      const { messages, gap, cursor: head } = source.since(cursor, userId);
      res.writeHead(200, ['Content-Type', 'text/event-stream']);
      if (gap) res.write(gapEvent(gap));
      for (const message of messages) res.write(messageEvent(message));
      // Nothing written: the headers go now, so the client knows its stream is open.
      if (messages.length === 0 && !gap) res.flushHeaders();
      const stream: BareStream = { res, userId, cursor: head };
      this.streams.add(stream);
      this.emit('attach', stream.userId);
      res.once('close', () => {
        if (this.streams.delete(stream)) this.emit('detach', stream.userId);
      });
    });
  }

  private readonly onMessage = (message: Message): void => {
    const event = messageEvent(message);
    for (const stream of this.streams) {
      if (message.seq <= stream.cursor) continue;
      stream.cursor = message.seq;
      if (isVisibleTo(message, stream.userId)) stream.res.write(event);
    }
  };

  close(): Promise<void> {
    this.source?.off('message', this.onMessage);
    for (const { res } of this.streams) res.end();
    return Promise.resolve();
  }
}
