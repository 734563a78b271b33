import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS, type ServerLimits } from '../constants.js';
import { findOnPath, freePort } from '../log/redis/redis-server.js';
import { FPM_STATUS_PATH, fpmConfig, type PhpPm } from './fpm-config.js';
import { stackLayout, type StackLayout } from './layout.js';
import { NGINX_STATUS_PATH, nginxPhpSite, nginxProxy } from './nginx-config.js';
import { phpConfig } from './php-config.js';
import { PHP_PAGE_PATH, PHP_ROUTES } from './php-strategies.js';

/** The PHP scripts of the strategies, read where they are (nothing is copied). */
export const PHP_DIR = fileURLToPath(new URL('../php/', import.meta.url));

/** The stack cannot start: one line, for the user (the bench prints it and exits 2 before any run). */
export class StackUnavailableError extends Error {}

/** Debian installs its daemons in sbin, which a user's PATH often leaves out. */
const SBIN_DIRS = ['/usr/sbin', '/sbin'];
const PHP_FPM_NAMES = ['php-fpm8.2', 'php-fpm'];
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 20;
/** Ports tried for nginx: a free port can be taken by someone else between our probe and nginx's bind. */
const PORT_ATTEMPTS = 5;

export interface StackPrograms {
  nginx: string;
  phpFpm?: string;
}

/**
 * nginx, and for the PHP strategies php-fpm with the redis extension, found in `dirs` (PATH, then sbin); or one line
 * naming the Debian packages to install. Run before anything starts.
 */
export function findStackPrograms(needPhp: boolean, env: NodeJS.ProcessEnv = process.env, dirs = searchDirs(env)): StackPrograms {
  const path = dirs.join(delimiter);
  const nginx = findOnPath('nginx', path);
  const phpFpm = needPhp ? (PHP_FPM_NAMES.map((name) => findOnPath(name, path)).find((found) => found !== null) ?? null) : undefined;
  const missing: string[] = [];
  if (nginx === null) missing.push('nginx');
  if (phpFpm === null) missing.push('php8.2-fpm', 'php-redis');
  else if (phpFpm !== undefined && !phpModules(phpFpm, env).includes('redis')) missing.push('php-redis');
  if (missing.length > 0) {
    const packages = needPhp ? 'nginx, php8.2-fpm and php-redis' : 'nginx';
    throw new StackUnavailableError(
      `the article's stack needs Debian's ${packages} (missing: ${missing.join(', ')}): install with \`sudo apt-get install ${missing.join(' ')}\``,
    );
  }
  return { nginx: nginx!, ...(phpFpm && { phpFpm }) };
}

function searchDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...dirs, ...SBIN_DIRS.filter((dir) => !dirs.includes(dir))];
}

/** The modules php-fpm loads with its ini files (`php-fpm -m`). */
function phpModules(phpFpm: string, env: NodeJS.ProcessEnv): string[] {
  const listed = spawnSync(phpFpm, ['-m'], { env, encoding: 'utf8', timeout: 10_000 });
  return (listed.stdout ?? '').split('\n').map((line) => line.trim().toLowerCase());
}

/** A stack this process started: nginx (and PHP-FPM), dying with this process whatever way it ends. */
export interface RunningStack {
  url: string;
  port: number;
  layout: StackLayout;
  /** Every process of the stack now: nginx's master and workers, FPM's master and workers. */
  pids(): { nginx: number[]; phpFpm: number[] };
  /** GET on the ops server (FPM's status page, nginx's counters): the body, or null when it does not answer. */
  ops(path: string): Promise<string | null>;
  /** Kills every process of the stack and removes its dir. */
  stop(): Promise<void>;
}

/** A stack with PHP-FPM: its pool can be resized while it runs. */
export interface RunningPhpStack extends RunningStack {
  /**
   * Rewrites pm.max_children and reloads FPM (SIGUSR2, as `systemctl reload` does): its workers are replaced, and a
   * request they held gets nginx's 502, as in any reload of a PHP site. Resolves once the new pool answers.
   */
  setWorkers(workers: number): Promise<void>;
}

export interface PhpStackOptions {
  programs: StackPrograms;
  redis: { host: string; port: number };
  keyPrefix: string;
  workers: number;
  pm: PhpPm;
  /** fastcgi_read_timeout, seconds (nginx's default: 60). */
  readTimeoutSec: number;
  /** request_terminate_timeout, seconds (FPM's default: 0, never). */
  requestTerminateTimeoutSec: number;
  limits?: Partial<ServerLimits>;
  env?: NodeJS.ProcessEnv;
}

