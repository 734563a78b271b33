import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Folders with system programs that a user's PATH often leaves out. */
export const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * The path of a program (by name on PATH and the sbin folders, or absolute), or null when it is not installed: how
 * the harness checks what a run needs before it starts anything, and how the tests and `npm run setup` check the
 * Debian packages (scripts/debian-packages.ts).
 */
export function findProgram(program: string, path = process.env.PATH ?? ''): string | null {
  const candidates = isAbsolute(program) ? [program] : [...path.split(delimiter).filter(Boolean), ...SBIN].map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}
