import { describe, expect, it } from 'vitest';
import { loadHeaderProfile } from '../../../clients/header-profile.js';
import { captureBrowserHeaders, profileOf, withoutVersion } from '../../../bench/fleet/header-capture.js';
import { CAPTURED_POLLS, captureHttp2Browser, PRIORITY_FIELD_BYTES, simulatedHttp2PollBytes } from '../../../bench/fleet/http2-capture.js';
import { NO_CHROMIUM } from '../../demo/browser.js';

describe.skipIf(NO_CHROMIUM)('the Chromium header profile against the installed Chromium', () => {
  it(
    're-captures the same headers over HTTP/1.1 and over h2 (TLS), names, order and values, but for the browser’s version',
    { timeout: 120_000 },
    async () => {
      const stored = loadHeaderProfile('chromium');
      const http2 = await captureHttp2Browser();
      const captured = profileOf(await captureBrowserHeaders(), http2);
      // A newer Chromium may differ in its version alone; anything else means: run npm run capture-headers.
      expect(withoutVersion(captured)).toEqual(withoutVersion(stored));
      // The two polls are one browser API (fetch): the same headers, over either version.
      expect(captured.requests['long-poll']).toEqual(captured.requests.poll);
      expect(captured.http2Requests!['long-poll']).toEqual(captured.http2Requests!.poll);
      // Over h2 the browser sends its HTTP/1.1 fields without Host and Connection, in lower case, and adds priority.
      const h1 = captured.requests.poll.filter(([name]) => !['host', 'connection'].includes(name.toLowerCase()));
      expect(captured.http2Requests!.poll).toEqual([...h1.map(([name, value]) => [name.toLowerCase(), value]), ['priority', 'u=1, i']]);
    },
  );

  it(
    'over h2, a repeated poll of our simulated client is HPACK-coded to the browser’s size but for the browser’s PRIORITY field',
    { timeout: 120_000 },
    async () => {
      const http2 = await captureHttp2Browser();
      const simulated = await simulatedHttp2PollBytes(loadHeaderProfile('chromium'));
      expect(http2.pollRequestBytes).toHaveLength(CAPTURED_POLLS - 1);
      expect(simulated.bytes).toHaveLength(CAPTURED_POLLS - 1);
      // After the first poll, every field is in HPACK's table: each repeated poll costs the same few bytes, a tenth of
      // what the same request is over HTTP/1.1.
      const repeated = http2.pollRequestBytes.slice(1);
      expect(new Set(repeated).size).toBe(1);
      expect(repeated[0]).toBeLessThan(100);
      expect(http2.pollPriority).toBe(true);
      expect(simulated.priority).toBe(false);
      for (const bytes of simulated.bytes.slice(1)) expect(bytes).toBe(repeated[0] - PRIORITY_FIELD_BYTES);
    },
  );
});
