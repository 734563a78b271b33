import { describe, expect, it } from 'vitest';
import { eventSourceReconnect, sixPerHost } from '../../../bench/fleet/browser-behaviour.js';
import { NO_CHROMIUM } from '../../demo/browser.js';

describe.skipIf(NO_CHROMIUM)('what the real browser does that the simulated clients need not', () => {
  it('opens six connections per host: two of eight event-stream tabs of one browser get nothing', { timeout: 90_000 }, async () => {
    const result = await sixPerHost('sse', { messages: 3, gapMs: 200, oneWayDelayMs: 0 });
    expect(result.heldBeforeMessages).toBe(6);
    // Which two wait is the order the tabs' streams reach the browser's pool in, not the order they were started.
    expect(result.tabs.map((tab) => tab.delivered).sort((a, b) => b - a)).toEqual([3, 3, 3, 3, 3, 3, 0, 0]);
  });

  it('reconnects an event stream by itself with Last-Event-ID, and the server resumes from it: each message once', { timeout: 60_000 }, async () => {
    const result = await eventSourceReconnect();
    expect(result.lastEventId).toBe(String(result.published[1]));
    expect(result.received).toEqual(result.published);
  });
});
