import { mkdir, realpath, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { Results } from '../results/results.js';
import { renderReport } from './render.js';

/** Writes results.json (the data, 2-space JSON) and index.html (its report) into `dir`, creating it if needed. */
export async function writeReport(results: Results, dir: string): Promise<{ jsonPath: string; htmlPath: string }> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const jsonPath = resolve(target, 'results.json');
  const htmlPath = resolve(target, 'index.html');
  // Rendered before anything is written, so a rendering error leaves no half-finished pair behind.
  const html = renderReport(results);
  await writeFile(jsonPath, resultsJson(results));
  await writeFile(htmlPath, html);
  return { jsonPath, htmlPath };
}

/** results.json as every writer writes it: 2-space JSON and a final newline. */
export function resultsJson(results: Results): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/**
 * Virtual file systems of the kernel: nothing of ours belongs there, and Node 20's recursive mkdir loops forever
 * on a missing folder under /proc.
 */
const VIRTUAL_ROOTS = ['/proc', '/sys'];

/** A folder made ready to write into, and the folders that had to be created for it (outermost first). */
export type PreparedDir = { ok: true; dir: string; created: string[] } | { ok: false; error: string };

/**
 * Makes `dir` a folder that can be written into, before any work is done for it: refuses a path under a file or
 * under /proc or /sys, creates the missing folders one level at a time (never recursive mkdir), then writes and
 * removes a probe file. The error is one line naming the path.
 */
export async function prepareOutDir(dir: string): Promise<PreparedDir> {
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const found = await stat(existing).catch((error: NodeJS.ErrnoException) => error);
    if (!(found instanceof Error)) {
      if (!found.isDirectory()) return { ok: false, error: `${existing} is not a directory` };
      break;
    }
    if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR')
      return { ok: false, error: `${existing}: cannot be read (${found.code ?? found.message})` };
    const parent = dirname(existing);
    if (parent === existing) return { ok: false, error: `${target}: no existing folder above it` };
    missing.unshift(existing);
    existing = parent;
  }
  const real = await realpath(existing);
  const virtual = VIRTUAL_ROOTS.find((root) => real === root || real.startsWith(`${root}${sep}`));
  if (virtual !== undefined) return { ok: false, error: `${target} is under ${virtual}, a virtual file system of the kernel: choose another folder` };
  const created: string[] = [];
  try {
    for (const folder of missing) {
      await mkdir(folder);
      created.push(folder);
    }
    const probe = join(target, `.pushbench-write-check-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    await removeCreated(created);
    return { ok: false, error: `${target}: cannot write there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  return { ok: true, dir: target, created };
}

/** Removes the folders prepareOutDir created, innermost first, if they are still empty; never anything else. */
export async function removeCreated(created: readonly string[]): Promise<void> {
  for (const folder of [...created].reverse()) await rmdir(folder).catch(() => {});
}

/** The same for one file to be written later (`--json-out`): its folder is prepared, and it must not be a folder. */
export async function prepareOutFile(file: string): Promise<PreparedDir> {
  const target = resolve(file);
  const folder = await prepareOutDir(dirname(target));
  if (!folder.ok) return folder;
  const found = await stat(target).catch(() => null);
  if (found?.isDirectory()) {
    await removeCreated(folder.created);
    return { ok: false, error: `${target} is a directory, not a file` };
  }
  return { ...folder, dir: target };
}

/**
 * Where results go when their folder could not be written after all (the disk filled up, the folder was removed
 * during the run): a file of their own in the system's temporary folder, so that no run is lost.
 */
export async function keepResults(results: Results, date: Date): Promise<string> {
  const file = join(tmpdir(), `pushbench-results-${date.toISOString().replaceAll(':', '')}-${process.pid}.json`);
  await writeFile(file, resultsJson(results));
  return file;
}
