import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
    expect(stderr).toBe('');
  });
});
