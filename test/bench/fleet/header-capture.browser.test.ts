import { describe, expect, it } from 'vitest';
import { loadHeaderProfile } from '../../../clients/header-profile.js';
import { captureBrowserHeaders, profileOf, withoutVersion } from '../../../bench/fleet/header-capture.js';
import { NO_CHROMIUM } from '../../demo/browser.js';

describe.skipIf(NO_CHROMIUM)('the Chromium header profile against the installed Chromium', () => {
  it('re-captures the same headers, names, order and values, but for the browser’s version', { timeout: 90_000 }, async () => {
    const stored = loadHeaderProfile('chromium');
    const captured = profileOf(await captureBrowserHeaders());
    // A newer Chromium may differ in its version alone; anything else means: run npm run capture-headers.
    expect(withoutVersion(captured)).toEqual(withoutVersion(stored));
    // The two polls are one browser API (fetch): the same headers.
    expect(captured.requests['long-poll']).toEqual(captured.requests.poll);
  });
});
