import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEBIAN_PACKAGES, type DebianPackage } from '../../scripts/debian-packages.js';
import { setupPlan } from '../../scripts/setup.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES: DebianPackage[] = [
  { name: 'redis-server', programs: ['redis-server'], why: 'the Redis source' },
  { name: 'nghttp2-client', programs: ['h2load'], why: 'the HTTP/2 probe' },
];
const missingH2load = (pkg: DebianPackage) => pkg.name !== 'nghttp2-client';

describe('npm run setup', () => {
  it('names every package, whether it is there and why, and installs nothing when nothing is missing', () => {
    expect(setupPlan(PACKAGES, () => true, { root: false, sudo: false, aptGet: false })).toEqual({
      lines: ['  redis-server    installed  the Redis source', '  nghttp2-client  installed  the HTTP/2 probe'],
      commands: [],
    });
  });

  it('installs only what is missing, with apt-get as root, or through sudo', () => {
    const asRoot = setupPlan(PACKAGES, missingH2load, { root: true, sudo: false, aptGet: true });
    expect(asRoot.lines[1]).toBe('  nghttp2-client  missing    the HTTP/2 probe');
    expect(asRoot.commands).toEqual([
      ['apt-get', 'update', '-qq'],
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'nghttp2-client'],
    ]);
    expect(setupPlan(PACKAGES, missingH2load, { root: false, sudo: true, aptGet: true }).commands).toEqual([
      ['sudo', 'apt-get', 'update', '-qq'],
      ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'nghttp2-client'],
    ]);
  });

  it('says in one line what to run when it cannot install: no root and no sudo, or no apt-get', () => {
    expect(setupPlan(PACKAGES, missingH2load, { root: false, sudo: false, aptGet: true }).problem).toBe(
      'not root and no sudo: run as root `apt-get install -y -qq nghttp2-client`',
    );
    expect(setupPlan(PACKAGES, missingH2load, { root: true, sudo: false, aptGet: false }).problem).toBe(
      "apt-get not found: install nghttp2-client with this system's package manager",
    );
  });

  it('on this machine lists every package of the list, and --dry-run runs nothing', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/setup.ts', '--dry-run'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('pushbench setup: the Debian packages the tests and the presets use');
    for (const pkg of DEBIAN_PACKAGES) {
      const either = ['installed', 'missing  '].map((status) => `  ${pkg.name.padEnd(16)}${status}  ${pkg.why}`);
      expect(lines.filter((line) => either.includes(line))).toHaveLength(1);
    }
    expect(run.stdout).not.toMatch(/^running:/m);
  });

  it('is what .ci/run installs with: CI is set, and setup runs before the tests', () => {
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/^export CI=true$/m);
    const setup = ci.indexOf('\nnpm run setup\n');
    expect(setup).toBeGreaterThan(ci.indexOf('\nnpm ci\n'));
    expect(setup).toBeLessThan(ci.indexOf('\nnpm test\n'));
    // The packages are installed in one place: no apt-get of its own outside comments.
    expect(ci).not.toMatch(/^[^#]*apt-get/m);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.setup).toBe('tsx scripts/setup.ts');
  });
});
