/**
 * `npm run setup`: installs, with apt-get, the Debian packages the tests and the presets start programs from
 * (scripts/debian-packages.ts), as root or through sudo. It prints every package, whether it is there and why it
 * is needed, then installs only the missing ones. `--dry-run` prints the commands instead of running them.
 * `.ci/run` calls it before the tests.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEBIAN_PACKAGES, findProgram, isInstalled, type DebianPackage } from './debian-packages.js';

/** Who runs the setup, and with what. */
export interface Host {
  root: boolean;
  /** sudo is installed (a non-root user then installs through it). */
  sudo: boolean;
  /** apt-get is installed: a Debian or Ubuntu system. */
  aptGet: boolean;
}

export interface SetupPlan {
  /** One line per package: its name, installed or missing, and why. */
  lines: string[];
  /** What to run, in order (empty: nothing is missing). */
  commands: string[][];
  /** Why it cannot install what is missing, in one line; absent when it can. */
  problem?: string;
}

const NAME_COLUMN = 16;

/** Pure: what setup says and runs for these packages on this host. */
export function setupPlan(packages: readonly DebianPackage[], installed: (pkg: DebianPackage) => boolean, host: Host): SetupPlan {
  const missing = packages.filter((pkg) => !installed(pkg)).map((pkg) => pkg.name);
  const lines = packages.map((pkg) => `  ${pkg.name.padEnd(NAME_COLUMN)}${missing.includes(pkg.name) ? 'missing  ' : 'installed'}  ${pkg.why}`);
  if (missing.length === 0) return { lines, commands: [] };
  const install = ['apt-get', 'install', '-y', '-qq', ...missing];
  if (!host.aptGet) {
    return { lines, commands: [], problem: `apt-get not found: install ${missing.join(', ')} with this system's package manager` };
  }
  if (!host.root && !host.sudo) {
    return { lines, commands: [], problem: `not root and no sudo: run as root \`${install.join(' ')}\`` };
  }
  const prefix = host.root ? [] : ['sudo'];
  return {
    lines,
    commands: [
      [...prefix, 'apt-get', 'update', '-qq'],
      [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', ...install],
    ],
  };
}

/** Exit status: 0 every package there (or installed now), 1 it could not install them, 2 a bad option. */
export function main(argv: readonly string[]): number {
  const unknown = argv.find((arg) => arg !== '--dry-run');
  if (unknown !== undefined) {
    process.stderr.write(`pushbench setup: unknown option ${unknown} (it takes --dry-run only)\n`);
    return 2;
  }
  const dryRun = argv.includes('--dry-run');
  const host: Host = { root: process.getuid?.() === 0, sudo: findProgram('sudo') !== null, aptGet: findProgram('apt-get') !== null };
  const plan = setupPlan(DEBIAN_PACKAGES, isInstalled, host);
  process.stdout.write(`pushbench setup: the Debian packages the tests and the presets use\n${plan.lines.join('\n')}\n`);
  if (plan.problem !== undefined) {
    process.stderr.write(`pushbench setup: ${plan.problem}\n`);
    return 1;
  }
  if (plan.commands.length === 0) {
    process.stdout.write('pushbench setup: every package is installed\n');
    return 0;
  }
  for (const command of plan.commands) {
    process.stdout.write(`${dryRun ? 'would run' : 'running'}: ${command.join(' ')}\n`);
    if (dryRun) continue;
    const ran = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
    if (ran.status !== 0) {
      process.stderr.write(`pushbench setup: ${command.join(' ')} failed (${ran.error?.message ?? `exit code ${ran.status}`})\n`);
      return 1;
    }
  }
  if (dryRun) return 0;
  const still = DEBIAN_PACKAGES.filter((pkg) => !isInstalled(pkg)).map((pkg) => pkg.name);
  if (still.length > 0) {
    process.stderr.write(`pushbench setup: still missing after apt-get: ${still.join(', ')}\n`);
    return 1;
  }
  process.stdout.write('pushbench setup: every package is installed\n');
  return 0;
}

function runDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (runDirectly()) process.exitCode = main(process.argv.slice(2));
