import { realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Results } from '../results/results.js';
import { renderComparison, renderReport } from './render.js';
import { resultsShapeError } from './validate.js';
import { prepareOutDir } from './write.js';

export const USAGE = `Usage: npm run report -- <results.json> [<other results.json>] [--out <file.html>]

  One file:   re-renders the report as index.html beside it (or to --out).
  Two files:  renders a side-by-side comparison (A = first, B = second) to
              reports/out/compare-<timestamp>/index.html (or to --out).`;

/** Where comparisons land by default: the git-ignored folder of generated reports. */
const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A user error: reported as one line, exit code 2. */
class UsageError extends Error {}

interface Args {
  files: string[];
  out: string | null;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { files: [], out: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--out' || arg === '-o') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${arg} needs a file name`);
      args.out = value;
    } else if (arg.startsWith('--out=')) {
      args.out = arg.slice('--out='.length);
      if (args.out === '') throw new UsageError('--out needs a file name');
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else args.files.push(arg);
  }
  return args;
}

async function load(file: string): Promise<Results> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${file}: is a directory, not a results.json`);
    throw new UsageError(`${file}: cannot read (${code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not valid JSON`);
  }
  const problem = resultsShapeError(value);
  if (problem !== null) throw new UsageError(`${file}: ${problem}`);
  return value as Results;
}

/** A timestamp that sorts, and is a valid folder name everywhere. */
function stamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/**
 * Writes the page, its folder made the bench's way: a folder that cannot be (under a file, /proc or /sys) is a
 * usage error; a write that fails anyway is not.
 */
async function write(path: string, html: string): Promise<void> {
  const folder = await prepareOutDir(dirname(path));
  if (!folder.ok) throw new UsageError(folder.error);
  await writeFile(path, html);
}

/** Runs the report CLI; returns the exit code (0 done, 2 bad input, 1 could not write). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    if (args.files.length < 1 || args.files.length > 2) {
      throw new UsageError(`expected one or two results.json files, got ${args.files.length} (see --help)`);
    }
    const [first, second] = await Promise.all(args.files.map(load));
    let target: string;
    let html: string;
    if (second === undefined) {
      target = resolve(args.out ?? join(dirname(args.files[0]), 'index.html'));
      html = renderReport(first);
    } else {
      target = resolve(args.out ?? join(OUT_DIR, `compare-${stamp(new Date())}`, 'index.html'));
      html = renderComparison(first, second);
    }
    try {
      await write(target, html);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      io.err(`report: cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return 1;
    }
    // Absolute, as the bench prints its report's: it opens from any folder the user is in.
    io.out(target);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`report: ${error.message}`);
      return 2;
    }
    // Anything else is a bug in the renderer, but the promise is still one line and no stack trace.
    io.err(`report: failed: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}`);
    return 1;
  }
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

if (runDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`pushbench report: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
