import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../../clients/browser/main.ts', import.meta.url));

const bundles = new Map<string, Promise<string>>();

/**
 * A page's script: a TypeScript entry of clients/browser/ and what it imports, bundled into one ES module, so the
 * page works offline and the TypeScript the browser runs is the TypeScript `tsc` checks. Built once per process
 * and entry.
 */
export function bundleBrowserScript(entry: string): Promise<string> {
  let bundled = bundles.get(entry);
  if (!bundled) {
    bundled = build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0].text);
    bundles.set(entry, bundled);
  }
  return bundled;
}

/** The demo page's script (clients/browser/main.ts). */
export function browserBundle(): Promise<string> {
  return bundleBrowserScript(ENTRY);
}
