import { Server as Engine } from 'engine.io';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import { HttpError, parseCursor, parseUserId } from './http-errors.js';
import type { Gap, Message } from './contract/message.js';
import { SOCKET_IO_EVENTS, type SocketIoResume } from './contract/socket-io.js';
import type { MessageSource } from './message-source.js';
import { ServerStrategy, type StrategyContext } from './strategy.js';

interface SocketData {
  since: number;
  userId: string | undefined;
}

type PeerSocket = Socket<Record<string, never>, Record<string, (arg: Message | Gap) => void>, Record<string, never>, SocketData>;

/**
 * Socket.IO as a user would deploy it, for comparison with pushbench's own strategies: an engine.io server
 * restricted to one transport, bound to a Socket.IO server; the client's cursor in the handshake `auth`; the
 * backlog replayed from the message source on connect; live messages broadcast with `io.emit` (encoded once
 * per broadcast by Socket.IO itself) or to a room per user. Default heartbeats, no compression (as for our own
 * strategies: it would hide the framing the bench measures). Subclasses only say how the engine is reached.
 */
export abstract class SocketIoPeer extends ServerStrategy {
  /** The engine.io server, public so a test can shorten its heartbeat (opts.pingInterval) to count it. */
  readonly engine: Engine;
  private readonly io: SocketIoServer;
  private source?: MessageSource;

  constructor(transport: 'polling' | 'websocket') {
    super();
    this.engine = new Engine({ transports: [transport], perMessageDeflate: false, httpCompression: false });
    this.io = new SocketIoServer({ serveClient: false }).bind(this.engine);
    // Requests refused by engine.io itself (unknown session, bad handshake) are failures like any other.
    this.engine.on('connection_error', (error: { code?: number }) => {
      this.emit('failed', error.code === Engine.errors.FORBIDDEN ? 403 : 400);
    });
  }

  /** Hands the transport's HTTP requests or upgrades to the engine (see the mode's own file). */
  protected abstract mountTransport(context: StrategyContext): void;

  mount(context: StrategyContext): void {
    const { source, limits } = context;
    this.source = source;
    this.io.use((socket: PeerSocket, next) => {
      try {
        const auth = (socket.handshake.auth ?? {}) as SocketIoResume;
        const since = parseCursor(auth.since === undefined ? undefined : String(auth.since));
        const userId = parseUserId(auth.user, limits.userIdChars);
        if (this.io.of('/').sockets.size >= limits.maxPushStreams) {
          throw new HttpError(503, `too many Socket.IO clients (limit ${limits.maxPushStreams})`);
        }
        socket.data = { since, userId };
        next();
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        this.emit('failed', status);
        next(new Error(error instanceof HttpError ? error.message : 'internal error'));
      }
    });
    this.io.on('connection', (socket: PeerSocket) => this.onConnection(socket, source));
    source.on('message', this.onMessage);
    this.mountTransport(context);
  }

  /**
   * Replays the backlog after the client's cursor, then the socket is already in the broadcast: both happen in
   * this one tick, so no message can fall between them or arrive twice.
   */
  private onConnection(socket: PeerSocket, source: MessageSource): void {
    const { since, userId } = socket.data;
    if (userId !== undefined) void socket.join(userRoom(userId));
    this.emit('attach', userId);
    socket.on('disconnect', () => this.emit('detach', userId));
    const { messages, gap } = source.since(since, userId);
    if (gap) socket.emit(SOCKET_IO_EVENTS.gap, gap);
    for (const message of messages) socket.emit(SOCKET_IO_EVENTS.message, message);
    if (messages.length > 0) this.emit('push', messages.length);
  }

  private readonly onMessage = (message: Message): void => {
    const sockets = this.io.of('/');
    if (message.to === undefined) {
      this.io.emit(SOCKET_IO_EVENTS.message, message);
      this.emit('push', sockets.sockets.size);
    } else {
      const room = userRoom(message.to);
      this.io.to(room).emit(SOCKET_IO_EVENTS.message, message);
      this.emit('push', sockets.adapter.rooms.get(room)?.size ?? 0);
    }
  };

  async close(): Promise<void> {
    this.source?.off('message', this.onMessage);
    // Socket.IO's own shutdown: a DISCONNECT packet to every client, then the engine closes its transports.
    this.io.disconnectSockets(true);
    await this.io.close();
  }
}

function userRoom(userId: string): string {
  return `user:${userId}`;
}
