import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * The report page's two scripts, ready to inline: chart.js and the script that draws the charts with it. Each is
 * made once per process, so rendering stays a pure function of the results apart from these fixed inputs.
 */

/** The repository's root: esbuild names the bundled files relative to it, the same on every machine. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'reports', 'browser', 'main.ts');

let chartJs: string | undefined;
let drawing: string | undefined;

/**
 * A script's text made safe inside <script>…</script> in a file opened from disk: a source-map comment would name
 * a file that is not there, `</script` would end the tag, and `<!--` would change how the browser parses it.
 */
function inlinable(text: string, what: string): string {
  const cleaned = text.replace(/^[ \t]*\/\/[#@]\s*sourceMappingURL=.*$/gm, '').replace(/<\/script/gi, '<\\/script');
  if (cleaned.includes('<!--')) throw new Error(`${what} contains "<!--", which cannot be inlined safely`);
  return cleaned;
}

/** chart.js's UMD build: it sets the global `Chart` the drawing script uses. */
export function chartJsBundle(): string {
  if (chartJs !== undefined) return chartJs;
  // resolve() gives dist/chart.cjs (the package's "require" export); the UMD build sits beside it.
  const entry = createRequire(import.meta.url).resolve('chart.js');
  chartJs = inlinable(readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8'), 'chart.js bundle');
  return chartJs;
}

/**
 * reports/browser/*.ts bundled into one script (an IIFE: it declares nothing global). Built synchronously so that
 * rendering a report stays one synchronous call; esbuild takes a few tens of milliseconds for it.
 */
export function chartDrawingScript(): string {
  if (drawing !== undefined) return drawing;
  const result = buildSync({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  drawing = inlinable(result.outputFiles[0].text, 'the chart drawing script');
  return drawing;
}
