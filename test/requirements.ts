import { DEBIAN_PACKAGES, findProgram, isInstalled, type DebianPackage } from '../scripts/debian-packages.js';

/**
 * The one rule for a test whose program is missing (docs/testing.md): under CI (CI set and not "false" or "0",
 * as CI services and `.ci/run` set it) the suite fails, with a line naming the Debian package; elsewhere the tests
 * that need it are skipped, with that line on stderr. `npm run setup` installs every package on the list.
 *
 * Use: `describe.skipIf(missing(['redis-server'], 'the Redis source'))('…', () => { … })`, and start the program
 * in a hook of that describe (a file-level hook runs whenever any test of the file runs).
 */

export type Requirement = { action: 'run' } | { action: 'skip' | 'fail'; line: string };

/** Whether the environment is a CI run, where nothing may be skipped for want of a program. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** A package name or one of its programs ("h2load", "nghttp2-client"), as the list knows it. */
function packageNamed(name: string): DebianPackage {
  const pkg = DEBIAN_PACKAGES.find((p) => p.name === name || p.programs.includes(name));
  if (!pkg) throw new Error(`${name} is on no list of Debian packages (scripts/debian-packages.ts)`);
  return pkg;
}

/**
 * Pure: what to do with the tests of `what`, which need `programs` (programs or package names). `installed` says
 * whether one is there.
 */
export function requirement(
  programs: readonly string[],
  what: string,
  env: NodeJS.ProcessEnv,
  installed: (program: string) => boolean = isThere,
): Requirement {
  const absent = programs.filter((program) => !installed(program));
  if (absent.length === 0) return { action: 'run' };
  const packages = [...new Set(absent.map((program) => packageNamed(program).name))];
  const programsText = absent.join(', ');
  const packagesText = `${packages.length === 1 ? 'the Debian package' : 'the Debian packages'} ${packages.join(' ')}`;
  const ci = isCi(env);
  return {
    action: ci ? 'fail' : 'skip',
    line:
      `${what} needs ${programsText}, which ${absent.length === 1 ? 'is' : 'are'} not installed: install ${packagesText} (npm run setup)` +
      (ci ? '; under CI a missing program fails the suite' : '; skipped'),
  };
}

/** A program by name or path, or a package without a program of its own (php-redis). */
function isThere(program: string): boolean {
  const pkg = DEBIAN_PACKAGES.find((p) => p.name === program && p.programs.length === 0);
  return pkg ? isInstalled(pkg) : findProgram(program) !== null;
}

/**
 * For `describe.skipIf`: true when the tests of `what` are to be skipped, after saying why on stderr; under CI a
 * missing program throws instead, which fails the test file with the line.
 */
export function missing(programs: readonly string[], what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const verdict = requirement(programs, what, env);
  if (verdict.action === 'run') return false;
  if (verdict.action === 'fail') throw new Error(verdict.line);
  process.stderr.write(`${verdict.line}\n`);
  return true;
}
