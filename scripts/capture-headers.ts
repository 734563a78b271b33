/**
 * `npm run capture-headers`: records the request headers the installed Chromium sends for each strategy's browser
 * client, in cleartext over HTTP/1.1 and over TLS with h2 chosen by ALPN, and writes them as the header profile the
 * simulated clients send (clients/header-profiles/chromium.json). It prints the bytes a repeated poll's request
 * takes over h2 once HPACK has indexed its fields, Chromium's and our simulated HTTP/2 client's with the new profile.
 * A test re-captures and fails when the stored profile has drifted by more than the browser's version.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureBrowserHeaders, profileOf } from '../bench/fleet/header-capture.js';
import { captureHttp2Browser, PRIORITY_FIELD_BYTES, repeatedPollBytes, simulatedHttp2PollBytes } from '../bench/fleet/http2-capture.js';

const OUT = fileURLToPath(new URL('../clients/header-profiles/chromium.json', import.meta.url));

if (process.argv.length > 2) {
  console.error(`capture-headers: takes no arguments (got ${process.argv.slice(2).join(' ')})`);
  process.exit(2);
}

try {
  const http2 = await captureHttp2Browser();
  const profile = profileOf(await captureBrowserHeaders(), http2);
  // One header line per line of the file, as Prettier would print it: the file reads like the request.
  writeFileSync(OUT, `${JSON.stringify(profile, null, 2).replace(/\[\n\s+(".*"),\n\s+(".*")\n\s+\]/g, '[$1, $2]')}\n`);
  const sizes = Object.entries(profile.requests).map(([kind, lines]) => `${kind} ${lines.length} headers`);
  console.log(`Chromium ${profile.version}: ${sizes.join(', ')}\nwrote ${OUT}`);
  const simulated = await simulatedHttp2PollBytes(profile);
  const priority = (flag: boolean) => (flag ? `, with the ${PRIORITY_FIELD_BYTES}-byte PRIORITY field` : ', no PRIORITY field');
  console.log(
    `over h2 (TLS, ALPN), each poll's request after the first, plaintext bytes (HEADERS frame and anything sent with it):\n` +
      `  Chromium:  ${http2.pollRequestBytes.join(' ')}: a repeated poll is ${repeatedPollBytes(http2.pollRequestBytes)} B` +
      `${priority(http2.pollPriority)}\n` +
      `  simulated: ${simulated.bytes.join(' ')}: a repeated poll is ${repeatedPollBytes(simulated.bytes)} B${priority(simulated.priority)}`,
  );
} catch (error) {
  console.error(`capture-headers: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
