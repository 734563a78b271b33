import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, USAGE } from '../../reports/cli.js';
import { renderComparison, renderReport } from '../../reports/render.js';
import { writeReport } from '../../reports/write.js';
import { makeResults } from './fixture.js';

/** The git-ignored folder of generated reports, under the working folder the tests run in. */
const OUT_DIR = fileURLToPath(new URL('../../reports/out/', import.meta.url));

let dir: string;
let out: string[];
let err: string[];
const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pushbench-report-'));
  out = [];
  err = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function resultsFile(name: string, content: string = JSON.stringify(makeResults())): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Exit code 2, nothing on stdout, and exactly one line on stderr. */
async function expectUsageError(argv: string[], message: string): Promise<void> {
  expect(await main(argv, io)).toBe(2);
  expect(out).toEqual([]);
  expect(err).toEqual([message]);
  expect(err[0]).not.toContain('\n');
  expect(err[0]).not.toMatch(/\n\s+at /);
}

describe('report CLI', () => {
  it('re-renders index.html beside a results.json', async () => {
    const file = await resultsFile('results.json');
    expect(await main([file], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0].endsWith('index.html')).toBe(true);
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe(renderReport(makeResults()));
  });

  it('writes to --out, in both spellings', async () => {
    const file = await resultsFile('results.json');
    expect(await main([file, '--out', join(dir, 'a', 'report.html')], io)).toBe(0);
    expect(await main([`--out=${join(dir, 'b.html')}`, file], io)).toBe(0);
    expect(await readFile(join(dir, 'a', 'report.html'), 'utf8')).toBe(renderReport(makeResults()));
    expect(await readFile(join(dir, 'b.html'), 'utf8')).toBe(renderReport(makeResults()));
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });

  it('renders two files as a comparison', async () => {
    const a = await resultsFile('a.json');
    const other = makeResults();
    other.meta.date = '2025-11-24T08:00:00.000Z';
    const b = await resultsFile('b.json', JSON.stringify(other));
    const target = join(dir, 'compare', 'index.html');
    expect(await main([a, b, '--out', target], io)).toBe(0);
    expect(await readFile(target, 'utf8')).toBe(renderComparison(makeResults(), other));
  });

  it('puts a comparison under reports/out/compare-<timestamp>/ by default', async () => {
    const a = await resultsFile('a.json');
    expect(await main([a, a], io)).toBe(0);
    const written = out[0];
    try {
      expect(written).toMatch(/reports[/\\]out[/\\]compare-\d{8}-\d{6}[/\\]index\.html$/);
      expect(existsSync(written)).toBe(true);
    } finally {
      await rm(join(written, '..'), { recursive: true, force: true });
    }
  });

  it('prints the absolute path of what it wrote, as the bench does, when given a path relative to the working folder', async () => {
    // Under the working folder (the git-ignored folder of generated reports), where a relative path is the natural one.
    mkdirSync(OUT_DIR, { recursive: true });
    const near = await mkdtemp(join(OUT_DIR, 'cli-test-'));
    try {
      await writeFile(join(near, 'results.json'), JSON.stringify(makeResults()));
      const relativeFile = relative(process.cwd(), join(near, 'results.json'));
      expect(relativeFile.startsWith('..') || isAbsolute(relativeFile)).toBe(false);
      expect(await main([relativeFile], io)).toBe(0);
      expect(out).toEqual([join(near, 'index.html')]);
    } finally {
      await rm(near, { recursive: true, force: true });
    }
  });

  it('refuses an --out it cannot make, under a file or under /proc, with one line', async () => {
    const file = await resultsFile('results.json');
    await expectUsageError([file, '--out', join(file, 'sub', 'index.html')], `report: ${file} is not a directory`);
    err = [];
    await expectUsageError(
      [file, '--out', '/proc/nope/index.html'],
      'report: /proc/nope is under /proc, a virtual file system of the kernel: choose another folder',
    );
    expect(existsSync('/proc/nope')).toBe(false);
  });

  it('prints usage for --help and exits 0', async () => {
    expect(await main(['--help'], io)).toBe(0);
    expect(out).toEqual([USAGE]);
    expect(err).toEqual([]);
  });

  it('rejects a missing file', async () => {
    const missing = join(dir, 'nope.json');
    await expectUsageError([missing], `report: ${missing}: no such file`);
  });

  it('rejects a file that is not JSON', async () => {
    const file = await resultsFile('bad.json', '{ "meta": ');
    await expectUsageError([file], `report: ${file}: not valid JSON`);
  });

  it('rejects JSON that is not a results object', async () => {
    const array = await resultsFile('array.json', '[1, 2]');
    await expectUsageError([array], `report: ${array}: not a results object (expected { "meta": …, "runs": [...] })`);
    err = [];
    const noRuns = await resultsFile('noruns.json', JSON.stringify({ meta: makeResults().meta }));
    await expectUsageError([noRuns], `report: ${noRuns}: not a results object: "runs" is missing or not an array`);
  });

  it('names the first bad field of a run', async () => {
    const results = makeResults() as unknown as { runs: { bytes: Record<string, unknown> }[] };
    results.runs[1].bytes.payload = 'lots';
    const file = await resultsFile('field.json', JSON.stringify(results));
    await expectUsageError([file], `report: ${file}: runs[1].bytes.payload is not a number`);
  });

  it('renders results with coded problems, warnings and an interruption, and names a problem that is neither code nor sentence', async () => {
    const results = makeResults();
    results.runs[1].problems = [{ code: 'not-drained', clients: 2, lastSeq: 10, timeoutMs: 2_002 }, 'an older sentence'];
    results.runs[0].warnings = [{ code: 'server-replaced', atSec: 2, serverProcesses: 1 }];
    results.interrupted = {
      signal: 'SIGINT',
      runsPlanned: 4,
      runsFinished: 3,
      probesPlanned: 0,
      probesFinished: 0,
      notRun: [{ kind: 'run', strategy: results.runs[0].strategy, scenario: results.runs[0].scenario }],
    };
    const file = await resultsFile('coded.json', JSON.stringify(results));
    expect(await main([file], io)).toBe(0);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<li>2 clients still lacked the last message (seq 10) 2,002 ms after the schedule ended</li><li>an older sentence</li>');
    expect(html).toContain('Interrupted (SIGINT) after 3 of 4 runs');
    out = [];
    const broken = makeResults() as unknown as { runs: { warnings: unknown[] }[] };
    broken.runs[2].warnings = [{ late: 3 }];
    const bad = await resultsFile('bad-warning.json', JSON.stringify(broken));
    await expectUsageError([bad], `report: ${bad}: runs[2].warnings is not a list of codes or sentences`);
  });

  it('names a malformed interruption', async () => {
    const results = {
      ...makeResults(),
      interrupted: { runsPlanned: 4, runsFinished: 3, probesPlanned: 0, probesFinished: 0, notRun: [{ kind: 'run', strategy: 'sse' }] },
    };
    const file = await resultsFile('interrupted.json', JSON.stringify(results));
    await expectUsageError(
      [file],
      `report: ${file}: interrupted.notRun[0] is neither a run (strategy with name and title, scenario) nor a probe (endpoint)`,
    );
  });

  it('rejects a directory', async () => {
    await expectUsageError([dir], `report: ${dir}: is a directory, not a results.json`);
  });

  it('rejects the wrong number of files and unknown options', async () => {
    await expectUsageError([], 'report: expected one or two results.json files, got 0 (see --help)');
    err = [];
    const file = await resultsFile('results.json');
    await expectUsageError([file, file, file], 'report: expected one or two results.json files, got 3 (see --help)');
    err = [];
    await expectUsageError([file, '--format', 'pdf'], 'report: unknown option --format');
    err = [];
    await expectUsageError([file, '--out'], 'report: --out needs a file name');
    expect(existsSync(join(dir, 'index.html'))).toBe(false);
  });
});

describe('writeReport', () => {
  it('writes results.json (2-space JSON) and index.html into a new directory', async () => {
    const target = join(dir, 'runs', '2025-11-23');
    const results = makeResults();
    const paths = await writeReport(results, target);
    expect(paths).toEqual({ jsonPath: join(target, 'results.json'), htmlPath: join(target, 'index.html') });
    expect(await readFile(paths.jsonPath, 'utf8')).toBe(`${JSON.stringify(results, null, 2)}\n`);
    expect(JSON.parse(await readFile(paths.jsonPath, 'utf8'))).toEqual(results);
    expect(await readFile(paths.htmlPath, 'utf8')).toBe(renderReport(results));
  });

  it('gives a results.json the CLI renders back to the same report', async () => {
    const { jsonPath, htmlPath } = await writeReport(makeResults(), dir);
    const before = await readFile(htmlPath, 'utf8');
    await rm(htmlPath);
    expect(await main([jsonPath], io)).toBe(0);
    expect(await readFile(htmlPath, 'utf8')).toBe(before);
  });
});
