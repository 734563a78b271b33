import type { Socket } from 'node:net';

type Write = Socket['write'];
type End = Socket['end'];

interface DelayedSocket {
  delayMs: () => number;
  /** Writes and the end still "on the wire", oldest first; due times never decrease, so bytes keep their order. */
  queue: { dueAt: number; action: () => void }[];
  timer: NodeJS.Timeout | undefined;
  write: Write;
  end: End;
}

const delayed = new WeakMap<Socket, DelayedSocket>();

/**
 * Simulates a slow network on the way back to the client: every write on `socket` leaves `delayMs()` after it
 * was made (read at write time, so a changed setting applies to the next frame), in order, and `end()` waits
 * for the writes before it. The socket's own counters (bytesWritten) move when the bytes really leave, so
 * byte accounting stays at the socket. Calling it again only replaces the delay source.
 */
export function delaySocketWrites(socket: Socket, delayMs: () => number): void {
  const existing = delayed.get(socket);
  if (existing) {
    existing.delayMs = delayMs;
    return;
  }
  // The socket's own write and end, kept to be applied to it (`.apply(socket, …)`) once a write is due.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const state: DelayedSocket = { delayMs, queue: [], timer: undefined, write: socket.write, end: socket.end };
  delayed.set(socket, state);

  const flushDue = () => {
    state.timer = undefined;
    const now = performance.now();
    while (state.queue.length > 0 && state.queue[0].dueAt <= now) {
      const { action } = state.queue.shift()!;
      // A destroyed socket drops what was still "in flight", as a cut network would.
      if (!socket.destroyed) action();
    }
    arm();
  };
  const arm = () => {
    const head = state.queue[0];
    if (head && !state.timer) state.timer = setTimeout(flushDue, Math.max(0, head.dueAt - performance.now()));
  };
  /** Runs `action` now when nothing is queued and there is no delay, else after the delay and everything before it. */
  const send = <T>(action: () => T, queued: T): T => {
    const delay = Math.max(0, state.delayMs());
    if (delay === 0 && state.queue.length === 0) return action();
    const last = state.queue.at(-1)?.dueAt ?? 0;
    state.queue.push({ dueAt: Math.max(performance.now() + delay, last), action });
    arm();
    return queued;
  };

  socket.write = function (...args: Parameters<Write>) {
    // Reporting "buffered, go on" keeps writers from waiting for a 'drain' that a delayed write cannot give.
    return send(() => state.write.apply(socket, args), true);
  } as Write;
  socket.end = function (...args: unknown[]) {
    return send(() => (state.end as (...a: unknown[]) => Socket).apply(socket, args), socket);
  };
}

/** Runs `action` after the simulated one-way delay of a request on its way in (at once when there is none). */
export function afterInboundDelay(delayMs: number, action: () => void): void {
  if (delayMs <= 0) action();
  else setTimeout(action, delayMs);
}

/** Sends what follows on `socket` without delay again (a control request on a socket a delayed lane used). */
export function removeSocketDelay(socket: Socket): void {
  const state = delayed.get(socket);
  if (state) state.delayMs = noDelay;
}

const noDelay = () => 0;
