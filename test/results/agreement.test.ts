import { describe, expect, it } from 'vitest';
import { agreementRows, bytesPerRequest, requestsPerMessage } from '../../results/agreement.js';
import { headerBitsPerSecond, headerBytesPerPoll, LUBBERS_HEADER_BYTES_PER_POLL, LUBBERS_PRINTED_MBPS } from '../../results/header-bytes.js';
import type { RunResult } from '../../results/results.js';
import { longPollingRun, shortPollingRun } from '../reports/fixture.js';

function browserTwin(run: RunResult, change: (twin: RunResult) => void = () => {}): RunResult {
  const twin = structuredClone(run);
  twin.scenario = { ...twin.scenario, fleet: 'chromium' };
  twin.clientHeaders = { profile: 'browser', source: 'Chromium 156.0.8078.129' };
  change(twin);
  return twin;
}

describe('the agreement of the simulated fleet with a real browser', () => {
  it('pairs the runs that differ only in their fleet, and agrees on identical figures', () => {
    const long = longPollingRun();
    const rows = agreementRows([long, browserTwin(long)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      requestsDeviation: 0,
      bytesUpDeviation: 0,
      bytesDownDeviation: 0,
      agrees: true,
      browserSource: 'Chromium 156.0.8078.129',
    });
    // A twin with another cookie is another scenario: no pair.
    expect(agreementRows([long, browserTwin(long, (t) => (t.scenario.cookieBytes = 100))])).toEqual([]);
  });

  it('disagrees past 1 % in requests per message, 2 % in bytes per request, or when a message was lost', () => {
    const long = longPollingRun();
    const off = (change: (twin: RunResult) => void) => agreementRows([long, browserTwin(long, change)])[0];
    expect(off((t) => (t.requests = { ...t.requests, total: Math.round(t.requests.total * 1.011) })).agrees).toBe(false);
    expect(off((t) => (t.requests = { ...t.requests, total: Math.round(t.requests.total * 1.009) })).agrees).toBe(true);
    expect(off((t) => (t.bytes = { ...t.bytes, clientToServer: Math.round(t.bytes.clientToServer * 1.021) })).agrees).toBe(false);
    expect(off((t) => (t.bytes = { ...t.bytes, serverToClient: Math.round(t.bytes.serverToClient * 0.979) })).agrees).toBe(false);
    expect(off((t) => (t.bytes = { ...t.bytes, serverToClient: Math.round(t.bytes.serverToClient * 0.99) })).agrees).toBe(true);
    expect(off((t) => (t.messages = { ...t.messages, missed: 1 })).agrees).toBe(false);
  });

  it('takes short polling’s requests per message over the publishing window, free of the phases around it', () => {
    const short = shortPollingRun();
    expect(requestsPerMessage(short)).toBe(short.requests.total / short.messages.delivered);
    // 2,000 requests in a 10 s window of a 5 s schedule: 1,000 over the schedule, per expected delivery.
    short.steady = { windowMs: 10_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 2_000 };
    expect(requestsPerMessage(short)).toBeCloseTo((2_000 * (short.scenario.durationSec * 1000)) / 10_000 / short.messages.expected, 12);
  });
});

describe('bytes per request in the agreement check', () => {
  it('are the whole run’s, but for short polling, whose are the publishing window’s', () => {
    const long = longPollingRun();
    expect(bytesPerRequest(long)).toEqual({
      up: long.bytes.clientToServer / long.requests.total,
      down: long.bytes.serverToClient / long.requests.total,
    });
    const short = shortPollingRun();
    short.steady = { windowMs: 10_000, bytesClientToServer: 52_300, bytesServerToClient: 31_000, requests: 100 };
    expect(bytesPerRequest(short)).toEqual({ up: 523, down: 310 });
    // The server's count of the same window, when there is one, for both fleets alike.
    short.steady.atServer = { windowMs: 10_000, bytesClientToServer: 52_823, bytesServerToClient: 31_600, requests: 101 };
    expect(bytesPerRequest(short)).toEqual({ up: 523, down: 31_600 / 101 });
    expect(requestsPerMessage(short)).toBeCloseTo((101 * (short.scenario.durationSec * 1000)) / 10_000 / short.messages.expected, 12);
  });
});

describe('header bytes per poll (C4, the classic table)', () => {
  it('is the request and the answer less its body, per poll; null without counted bodies', () => {
    const short = shortPollingRun();
    expect(headerBytesPerPoll(short)).toBeNull();
    short.bytes.answerBody = 81_860;
    expect(headerBytesPerPoll(short)).toEqual({ request: 180, answerHead: 200, total: 380 });
  });

  it('reproduces the 2009 table from its 871 B (printed in Mbps of 2^20 bits)', () => {
    const printed = [1_000, 10_000, 100_000].map((clients) => headerBitsPerSecond(LUBBERS_HEADER_BYTES_PER_POLL, clients) / 2 ** 20);
    printed.forEach((mbps, i) => expect(mbps).toBeCloseTo(LUBBERS_PRINTED_MBPS[i], i === 0 ? 1 : 0));
  });
});
