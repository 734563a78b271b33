import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../results/results.js';
import { waitFor } from '../../helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** pid → parent pid of every process, from /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (2nd field) is in parentheses and may hold spaces: the ppid follows the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return map;
}

function descendants(root: number): number[] {
  const map = parents();
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of map) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Alive and not a zombie waiting to be reaped (a zombie holds no port, no file, no CPU). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const outDir = mkdtempSync(join(tmpdir(), 'pushbench-interrupt-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('Ctrl-C during a sweep', () => {
  it('stops cleanly, leaves no process behind and writes the report of the runs that finished', { timeout: 120_000 }, async () => {
    // A sweep whose every run has a server, a client process and a delaying proxy process.
    const bench = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/cli.ts',
        '--preset',
        'standard',
        '--clients',
        '5',
        '--duration',
        '1',
        '--rate',
        '4',
        '--delay-ms',
        '10',
        '--out',
        outDir,
      ],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    bench.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    const seen = new Set<number>();
    const watch = setInterval(() => descendants(bench.pid!).forEach((pid) => seen.add(pid)), 50);
    try {
      await waitFor(() => /run 1\/\d+ .* done/.test(stderr), 'the first run to finish', 60_000);
      // The second run has started its children: interrupt it in the middle, as a user at the terminal would.
      const firstRun = new Set(seen);
      const secondRun = () => {
        const pids = descendants(bench.pid!).filter((pid) => !firstRun.has(pid) && running(pid));
        pids.forEach((pid) => seen.add(pid));
        return pids;
      };
      await waitFor(() => secondRun().length >= 3, 'the second run’s server, client and proxy processes', 30_000);
      process.kill(-bench.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
      expect(code).toBe(130);
    } finally {
      clearInterval(watch);
      // Whatever the outcome, nothing of this test may outlive it.
      for (const pid of [bench.pid!, ...seen]) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
    // server, client and proxy processes of two runs at least
    expect(seen.size).toBeGreaterThanOrEqual(6);
    expect([...seen].filter(running)).toEqual([]);
    expect(stderr).toContain('SIGINT, stopping; the report will hold the runs that finished');
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as Results;
    expect(results.runs.length).toBeGreaterThanOrEqual(1);
    expect(results.runs.flatMap((run) => run.problems)).toEqual([]);
    // The results say the bench was stopped, what finished and every planned step that did not run.
    const interrupted = results.interrupted!;
    expect(interrupted).toMatchObject({ signal: 'SIGINT', runsFinished: results.runs.length });
    expect(interrupted.runsPlanned).toBeGreaterThan(results.runs.length);
    const notRun = interrupted.notRun.filter((step) => step.kind === 'run');
    expect(notRun).toHaveLength(interrupted.runsPlanned - interrupted.runsFinished);
    expect(interrupted.notRun.filter((step) => step.kind === 'probe')).toHaveLength(interrupted.probesPlanned - interrupted.probesFinished);
    // Runs and probes are the steps the progress lines counted ("run 1/N").
    const steps = Number(/run 1\/(\d+) /.exec(stderr)![1]);
    expect(interrupted.runsPlanned + interrupted.probesPlanned).toBe(steps);
    const runs = `${results.runs.length} of ${interrupted.runsPlanned} runs`;
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain(`<div class="banner interrupted" role="status"><strong>Interrupted (SIGINT) after ${runs}`);
    expect(html).not.toContain('Fewer than two of pushbench’s strategies ran validly');
    expect(stdout).toContain(`INTERRUPTED by SIGINT after ${runs}`);
  });
});
