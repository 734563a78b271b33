import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A tiny request/response protocol over the Node IPC channel between the harness and its child processes.
 * A protocol is a record of method → [params, result]; both ends are typed from the same record.
 */
export type Protocol<P> = { [M in keyof P]: [unknown, unknown] };

interface CallMessage {
  id: number;
  method: string;
  params: unknown;
}

type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type Handlers<P extends Protocol<P>> = { [M in keyof P]: (params: P[M][0]) => Promise<P[M][1]> | P[M][1] };

const READY = 'ready';

/** Repository root, the cwd of every child, so `--import tsx` resolves from the project's node_modules. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Child side. The child lives only as long as the harness: when the IPC channel closes (the harness exited,
 * crashed or was killed) it exits too. It runs in a process group of its own, so Ctrl-C reaches only the
 * harness, which decides how to stop; SIGINT is ignored all the same, should one be sent to it directly.
 */
export function serveRpc<P extends Protocol<P>>(handlers: Handlers<P>): void {
  if (!process.send) throw new Error('this module runs as a child of the bench harness (no IPC channel)');
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => {});
  process.on('message', (raw) => {
    const { id, method, params } = raw as CallMessage;
    const reply = (message: ReplyMessage) => {
      if (process.connected) process.send!(message);
    };
    const handler = (handlers as Record<string, unknown>)[method] as ((params: unknown) => unknown) | undefined;
    if (!handler) return reply({ id, ok: false, error: `unknown method ${method}` });
    Promise.resolve()
      .then(() => handler(params))
      .then(
        (result) => reply({ id, ok: true, result }),
        (error: unknown) => reply({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  // Messages sent before a 'message' listener exists are lost, so the harness waits for this before calling.
  process.send(READY);
}

const STDERR_TAIL_CHARS = 2_000;

/** Harness side: a child process started with tsx, whose calls all have a deadline. */
export class RpcChild<P extends Protocol<P>> {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private stderrTail = '';
  private isReady = false;
  private readonly queued: CallMessage[] = [];

  /**
   * `file` is started with tsx, node given `nodeFlags` before it (e.g. `--cpu-prof`); or `child` is a process already
   * started with the same IPC channel (a node:cluster worker, forked by its primary with serialization 'advanced'
   * and its stderr piped).
   */
  constructor(
    readonly label: string,
    file: string | ChildProcess,
    args: readonly string[] = [],
    nodeFlags: readonly string[] = [],
  ) {
    this.process =
      typeof file === 'string'
        ? spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file, ...args], {
            cwd: REPO_ROOT,
            stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
            serialization: 'advanced',
            // A group of its own: the terminal's Ctrl-C reaches the harness only, which stops its children itself
            // (a child still booting has no SIGINT handler yet, and would die mid-run with a run to blame).
            detached: true,
          })
        : file;
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    this.process.on('message', (raw) => {
      if (raw === READY) {
        this.isReady = true;
        for (const message of this.queued.splice(0)) this.send(message);
        return;
      }
      const reply = raw as ReplyMessage;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`${this.label}: ${reply.error}`));
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        const why = `${this.label} exited (${signal ?? `code ${code}`})${this.lastStderrLine()}`;
        for (const waiter of this.pending.values()) waiter.reject(new Error(why));
        this.pending.clear();
        resolve();
      });
      // 'error' may come more than once (spawn failure, then a send on the closed channel); never unhandled.
      this.process.on('error', (error) => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`${this.label}: ${error.message}`));
        this.pending.clear();
        // Only a child that never started has no 'exit' to wait for; a send on the channel of a dying child
        // errs too, and that child is not gone (nor reaped) until its 'exit'.
        if (this.process.pid === undefined) resolve();
      });
    });
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  call<M extends keyof P & string>(method: M, params: P[M][0], timeoutMs: number): Promise<P[M][1]> {
    if (!this.alive || !this.process.connected) return Promise.reject(new Error(`${this.label} is not running`));
    const id = this.nextId++;
    return new Promise<P[M][1]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label} did not answer "${method}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const message: CallMessage = { id, method, params };
      if (this.isReady) this.send(message);
      else this.queued.push(message);
    });
  }

  /** Asks politely with `method`, then SIGKILLs whatever is still running after `graceMs`. */
  async stop(method: (keyof P & string) | null, graceMs: number): Promise<void> {
    if (!this.alive) return;
    if (method !== null) {
      await Promise.race([this.call(method, undefined as P[typeof method][0], graceMs).catch(() => {}), this.exited]);
      await within(this.exited, graceMs);
    }
    this.kill();
    await this.exited;
  }

  private send(message: CallMessage): void {
    // A child that died meanwhile has already rejected every pending call (see `exited`).
    if (this.process.connected) this.process.send(message);
  }

  kill(): void {
    if (this.alive) this.process.kill('SIGKILL');
  }

  /** The line of a crash that says what happened, rather than the stack or the Node.js version after it. */
  private lastStderrLine(): string {
    const lines = this.stderrTail
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const line = lines.find((l) => /^\w*Error\b|^Error:/.test(l)) ?? lines.filter((l) => !l.startsWith('at ')).at(-1);
    return line ? `: ${line}` : '';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise` at most `ms`, without leaving a timer behind to hold the process open. */
export async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
