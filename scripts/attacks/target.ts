import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { ServerStats } from '../../servers/observe/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Which program serves: `npm run serve` (with its flags), or the classroom demo. */
export type TargetKind = { program: 'serve'; args?: string[] } | { program: 'demo'; token: string; userSecret: string };

/**
 * One server process of the current code, started for one attack and measured from outside, as the issue
 * measured it: its resident memory (/proc/PID/status, sampled every 50 ms for the peak), its open file
 * descriptors (/proc/PID/fd, sampled with it for the peak), whether it is alive, and whether a normal client is
 * served. The script's own requests (stats, publishes) close their connections, so that they do not count.
 */
export class Target {
  readonly url: string;
  readonly pid: number;
  baselineRss: number;
  readonly baselineFds: number;
  /** Everything the process wrote on stderr. */
  stderr = '';
  private peakRss = 0;
  /** The most file descriptors the process held while it was measured. */
  peakFds = 0;
  private readonly sampler: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    url: string,
    private readonly token: string | undefined,
  ) {
    this.url = url;
    this.pid = child.pid!;
    this.baselineRss = rssBytes(this.pid);
    this.baselineFds = openFds(this.pid);
    this.peakRss = this.baselineRss;
    this.peakFds = this.baselineFds;
    this.sampler = setInterval(() => {
      if (!this.alive) return;
      this.peakRss = Math.max(this.peakRss, rssBytes(this.pid));
      this.peakFds = Math.max(this.peakFds, openFds(this.pid));
    }, 50);
  }

  static async start(kind: TargetKind): Promise<Target> {
    const args =
      kind.program === 'serve'
        ? ['servers/serve.ts', '--port', '0', ...(kind.args ?? [])]
        : ['servers/demo/cli.ts', '--port', '0', '--token', kind.token, '--user-secret', kind.userSecret];
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const pattern = kind.program === 'serve' ? /listening on (http:\/\/127\.0\.0\.1:\d+)/ : /page: +(http:\/\/127\.0\.0\.1:\d+)/;
    const deadline = Date.now() + 30_000;
    while (!pattern.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start: ${stderr.trim()}`);
      await sleep(50);
    }
    const target = new Target(child, pattern.exec(stdout)![1], kind.program === 'demo' ? kind.token : undefined);
    child.stderr.on('data', (chunk: Buffer) => (target.stderr += chunk.toString()));
    target.stderr = stderr;
    return target;
  }

  /** Measures the RSS growth from now: an attack's setup (filling the ring) is not the attack. */
  measureFromHere(): void {
    this.baselineRss = rssBytes(this.pid);
    this.peakRss = this.baselineRss;
    this.peakFds = this.fds;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The most memory the process held since it started being measured, over what it held then. */
  get rssGrowth(): number {
    if (this.alive) this.peakRss = Math.max(this.peakRss, rssBytes(this.pid));
    return this.peakRss - this.baselineRss;
  }

  /** What the process holds now over what it held when it started being measured. */
  get rssHeld(): number {
    return this.alive ? rssBytes(this.pid) - this.baselineRss : 0;
  }

  get fds(): number {
    return this.alive ? openFds(this.pid) : 0;
  }

  /** The open descriptors once the attack's connections are gone: asked until back at the baseline, for up to 5 s. */
  async settledFds(): Promise<number> {
    const deadline = Date.now() + 5_000;
    while (this.alive && this.fds > this.baselineFds && Date.now() < deadline) await sleep(50);
    return this.fds;
  }

  async stats(): Promise<ServerStats> {
    return (await (await fetch(`${this.url}/api/stats`, { headers: { connection: 'close' } })).json()) as ServerStats;
  }

  /** POST /api/publish with the token the target needs; resolves with the status. */
  async publish(payload: unknown): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json', connection: 'close' };
    if (this.token) headers['x-pushbench-token'] = this.token;
    const res = await fetch(`${this.url}/api/publish`, { method: 'POST', headers, body: JSON.stringify({ payload }) });
    await res.arrayBuffer();
    return res.status;
  }

  /** A short poll over HTTP/1.1 on a connection of its own, answered 200 within 5 s. */
  async pollServed(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/api/poll?since=0`, { signal: AbortSignal.timeout(5_000), headers: { connection: 'close' } });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /**
   * A WebSocket client opens and receives a message published after it joined, within 5 s: "served", or what
   * went wrong (a publish refused is said as such: with its log gone, the server has nothing to send).
   */
  async webSocketServed(): Promise<string> {
    const payload = `check ${Math.random()}`;
    let head: number;
    try {
      head = (await this.stats()).source.head;
    } catch {
      return 'NOT served (no stats)';
    }
    // From the head: only what is published now reaches it, not a ring of large messages.
    const ws = new WebSocket(`${this.url.replace('http', 'ws')}/ws?since=${head}`);
    ws.on('error', () => {});
    try {
      const received = new Promise<boolean>((resolve) => {
        ws.on('message', (data: Buffer) => {
          if (data.toString().includes(payload)) resolve(true);
        });
        ws.on('close', () => resolve(false));
        setTimeout(() => resolve(false), 5_000).unref();
      });
      const opened = await Promise.race([once(ws, 'open').then(() => true), sleep(5_000).then(() => false)]);
      if (!opened) return 'NOT served (no handshake)';
      const published = await this.publish(payload);
      if (published !== 202) return `opened; the publish got ${published}`;
      return (await received) ? 'served' : 'NOT served (no message)';
    } catch (error) {
      return `NOT served (${(error as Error).message})`;
    } finally {
      ws.terminate();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}

function rssBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
