import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { machineLimitProblem, type MachineLimits } from '../../../bench/plan/machine-limits.js';
import { PRESETS } from '../../../bench/plan/presets.js';
import type { Scenario } from '../../../results/results.js';

const ROOMY: MachineLimits = { openFiles: 20_000, memAvailableBytes: 20 * 1024 ** 3, ephemeralPorts: 28_232, somaxconn: 4_096 };
const C100K = PRESETS.c100k;
const c100k = (changes: Partial<Scenario> = {}): Scenario[] => [{ ...C100K.scenarios[0], ...changes }];

describe('machineLimitProblem', () => {
  it('lets the c100k preset run on a machine with the limits of this project’s', () => {
    expect(machineLimitProblem(c100k(), C100K.clientProcesses!, ROOMY)).toBeNull();
  });

  it('names the open-file limit of the server processes, then of the client processes', () => {
    expect(machineLimitProblem(c100k(), 8, { ...ROOMY, openFiles: 10_000 })).toBe(
      '100,000 clients over 8 server processes need about 12,700 open files per process; the open-file limit (ulimit -n) is 10,000: ' +
        'raise it, or --server-processes (with --source redis)',
    );
    expect(machineLimitProblem(c100k(), 4, ROOMY)).toBe(
      '100,000 clients over 4 client processes need about 25,200 open files per process; the open-file limit (ulimit -n) is 20,000: ' +
        'raise it, or --client-processes',
    );
  });

  it('names the server’s own limit of push clients per process', () => {
    expect(machineLimitProblem(c100k({ serverProcesses: 4 }), 8, ROOMY)).toBe(
      "100,000 clients over 4 server processes is 25,000 per process, over the server's limit of 15,000 push clients per process: " +
        'raise --server-processes (with --source redis)',
    );
  });

  it('names the ephemeral port range, the accept queue and the memory', () => {
    expect(machineLimitProblem(c100k(), 8, { ...ROOMY, ephemeralPorts: 3_000 })).toBe(
      '100,000 clients are spread over source addresses of 4,000 connections each, but net.ipv4.ip_local_port_range holds 3,000 ports: ' +
        'widen it (sysctl net.ipv4.ip_local_port_range="1024 65000")',
    );
    expect(machineLimitProblem(c100k(), 8, { ...ROOMY, somaxconn: 128 })).toBe(
      '100,000 clients connecting at once overflow an accept queue of net.core.somaxconn = 128: raise it to 1,024 or more ' +
        '(sysctl net.core.somaxconn=4096)',
    );
    expect(machineLimitProblem(c100k(), 8, { ...ROOMY, memAvailableBytes: 2 * 1024 ** 3 })).toBe(
      '100,000 clients in 16 processes need about 5.0 GiB of memory; 2.0 GiB is available (MemAvailable): free some, or run fewer --clients',
    );
  });

  it('holds no small run back on a small machine', () => {
    const small: MachineLimits = { openFiles: 1_024, memAvailableBytes: 1024 ** 3, ephemeralPorts: 5_000, somaxconn: 128 };
    expect(machineLimitProblem(PRESETS.quick.scenarios, null, small)).toBeNull();
  });
});

describe('bench/cli.ts under a low open-file limit', () => {
  it('refuses the c100k preset in one line naming the limit, with exit code 2, before it writes anything', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pushbench-limits-')), 'out');
    try {
      const result = spawnSync(
        'bash',
        ['-c', `ulimit -n 4096 && exec "${process.execPath}" --import tsx bench/cli.ts --preset c100k --out "${out}"`],
        {
          cwd: fileURLToPath(new URL('../../..', import.meta.url)),
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'pushbench: 100,000 clients over 8 server processes need about 12,700 open files per process; the open-file limit (ulimit -n) is ' +
          '4,096: raise it, or --server-processes (with --source redis)\n',
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});
