import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SourceUnavailableError } from '../message-log.js';
import { REDIS_INSTALL_HINT } from './redis-connection.js';

/** A redis-server this process started; it dies with this process (Ctrl-C, exit, or SIGKILL of this process). */
export interface RedisServer {
  url: string;
  port: number;
  /** The redis-server process, for its CPU time (/proc/<pid>/stat). */
  pid: number;
  /** Calls `listener` once if redis-server exits without being stopped (killed, crashed): it is not restarted. */
  onUnexpectedExit(listener: (how: string) => void): void;
  stop(): Promise<void>;
}

/** Ports tried before giving up: a free port can be taken by someone else between our probe and Redis's bind. */
const PORT_ATTEMPTS = 5;
/** Starting redis-server takes milliseconds; a busy 2-core machine gets far more. */
const READY_TIMEOUT_MS = 10_000;
const READY_LINE = 'Ready to accept connections';

/**
 * Starts Debian's `redis-server` on 127.0.0.1 and a free port, with no persistence (no RDB, no AOF) and its
 * working directory in a fresh temp dir. Redis has no `--port 0`, so a free port is found by binding port 0
 * and closing it, and a collision is retried on another. Throws SourceUnavailableError with the install hint
 * when `redis-server` is not on PATH.
 */
export async function startRedisServer(options: { env?: NodeJS.ProcessEnv; port?: number } = {}): Promise<RedisServer> {
  const env = options.env ?? process.env;
  const binary = findOnPath('redis-server', env.PATH ?? '');
  if (binary === null) throw new SourceUnavailableError(`redis-server is not installed: ${REDIS_INSTALL_HINT}`);
  let lastError = '';
  // A given port (a test restarting "the same" Redis) is tried once; a free one is looked for again on a collision.
  const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-redis-'));
    try {
      return await launch(binary, port, dir, env);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      lastError = (error as Error).message;
      if (!/in use/i.test(lastError)) break;
    }
  }
  throw new SourceUnavailableError(`redis-server did not start: ${lastError}`);
}

async function launch(binary: string, port: number, dir: string, env: NodeJS.ProcessEnv): Promise<RedisServer> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--logfile',
    '',
  ];
  // setpriv (util-linux, on every Debian) kills Redis when this process dies, even by SIGKILL; its own process
  // group keeps a Ctrl-C at the terminal from stopping it before the harness has finished with it.
  const setpriv = findOnPath('setpriv', env.PATH ?? '');
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env })
    : spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  try {
    await ready(child);
  } catch (error) {
    kill();
    process.off('exit', kill);
    throw error;
  }
  child.stdout?.resume();
  child.stderr?.resume();
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    onUnexpectedExit(listener) {
      child.once('exit', (code, signal) => {
        if (stopped === undefined) listener(signal === null ? `exit code ${code}` : `signal ${signal}`);
      });
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          process.off('exit', kill);
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        // Nothing to save: no reason to wait for a graceful shutdown.
        kill();
      });
      return stopped;
    },
  };
}

/** Resolves when Redis says it accepts connections; rejects with its last words if it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(READY_LINE)) finish();
    };
    const onExit = (code: number | null) => finish(new Error(lastLine(output) || `exited with code ${code}`));
    const onError = (error: Error) => finish(error);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1)
      ?.trim() ?? ''
  );
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The first executable `name` on `path`, or null. */
export function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux the bench runs on (USER_HZ). */
const CLOCK_TICKS_PER_SEC = 100;

/**
 * User + system CPU of a process so far, ms, read from /proc/<pid>/stat (10 ms resolution); null when the
 * process or /proc is not there (another machine's Redis, another OS).
 */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name may hold spaces and parentheses: the fields start after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SEC;
}