/**
 * nginx and PHP-FPM from Debian's packages, as the article's PHP application runs: configs generated in a fresh
 * temp dir, FPM on a unix socket there, nginx on a free port of 127.0.0.1, both in the foreground as children of
 * this process. No system service, no root needed (as root, FPM is told it may: `-R`). Ready once a page of the
 * site comes back through both.
 */
export async function startPhpStack(options: PhpStackOptions): Promise<RunningPhpStack> {
  const { programs } = options;
  if (!programs.phpFpm) throw new StackUnavailableError('the PHP stack needs php-fpm');
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const pool = (layout: StackLayout, workers: number) =>
    fpmConfig({ layout, workers, pm: options.pm, requestTerminateTimeoutSec: options.requestTerminateTimeoutSec });
  const stack = await launch(programs, options.env ?? process.env, PHP_PAGE_PATH, (layout) => {
    writeFileSync(layout.phpConfig, phpConfig({ redis: options.redis, keyPrefix: options.keyPrefix, limits }));
    writeFileSync(layout.fpmConf, pool(layout, options.workers));
    return (port) =>
      nginxPhpSite({
        layout,
        port,
        phpDir: PHP_DIR,
        routes: PHP_ROUTES,
        notFoundScript: 'not-found.php',
        publishBodyBytes: limits.publishBodyBytes,
        readTimeoutSec: options.readTimeoutSec,
      });
  });
  return {
    ...stack,
    async setWorkers(workers) {
      writeFileSync(stack.layout.fpmConf, pool(stack.layout, workers));
      process.kill(Number(readFileSync(stack.layout.fpmPid, 'utf8').trim()), 'SIGUSR2');
      const deadline = Date.now() + READY_TIMEOUT_MS;
      // FPM answers its status page again once the new pool is up; a static pool has all its workers then.
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
        const status = await opsGet(stack.layout, `${FPM_STATUS_PATH}?json`);
        const total = status === null ? null : (JSON.parse(status) as Record<string, number>)['total processes'];
        if (total !== null && (options.pm !== 'static' || total === workers)) return;
      }
      throw new StackUnavailableError(`PHP-FPM did not come back with ${workers} workers within ${READY_TIMEOUT_MS} ms`);
    },
  };
}

export interface ProxyStackOptions {
  programs: StackPrograms;
  /** Our server's port on 127.0.0.1. */
  upstreamPort: number;
  /** proxy_read_timeout, seconds (nginx's default: 60). */
  readTimeoutSec: number;
  env?: NodeJS.ProcessEnv;
}

/** nginx alone, as a reverse proxy in front of our server (see nginxProxy): ready once its ops server answers. */
export async function startNginxProxy(options: ProxyStackOptions): Promise<RunningStack> {
  return launch(
    { nginx: options.programs.nginx },
    options.env ?? process.env,
    null,
    (layout) => (port) => nginxProxy({ layout, port, upstreamPort: options.upstreamPort, readTimeoutSec: options.readTimeoutSec }),
  );
}

