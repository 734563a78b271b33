import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(htmlPath, html);
  return { jsonPath, htmlPath };
}
