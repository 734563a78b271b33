/**
 * `npm run capture-headers`: records the request headers the installed Chromium sends for each strategy's browser
 * client and writes them as the header profile the simulated clients send (clients/header-profiles/chromium.json).
 * A test re-captures and fails when the stored profile has drifted by more than the browser's version.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureBrowserHeaders, profileOf } from '../bench/fleet/header-capture.js';

const OUT = fileURLToPath(new URL('../clients/header-profiles/chromium.json', import.meta.url));

try {
  const profile = profileOf(await captureBrowserHeaders());
  // One header line per line of the file, as Prettier would print it: the file reads like the request.
  writeFileSync(OUT, `${JSON.stringify(profile, null, 2).replace(/\[\n\s+(".*"),\n\s+(".*")\n\s+\]/g, '[$1, $2]')}\n`);
  const sizes = Object.entries(profile.requests).map(([kind, lines]) => `${kind} ${lines.length} headers`);
  console.log(`Chromium ${profile.version}: ${sizes.join(', ')}\nwrote ${OUT}`);
} catch (error) {
  console.error(`capture-headers: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