/** Writes the configs, starts FPM (when there is one) and nginx, and waits until the stack answers. */
async function launch(
  programs: StackPrograms,
  env: NodeJS.ProcessEnv,
  readyPath: string | null,
  configure: (layout: StackLayout) => (port: number) => string,
): Promise<RunningStack> {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-stack-'));
  // nginx's workers run as another user when started as root: they must reach the sockets in here.
  chmodSync(dir, 0o711);
  const layout = stackLayout(dir);
  mkdirSync(layout.nginxTemp);
  const groups: Group[] = [];
  const stop = async () => {
    await Promise.all(groups.map((group) => group.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const nginxConfig = configure(layout);
    const fpm = programs.phpFpm
      ? startGroup(dir, programs.phpFpm, ['--nodaemonize', '--fpm-config', layout.fpmConf, ...(isRoot() ? ['--allow-to-run-as-root'] : [])], env)
      : null;
    if (fpm) groups.push(fpm);
    let lastError = '';
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort();
      writeFileSync(layout.nginxConf, nginxConfig(port));
      const nginx = startGroup(dir, programs.nginx, ['-p', dir, '-c', layout.nginxConf, '-e', layout.nginxErrorLog], env);
      groups.push(nginx);
      const url = `http://127.0.0.1:${port}`;
      const ready = await waitReady(layout, [nginx, ...(fpm ? [fpm] : [])], async () =>
        readyPath === null ? (await opsGet(layout, NGINX_STATUS_PATH)) !== null : (await getStatus(`${url}${readyPath}`)) === 200,
      );
      if (ready === null) {
        return {
          url,
          port,
          layout,
          pids: () => ({ nginx: nginx.pids(), phpFpm: fpm?.pids() ?? [] }),
          ops: (path) => opsGet(layout, path),
          stop,
        };
      }
      lastError = ready;
      await nginx.kill();
      groups.splice(groups.indexOf(nginx), 1);
      if (!/in use/i.test(lastError)) break;
    }
    throw new StackUnavailableError(`the article's stack did not start: ${lastError}`);
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A program in a process group of its own, under a small shell that holds the group together: setpriv tells it
 * when this process dies (even by SIGKILL), and it then kills the whole group. nginx's and FPM's workers do not
 * die with their master, so killing the master alone would leave them behind; a Ctrl-C at the terminal does not
 * reach the group, so the harness stops it when it is done with it.
 */
interface Group {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Every live process of the group (the program and its workers; the shell left out). */
  pids(): number[];
  kill(): Promise<void>;
}

/** How long a stopped group's processes are given to die after their SIGKILL. */
const GROUP_DEATH_MS = 2_000;

function startGroup(dir: string, binary: string, args: string[], env: NodeJS.ProcessEnv): Group {
  const setpriv = findOnPath('setpriv', [env.PATH ?? '', ...SBIN_DIRS, '/usr/bin'].join(delimiter));
  // PHP-FPM makes itself a session and process group of its own even in the foreground: the shell kills that one
  // (its master's pid) as well as its own (dash's kill takes no `--`: a negative pid is a group), and removes the
  // stack's dir, which its owner, dead, cannot.
  const script = 'dir=$1; shift; "$@" & child=$!; trap \'kill -KILL -$child 2>/dev/null; rm -rf "$dir"; kill -KILL 0\' TERM HUP; wait $child';
  const shell = ['/bin/sh', '-c', script, 'pushbench-stack', dir, binary, ...args];
  const [command, ...rest] = setpriv ? [setpriv, '--pdeathsig', 'TERM', '--', ...shell] : shell;
  const child = spawn(command, rest, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env });
  // What they say at start goes to their logs in the stack's dir; a full pipe must not stall them.
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  /** The program's pid: the shell's one child. */
  const programPid = (): number | undefined => {
    try {
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      return children.length > 0 ? Number(children[0]) : undefined;
    } catch {
      return undefined;
    }
  };
  let program: number | undefined;
  const killGroups = () => {
    program ??= programPid();
    for (const pgid of [child.pid, program]) {
      try {
        if (pgid !== undefined) process.kill(-pgid, 'SIGKILL');
      } catch {
        // that group is gone (nginx never left the shell's)
      }
    }
  };
  process.on('exit', killGroups);
  return {
    child,
    exited,
    pids: () => {
      program ??= programPid();
      const all = new Set([...(child.pid === undefined ? [] : groupPids(child.pid)), ...(program === undefined ? [] : groupPids(program))]);
      all.delete(child.pid!);
      return [...all];
    },
    async kill() {
      program ??= programPid();
      const groups = [child.pid, program].filter((pgid): pgid is number => pgid !== undefined);
      killGroups();
      await exited;
      process.off('exit', killGroups);
      // A SIGKILL takes effect when its process next runs: the shell may be gone while a worker is still dying.
      const deadline = Date.now() + GROUP_DEATH_MS;
      while (groups.some((pgid) => groupPids(pgid).length > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}

/** Waits until `answers` says yes (null), or one of the groups exits or the time is up (its reason). */
async function waitReady(layout: StackLayout, groups: Group[], answers: () => Promise<boolean>): Promise<string | null> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  for (const group of groups) void group.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) return lastLogLine(layout) ?? 'nginx or php-fpm exited at start';
    if (await answers().catch(() => false)) return null;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  return `not ready within ${READY_TIMEOUT_MS} ms${lastLogLine(layout) ? `: ${lastLogLine(layout)}` : ''}`;
}

/** The last error nginx or FPM logged, without its timestamp. */
function lastLogLine(layout: StackLayout): string | null {
  for (const file of [layout.nginxErrorLog, layout.fpmLog]) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const line = text
      .split('\n')
      .filter((l) => /emerg|alert|crit|\berror\b|ERROR/.test(l))
      .at(-1);
    if (line) return line.replace(/^\S+ \S+ |^\[[^\]]*\] /, '').trim();
  }
  return null;
}

function getStatus(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}

/** GET on the stack's ops server (a unix socket): the body of a 200, else null. */
export function opsGet(layout: StackLayout, path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: layout.opsSocket, path, agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}

/** The live processes of a process group, read from /proc (zombies, already dead, left out). */
export function groupPids(pgid: number): number[] {
  const found: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state, fields[2] the process group.
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') found.push(Number(entry));
  }
  return found;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
