import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../../clients/browser/main.ts', import.meta.url));

let bundled: Promise<string> | undefined;

/**
 * The page's script: clients/browser/*.ts bundled into one ES module when the demo starts, so the page works
 * offline and the TypeScript the browser runs is the TypeScript `tsc` checks. Built once per process.
 */
export function browserBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return bundled;
}
