import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main as reportMain } from '../../reports/cli.js';
import { renderReport } from '../../reports/render.js';
import type { Results } from '../../results/results.js';
import { childrenOf, waitFor } from '../helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI as a user would; npm's own warnings about the machine's npm config are not the program's output. */
function cli(...args: string[]) {
  const result = spawnSync('npx', ['tsx', 'bench/cli.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'pushbench-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A bench short enough for a test: one strategy, five clients, one second of publishing. */
const SHORT_RUN = ['--strategies', 'websocket', '--clients', '5', '--duration', '1', '--rate', '4'];

/**
 * The bench as one node process (no tsx wrapper, so that every process it starts is its child), watched from
 * outside: its exit, its output and every child process seen while it ran. The 30 s bound stops it if it goes
 * on to run the ten minutes of publishing it was given: a refusal must come before any of it.
 */
async function watchedBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; children: number[] }> {
  const bench = spawn(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args, '--duration', '600'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  bench.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const seen = new Set<number>();
  const watch = setInterval(() => childrenOf(bench.pid!).forEach((pid) => seen.add(pid)), 10);
  const bound = setTimeout(() => bench.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => bench.once('exit', (exitCode) => resolve(exitCode)));
  clearInterval(watch);
  clearTimeout(bound);
  return { code, stdout, stderr, children: [...seen] };
}

describe('bench CLI', () => {
  it('refuses a bad value with exit code 2 and exactly one line on stderr', () => {
    const { status, stdout, stderr } = cli('--clients', 'abc');
    expect(status).toBe(2);
    expect(stderr).toBe('pushbench: --clients must be an integer from 1 to 10000 (got "abc")\n');
    expect(stdout).toBe('');
  });

  it('refuses an unknown option the same way, without a stack trace', () => {
    const { status, stderr } = cli('--verbose');
    expect(status).toBe(2);
    expect(stderr).toBe('pushbench: unknown option --verbose (see --help)\n');
  });

  it('prints help on stdout and exits 0', () => {
    const { status, stdout, stderr } = cli('--help');
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: npm run bench -- [options]');
    expect(stdout).toContain('--long-poll-timeout <ms>');
    expect(stdout).toContain('--json-out <file>');
    expect(stderr).toBe('');
  });
});

describe('the output folder is checked before the first run', () => {
  it('--out under a file: one line, exit 2, no process started', { timeout: 40_000 }, async () => {
    const { code, stdout, stderr, children } = await watchedBench(['--out', 'README.md/sub']);
    expect(code).toBe(2);
    expect(stderr).toBe(`pushbench: --out ${join(REPO_ROOT, 'README.md')} is not a directory\n`);
    expect(stdout).toBe('');
    expect(children).toEqual([]);
  });

  it('--out under /proc: one line, exit 2, no process started (Node 20’s recursive mkdir would loop there)', { timeout: 40_000 }, async () => {
    const { code, stdout, stderr, children } = await watchedBench(['--out', '/proc/nope']);
    expect(code).toBe(2);
    expect(stderr).toBe('pushbench: --out /proc/nope is under /proc, a virtual file system of the kernel: choose another folder\n');
    expect(stdout).toBe('');
    expect(children).toEqual([]);
    expect(existsSync('/proc/nope')).toBe(false);
  });

  it('--json-out naming a folder, or a file under a file: the same, and the --out folder it made is removed again', { timeout: 80_000 }, async () => {
    const out = join(work, 'made-for-nothing', 'report');
    const folder = await watchedBench(['--out', out, '--json-out', work]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`pushbench: --json-out ${work} is a directory, not a file\n`);
    expect(folder.children).toEqual([]);
    expect(existsSync(join(work, 'made-for-nothing'))).toBe(false);
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    const under = await watchedBench(['--out', out, '--json-out', join(file, 'results.json')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(`pushbench: --json-out ${file} is not a directory\n`);
    expect(under.children).toEqual([]);
  });
});

describe('when the report cannot be written after all', () => {
  it('keeps the results in a temporary file, says where, and exits 1', { timeout: 90_000 }, async () => {
    const out = join(work, 'taken-away');
    const bench = spawn(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...SHORT_RUN, '--out', out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    bench.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    bench.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    // The folder is made before the first run; once the run's processes are up, something takes its place.
    await waitFor(() => childrenOf(bench.pid!).length > 0, 'the run to start', 20_000);
    expect(existsSync(out)).toBe(true);
    rmSync(out, { recursive: true });
    writeFileSync(out, 'not a folder any more');
    expect(await exited).toBe(1);
    const kept = /^pushbench: cannot write .* \(\w+\); the results are kept in (\S+\.json)$/m.exec(stderr);
    expect(kept, stderr).not.toBeNull();
    try {
      const results = JSON.parse(readFileSync(kept![1], 'utf8')) as Results;
      expect(results.runs.map((r) => r.strategy.name)).toEqual(['websocket']);
      expect(stdout.trimEnd().split('\n').at(-1)).toBe('report: not written (see the line below)');
    } finally {
      rmSync(kept![1], { force: true });
    }
  });
});

describe('results.json for machines', () => {
  it(
    'the documented `npm run -s bench -- --json > results.json` writes valid JSON, which `npm run report` renders',
    { timeout: 90_000 },
    async () => {
      const file = join(work, 'results.json');
      const out = join(work, 'json-report');
      // The shell's redirection, as the user types it: npm's banner would land in the file without -s.
      const run = spawnSync('sh', ['-c', `npm run -s bench -- --json ${SHORT_RUN.join(' ')} --out '${out}' > '${file}'`], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 80_000,
      });
      expect(run.status).toBe(0);
      const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
      expect(results.runs.map((r) => r.strategy.name)).toEqual(['websocket']);
      // Progress and the report's path go to stderr, never into the JSON.
      expect(run.stderr).toContain(`report: ${join(out, 'index.html')}`);
      // The same results as the report folder's results.json, which the report CLI renders.
      expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(results);
      const lines: string[] = [];
      const errors: string[] = [];
      expect(await reportMain([file], { out: (line) => lines.push(line), err: (line) => errors.push(line) })).toBe(0);
      expect(errors).toEqual([]);
      expect(lines).toEqual([join(work, 'index.html')]);
      expect(readFileSync(join(work, 'index.html'), 'utf8')).toBe(renderReport(results));
    },
  );

  it('--json-out writes results.json to a file; the summary still goes to stdout, progress to stderr', { timeout: 90_000 }, () => {
    const file = join(work, 'nested', 'machine.json');
    const out = join(work, 'json-out-report');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...SHORT_RUN, '--out', out, '--json-out', file], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))).toEqual(results);
    expect(run.stdout).toMatch(/^custom: 5 clients, 4 msg\/s/);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`report: ${join(out, 'index.html')}`);
    expect(run.stderr).toContain('pushbench: run 1/1 websocket done');
    // A custom run says what the flags changed, in its results too.
    expect(results.meta.changed).toEqual(['5 clients', '4 msg/s', '1 s of publishing']);
  });

  it('a default folder is named after what ran: a custom run is not called "quick"', { timeout: 90_000 }, () => {
    const before = new Set(existsSync(join(REPO_ROOT, 'reports/out')) ? readdirSync(join(REPO_ROOT, 'reports/out')) : []);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...SHORT_RUN], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 80_000 });
    const made = readdirSync(join(REPO_ROOT, 'reports/out')).filter((name) => !before.has(name));
    try {
      expect(run.status).toBe(0);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatch(/^\d{4}-\d\d-\d\dT\d{6}\.\d{3}Z-custom-clients-5-rate-4-duration-1$/);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`report: ${join(REPO_ROOT, 'reports/out', made[0], 'index.html')}`);
    } finally {
      for (const name of made) rmSync(join(REPO_ROOT, 'reports/out', name), { recursive: true, force: true });
    }
  });
});
