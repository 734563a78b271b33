import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpVersion } from '../../servers/contract/wire.js';
import type { CannonReport, CannonRun } from '../ipc/protocol.js';

/**
 * h2load (Debian's nghttp2-client) drives the HTTP/2 capacity probes the way autocannon drives the HTTP/1.1
 * ones: `connections` clients, one stream at a time each (-m 1), closed loop, for a fixed time.
 */
export const H2LOAD = 'h2load';

/** The line the bench prints when the HTTP/2 probes cannot run. */
export const H2LOAD_MISSING =
  'pushbench: h2load not found (Debian package nghttp2-client: sudo apt-get install nghttp2-client): the HTTP/2 capacity probes are skipped';

export function h2loadAvailable(binary = H2LOAD): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * The HTTP versions the capacity probes can run: without h2load, HTTP/2 is dropped and `missing` is the line to
 * print, so that the HTTP/1.1 probes still run rather than the whole bench stopping.
 */
export function runnableHttpVersions(versions: readonly HttpVersion[], available: boolean): { versions: HttpVersion[]; missing?: string } {
  if (available || !versions.includes('2')) return { versions: [...versions] };
  return { versions: versions.filter((version) => version !== '2'), missing: H2LOAD_MISSING };
}

/** A child the harness kills if it is stopped (see Bench.children). */
export interface Killable {
  kill(): void;
  /** Resolves once the child has exited and been reaped. */
  readonly exited: Promise<void>;
}

/**
 * One h2load run. Its CPU is read from the shell that starts it (bash's `times`: the children's user and system
 * time), its latencies from its per-request log, so p50/p90/p99 are exact, not h2load's mean.
 */
export async function runH2load(run: CannonRun, track: (child: Killable) => () => void): Promise<CannonReport> {
  const dir = mkdtempSync(join(tmpdir(), 'pushbench-h2load-'));
  try {
    const log = join(dir, 'requests.log');
    const args = ['-c', String(run.connections), '-m', '1', '-D', String(run.durationSec), `--log-file=${log}`];
    for (const [name, value] of Object.entries(run.headers)) args.push('-H', `${name.toLowerCase()}: ${value}`);
    if (run.method === 'POST') {
      const body = join(dir, 'body');
      writeFileSync(body, run.body ?? '');
      args.push('-d', body);
    }
    args.push(run.url);
    const startedAt = performance.now();
    const output = await execute(['-c', `${H2LOAD} "$@"; code=$?; times; exit $code`, H2LOAD, ...args], track);
    const wallMs = performance.now() - startedAt;
    return parseReport(output, readFileSync(log, 'utf8'), wallMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function execute(args: string[], track: (child: Killable) => () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    // A group of its own, killed whole: killing only the shell would leave h2load running.
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const untrack = track({
      kill: () => {
        try {
          if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      },
      exited,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => {
      untrack();
      reject(error);
    });
    child.once('close', (code) => {
      untrack();
      if (code === 0) resolve(output);
      else reject(new Error(`h2load exited with ${code}: ${output.trim().split('\n').at(-3) ?? ''}`));
    });
  });
}

/** h2load's summary, its per-request log (start µs, status, elapsed µs) and bash's `times` as a CannonReport. */
export function parseReport(output: string, log: string, wallMs: number): CannonReport {
  const finished = /finished in ([\d.]+)(m?s)/.exec(output);
  const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  const traffic = /traffic: .*?\((\d+)\) total/.exec(output);
  if (!finished || !requests || !traffic) throw new Error(`h2load's report was not understood: ${output.trim().split('\n').slice(-8).join(' | ')}`);
  const [, , , , succeeded, failed, errored, timeouts] = requests.map<number>(Number);
  const elapsed = log
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Number(line.split('\t')[2]))
    .filter((value) => Number.isFinite(value))
    .sort((a, b) => a - b);
  const rank = (p: number) => (elapsed.length === 0 ? 0 : elapsed[Math.max(0, Math.ceil((p / 100) * elapsed.length) - 1)]);
  const cpuMs = childrenCpuMs(output);
  return {
    ok: succeeded,
    errors: errored + timeouts,
    timeouts: timeouts,
    non2xx: Math.max(0, failed - errored - timeouts),
    durationSec: Number(finished[1]) / (finished[2] === 'ms' ? 1000 : 1),
    responseBytes: Number(traffic[1]),
    latencyUs: {
      p50: rank(50),
      p90: rank(90),
      p99: rank(99),
      max: elapsed.at(-1) ?? 0,
      mean: elapsed.length === 0 ? 0 : Math.round(elapsed.reduce((a, b) => a + b, 0) / elapsed.length),
    },
    // h2load is C with no event loop of ours: its delay is not measured.
    load: { cpuMs, windowMs: wallMs, eventLoopDelayP99Us: 0, eventLoopDelayMaxUs: 0 },
  };
}

/** The second line of bash's `times`: user and system time of the shell's children, e.g. "0m1.234s 0m0.567s". */
function childrenCpuMs(output: string): number {
  const lines = output
    .trim()
    .split('\n')
    .filter((line) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(line.trim()));
  const children = lines.at(-1);
  if (!children) return 0;
  return children
    .trim()
    .split(' ')
    .map((part) => {
      const [, minutes, seconds] = /^(\d+)m([\d.]+)s$/.exec(part)!;
      return (Number(minutes) * 60 + Number(seconds)) * 1000;
    })
    .reduce((a, b) => a + b, 0);
}
