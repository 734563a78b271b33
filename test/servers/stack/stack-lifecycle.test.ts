import { phpStackMissing } from './php-stack-host.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findStackPrograms, startPhpStack, StackUnavailableError } from '../../../servers/stack/stack-process.js';
import { sleep, waitFor } from '../../helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'pushbench-stack-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Alive and not a zombie waiting to be reaped (a zombie holds no port, no file, no CPU). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every descendant of `root`, from /proc's parent links. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

describe.skipIf(phpStackMissing('the stack’s lifecycle'))('the stack’s processes', () => {
  it('start in a temp dir, answer, and are all gone with the dir once stopped', async () => {
    const stack = await startPhpStack({
      programs: findStackPrograms(true),
      // The page answers without Redis: none is needed to start and stop.
      redis: { host: '127.0.0.1', port: 1 },
      keyPrefix: 'lifecycle',
      workers: 3,
      pm: 'static',
      readTimeoutSec: 60,
      requestTerminateTimeoutSec: 0,
    });
    const { nginx, phpFpm } = stack.pids();
    // nginx: a master and its workers; FPM: a master and its three workers (and its status pool's).
    expect(nginx.length).toBeGreaterThanOrEqual(2);
    expect(phpFpm.length).toBeGreaterThanOrEqual(4);
    expect((await fetch(`${stack.url}/page`)).status).toBe(200);
    await stack.stop();
    expect([...nginx, ...phpFpm].filter(running)).toEqual([]);
    expect(existsSync(stack.layout.dir)).toBe(false);
    expect(stack.pids()).toEqual({ nginx: [], phpFpm: [] });
  });

  it('die with the process that started them, even when it is SIGKILLed, and leave no dir', async () => {
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { findStackPrograms, startPhpStack } from ${JSON.stringify(join(REPO_ROOT, 'servers/stack/stack-process.ts'))};
         const stack = await startPhpStack({ programs: findStackPrograms(true), redis: { host: '127.0.0.1', port: 1 }, keyPrefix: 'k',
           workers: 2, pm: 'static', readTimeoutSec: 60, requestTerminateTimeoutSec: 0 });
         const { nginx, phpFpm } = stack.pids();
         process.stdout.write(JSON.stringify({ pids: [...nginx, ...phpFpm], dir: stack.layout.dir }) + '\\n');
         setInterval(() => {}, 1000);`,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    owner.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out.includes('\n'), 'the stack to start', 20_000);
    const { pids, dir } = JSON.parse(out) as { pids: number[]; dir: string };
    expect(pids.length).toBeGreaterThanOrEqual(5);
    expect(pids.every(running)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    owner.kill('SIGKILL');
    await waitFor(() => pids.every((pid) => !running(pid)), 'every process of the stack to die', 10_000);
    // The shell that held the group removed the stack's dir: its owner could not.
    await waitFor(() => !existsSync(dir), 'the stack’s dir to be removed', 10_000);
  });

  it('are gone after a Ctrl-C in the middle of a PHP run, with the rest of the bench', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(scratch, 'ctrl-c-'));
    const bench = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/cli.ts', '--strategies', 'php-long-polling', '--clients', '5', '--rate', '1', '--duration', '30', '--out', dir],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    const stack = new Set<number>();
    // nginx's and PHP-FPM's processes (masters and workers) among the bench's descendants.
    const watch = setInterval(() => {
      for (const pid of descendants(bench.pid!)) if (/^(nginx|php-fpm)/.test(commandOf(pid))) stack.add(pid);
    }, 50);
    try {
      await waitFor(() => [...stack].filter(running).length >= 4, 'nginx and php-fpm of the run', 60_000);
      // Give the clients time to be in, so that the stack is busy when it is stopped.
      await sleep(1_000);
      process.kill(-bench.pid!, 'SIGINT');
      expect([await exited, stderr]).toEqual([130, expect.stringContaining('SIGINT, stopping')]);
      await waitFor(() => [...stack].every((pid) => !running(pid)), 'the stack to be gone', 10_000);
    } finally {
      clearInterval(watch);
      if (bench.exitCode === null) process.kill(-bench.pid!, 'SIGKILL');
      for (const pid of stack) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('without Debian’s packages', () => {
  it('names the packages to install in one line', () => {
    expect(() => findStackPrograms(true, process.env, ['/nonexistent'])).toThrow(
      new StackUnavailableError(
        "the article's stack needs Debian's nginx, php8.2-fpm and php-redis (missing: nginx, php8.2-fpm, php-redis): install with " +
          '`sudo apt-get install nginx php8.2-fpm php-redis`',
      ),
    );
    expect(() => findStackPrograms(false, process.env, ['/nonexistent'])).toThrow(
      new StackUnavailableError("the article's stack needs Debian's nginx (missing: nginx): install with `sudo apt-get install nginx`"),
    );
  });

  it('exits the bench with 2 and that line, before anything starts, when php-fpm has no redis extension', () => {
    // php-fpm reads its extensions' ini files from PHP_INI_SCAN_DIR: an empty one loads no php-redis.
    const empty = mkdtempSync(join(scratch, 'no-ini-'));
    const out = join(scratch, 'no-report');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', '--strategies', 'php-long-polling', '--out', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, PHP_INI_SCAN_DIR: empty },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "pushbench: the article's stack needs Debian's nginx, php8.2-fpm and php-redis (missing: php-redis): install with " +
        '`sudo apt-get install php-redis`\n',
    );
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
