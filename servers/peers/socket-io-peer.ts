import { Server as Engine } from 'engine.io';
import { Server as SocketIoServer, type Socket } from 'socket.io';
import { parseCursor, parseUserId, Refusal, refuse } from '../http/errors.js';
import type { Gap, Message } from '../contract/message.js';
import { SOCKET_IO_EVENTS, type SocketIoResume } from '../contract/socket-io.js';
import type { MessageLog } from '../log/message-log.js';
import { EngineBacklog, engineBufferedBytes } from './socket-io-replay.js';
import { ServerStrategy, type StrategyContext } from '../strategy.js';

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
  private source?: MessageLog;

  constructor(transport: 'polling' | 'websocket') {
    super();
    this.engine = new Engine({ transports: [transport], perMessageDeflate: false, httpCompression: false });
    this.io = new SocketIoServer({ serveClient: false }).bind(this.engine);
    // Requests refused by engine.io itself (unknown session, bad handshake) are failures like any other; engine.io
    // has written its own answer, so the refusal is only counted.
    this.engine.on('connection_error', (error: { code?: number; message?: string }) => {
      const reason = error.message ?? 'bad request';
      const refusal =
        error.code === Engine.errors.FORBIDDEN ? new Refusal('socketIoForbidden', { reason }) : new Refusal('socketIoBadRequest', { reason });
      refuse(answeredByEngine, this, refusal);
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
        context.checkUser(userId, auth.token);
        if (this.io.of('/').sockets.size >= limits.maxPushStreams) {
          throw new Refusal('tooManyPushClients', { clients: 'Socket.IO clients', limit: limits.maxPushStreams });
        }
        socket.data = { since, userId };
        next();
      } catch (error) {
        // Socket.IO answers a refused connection with its own packet (connect_error), which carries the message.
        refuse((refusal) => next(new Error(refusal.message)), this, error);
      }
    });
    this.io.on('connection', (socket: PeerSocket) => this.onConnection(socket, source, limits.sendBufferBytes / 2));
    source.on('message', this.onMessage);
    this.mountTransport(context);
  }

  /**
   * Replays the backlog after the client's cursor at the pace the client reads, as PushFanout does for ours:
   * while the connection holds half a send buffer or more in user space, the replay waits for it to move on.
   * Meanwhile the socket is in the REPLAYING room, which every broadcast leaves out: live messages wait in the
   * ring like the rest of the backlog, and the socket leaves the room in the tick the replay reaches the head,
   * so no message can fall between the two or arrive twice.
   */
  private onConnection(socket: PeerSocket, source: MessageLog, budget: number): void {
    const { since, userId } = socket.data;
    void socket.join(REPLAYING);
    if (userId !== undefined) void socket.join(userRoom(userId));
    this.emit('attach', userId);
    socket.on('disconnect', () => this.emit('detach', userId));
    const backlog = new EngineBacklog(socket.conn);
    let cursor = since;
    const step = (): void => {
      while (socket.connected) {
        const { messages, cursor: examined, gap } = source.since(cursor, userId, REPLAY_BATCH);
        if (gap) socket.emit(SOCKET_IO_EVENTS.gap, gap);
        if (messages.length === 0) {
          backlog.dispose();
          void socket.leave(REPLAYING);
          return;
        }
        let sent = 0;
        for (const message of messages) {
          if (backlog.bytes >= budget) {
            if (sent > 0) this.emit('push', sent);
            return backlog.whenProgress(replay);
          }
          socket.emit(SOCKET_IO_EVENTS.message, message);
          cursor = message.seq;
          sent++;
        }
        cursor = examined;
        this.emit('push', sent);
      }
      backlog.dispose();
    };
    const replay = (): void => {
      try {
        step();
      } catch (error) {
        // A replay that failed half-way would leave a client that never hears again: drop it, and it resumes
        // from its cursor like any client that was cut off.
        backlog.dispose();
        refuse(() => socket.disconnect(true), this, error);
      }
    };
    replay();
  }

  private readonly onMessage = (message: Message): void => {
    const { adapter, sockets } = this.io.of('/');
    const replaying = adapter.rooms.get(REPLAYING);
    if (message.to === undefined) {
      this.io.except(REPLAYING).emit(SOCKET_IO_EVENTS.message, message);
      this.emit('push', sockets.size - (replaying?.size ?? 0));
    } else {
      const room = adapter.rooms.get(userRoom(message.to));
      this.io.to(userRoom(message.to)).except(REPLAYING).emit(SOCKET_IO_EVENTS.message, message);
      let recipients = 0;
      for (const id of room ?? []) if (!replaying?.has(id)) recipients++;
      this.emit('push', recipients);
    }
  };

  /** What the connections hold in user space: engine.io's write buffers and the sockets under the transports. */
  override bufferedBytes(): number {
    let total = 0;
    for (const socket of this.io.of('/').sockets.values()) total += engineBufferedBytes(socket.conn);
    return total;
  }

  async close(): Promise<void> {
    this.source?.off('message', this.onMessage);
    // Socket.IO's own shutdown: a DISCONNECT packet to every client, then the engine closes its transports.
    this.io.disconnectSockets(true);
    await this.io.close();
  }
}

/** The target of a refusal engine.io has already answered. */
function answeredByEngine(): void {}

/** The room of the sockets still replaying their backlog, which live broadcasts leave out. */
const REPLAYING = 'replaying';
/** Messages read from the ring per step of a replay (as PushFanout). */
const REPLAY_BATCH = 100;

function userRoom(userId: string): string {
  return `user:${userId}`;
}
