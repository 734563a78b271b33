import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listNamespaces, removeStaleNamespaces } from '../../../bench/network/kernel-link.js';
import { OWN_STRATEGY_NAMES } from '../../../bench/plan/strategies.js';
import type { Results } from '../../../results/results.js';
import { waitFor } from '../../helpers.js';
import { missing } from '../../requirements.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const outRoot = mkdtempSync(join(tmpdir(), 'pushbench-kernel-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;

interface Bench {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function bench(args: readonly string[], wrapper: readonly string[] = []): Bench {
  const argv = [...wrapper, process.execPath, '--import', 'tsx', 'bench/cli.ts', ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

/** The namespaces a bench of this pid made and has not removed. */
const namespacesOf = (pid: number) => listNamespaces().filter((name) => name.startsWith(`pb-${pid}-`));

/** The processes inside a namespace (`ip netns pids`). */
function pidsIn(namespace: string): number[] {
  return spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
}

/** Until the first run's server and clients are up in their namespaces, beside the delay lines, and a little more. */
async function runUnderWay(pid: number): Promise<void> {
  await waitFor(
    () => namespacesOf(pid).length === 2 && namespacesOf(pid).every((ns) => pidsIn(ns).length >= 2),
    'the first run’s processes in their namespaces',
    60_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000));
}

/** The delay lines still running, by their command line. */
function delayLines(): number[] {
  const found = spawnSync('pgrep', ['-f', 'bench/network/delay-line.py'], { encoding: 'utf8' });
  return found.stdout.trim().split('\n').filter(Boolean).map(Number);
}

/** Nothing of the kernel network left in the machine's own namespace either. */
function nothingInRootNamespace(): void {
  expect(spawnSync('ip', ['link'], { encoding: 'utf8' }).stdout).not.toMatch(/pb-(server|client)/);
  expect(spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }).stdout).not.toContain('table inet pushbench');
  expect(spawnSync('iptables-nft', ['-t', 'mangle', '-S'], { encoding: 'utf8' }).stdout).not.toContain('NFQUEUE');
  expect(spawnSync('tc', ['qdisc'], { encoding: 'utf8' }).stdout).not.toContain('tbf');
}

const SMALL = ['--clients', '20', '--rate', '5', '--duration', '3'];

describe.skipIf(missing(['setpriv'], 'the no-root check'))('the kernel network without root', () => {
  it.skipIf(!isRoot)('prints one line naming what is missing and exits 2 before it starts anything', { timeout: 60_000 }, async () => {
    const out = join(outRoot, 'no-root');
    // Root with every capability dropped: it may read the checkout (whoever owns it), and may make no namespace.
    const run = bench(
      ['--network', 'kernel', '--strategies', 'websocket', ...SMALL, '--out', out],
      ['setpriv', '--bounding-set=-all', '--inh-caps=-all'],
    );
    expect(await run.exited).toBe(2);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pushbench: --network kernel needs root and ip, tc, ss, nft, iptables-nft, python3 .*: missing root(, |$)/);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(missing(['ip', 'tc', 'ss', 'nft', 'iptables-nft', 'python3'], 'the kernel network'))('a bench over the kernel network', () => {
  it.skipIf(!isRoot)(
    'delivers every message exactly once to every client of every own strategy under 5 % loss, and removes everything it made',
    { timeout: 240_000 },
    async () => {
      const out = join(outRoot, 'lossy');
      const run = bench(['--network', 'kernel', '--delay-ms', '10', '--loss', '5', ...SMALL, '--out', out]);
      expect(await run.exited).toBe(0);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
      expect(results.runs.map((r) => r.strategy.name)).toEqual([...OWN_STRATEGY_NAMES]);
      for (const r of results.runs) {
        expect(r.problems, r.strategy.name).toEqual([]);
        expect(r.messages, r.strategy.name).toMatchObject({ missed: 0, duplicated: 0, outOfOrder: 0, delivered: r.messages.expected });
        expect(r.kernelNetwork!.modelRttMs).toBe(20);
        expect(r.kernelNetwork!.segmentsSent.serverToClient).toBeGreaterThan(0);
        // Both delay lines (one per namespace) handled every packet: their CPU is the load generator's too.
        expect(r.delayLine?.count, r.strategy.name).toBe(2);
        expect(r.delayLine!.cpuMs, r.strategy.name).toBeGreaterThan(0);
      }
      // At 5 % of every packet some segment of the four runs was lost and sent again.
      const retransmitted = results.runs.reduce(
        (total, r) => total + r.kernelNetwork!.retransmittedSegments.serverToClient + r.kernelNetwork!.retransmittedSegments.clientToServer,
        0,
      );
      expect(retransmitted).toBeGreaterThan(0);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Under loss and over TLS');
      expect(namespacesOf(run.child.pid!)).toEqual([]);
      expect(delayLines()).toEqual([]);
      nothingInRootNamespace();
    },
  );

  it.skipIf(!isRoot)('removes everything on Ctrl-C mid-run', { timeout: 120_000 }, async () => {
    const run = bench([
      '--network',
      'kernel',
      '--delay-ms',
      '20',
      '--loss',
      '1',
      '--strategies',
      'websocket,long-polling',
      ...SMALL,
      '--out',
      join(outRoot, 'ctrl-c'),
    ]);
    try {
      await runUnderWay(run.child.pid!);
      process.kill(-run.child.pid!, 'SIGINT');
      expect(await run.exited).toBe(130);
    } finally {
      if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    }
    expect(namespacesOf(run.child.pid!)).toEqual([]);
    expect(delayLines()).toEqual([]);
    nothingInRootNamespace();
  });

  it.skipIf(!isRoot)(
    'after a crash of the harness, its delay lines stop by themselves and the next bench removes its namespaces',
    { timeout: 120_000 },
    async () => {
      const run = bench(['--network', 'kernel', '--delay-ms', '20', '--strategies', 'websocket', ...SMALL, '--out', join(outRoot, 'crash')]);
      const pid = run.child.pid!;
      try {
        await runUnderWay(pid);
        // SIGKILL: no handler of ours runs, as in a crash.
        process.kill(pid, 'SIGKILL');
        await run.exited;
        // The delay lines read a pipe from the harness: it closed, and they exit; so do the children, whose IPC channel closed.
        await waitFor(() => delayLines().length === 0, 'the delay lines to exit', 20_000);
        expect(namespacesOf(pid)).toHaveLength(2);
      } finally {
        if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-pid, 'SIGKILL');
      }
      expect(removeStaleNamespaces()).toEqual(expect.arrayContaining([`pb-${pid}-0-s`, `pb-${pid}-0-c`]));
      expect(namespacesOf(pid)).toEqual([]);
    },
  );
});
