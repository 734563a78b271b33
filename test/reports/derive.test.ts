import { describe, expect, it } from 'vitest';
import { deriveMetrics } from '../../reports/derive.js';
import { longPollingRun, shortPollingRun, webSocketRun } from './fixture.js';

describe('deriveMetrics', () => {
  it('divides by delivered messages: 300 requests for 150 messages, 200 of them empty', () => {
    const run = shortPollingRun();
    run.messages = { ...run.messages, expected: 150, delivered: 150, missed: 0 };
    run.requests = { total: 300, withMessages: 100, empty: 200, failed: 0, reconnects: 0 };
    run.bytes = {
      clientToServer: 45_000,
      serverToClient: 75_000,
      payload: 19_200,
      serverSide: { clientToServer: 45_000, serverToClient: 75_000 },
    };
    run.server = { ...run.server, cpuMs: 60 };
    const d = deriveMetrics(run);
    expect(d.delivered).toBe(150);
    expect(d.deliveredShare).toBe(1);
    expect(d.requestsPerDelivered).toBe(2);
    expect(d.withMessagesPerDelivered).toBe(100 / 150);
    expect(d.emptyPerDelivered).toBe(200 / 150);
    expect(d.failedPerDelivered).toBe(0);
    expect(d.otherPerDelivered).toBe(0);
    expect(d.emptyShare).toBe(200 / 300);
    expect(d.bytesUpPerDelivered).toBe(300);
    expect(d.bytesDownPerDelivered).toBe(500);
    expect(d.bytesTotalPerDelivered).toBe(800);
    expect(d.payloadPerDelivered).toBe(128);
    expect(d.overheadRatio).toBe(120_000 / 19_200);
    expect(d.cpuMsPerThousand).toBe(400);
    expect(d.byteCountMismatch).toBe(0);
    expect(d.expectedPollWaitUs).toBe(500_000);
  });

  it('gives the fixture short-polling run 2.00 requests per message and 60.7 % empty', () => {
    const d = deriveMetrics(shortPollingRun());
    expect(d.requestsPerDelivered).toBe(2);
    expect(d.emptyShare).toBe(0.607);
    expect(d.bytesUpPerDelivered).toBe(360);
    expect(d.bytesDownPerDelivered).toBe(563.72);
    expect(d.overheadRatio).toBe(461_860 / 64_000);
    expect(d.cpuMsPerThousand).toBe(620);
  });

  it('counts a WebSocket handshake as an "other" request so the stack adds up', () => {
    const d = deriveMetrics(webSocketRun());
    expect(d.requestsPerDelivered).toBe(0.1);
    expect(d.withMessagesPerDelivered).toBe(0);
    expect(d.emptyPerDelivered).toBe(0);
    expect(d.otherPerDelivered).toBe(0.1);
    expect(d.emptyShare).toBe(0);
  });

  it('reports the largest client/server byte-count gap over both directions', () => {
    // Long polling: 179,500 counted at the clients, 179,600 at the server.
    expect(deriveMetrics(longPollingRun()).byteCountMismatch).toBe(100 / 179_600);
  });

  it('returns null, never Infinity or NaN, when nothing was delivered', () => {
    const run = shortPollingRun();
    run.messages = { ...run.messages, delivered: 0, missed: 500 };
    run.requests = { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 };
    run.bytes = { clientToServer: 0, serverToClient: 0, payload: 0, serverSide: { clientToServer: 0, serverToClient: 0 } };
    run.scenario = { ...run.scenario, pollIntervalMs: 250 };
    const d = deriveMetrics(run);
    expect(d).toEqual({
      delivered: 0,
      deliveredShare: 0,
      requestsPerDelivered: null,
      withMessagesPerDelivered: null,
      emptyPerDelivered: null,
      failedPerDelivered: null,
      otherPerDelivered: null,
      emptyShare: null,
      bytesUpPerDelivered: null,
      bytesDownPerDelivered: null,
      bytesTotalPerDelivered: null,
      payloadPerDelivered: null,
      overheadRatio: null,
      cpuMsPerThousand: null,
      byteCountMismatch: null,
      expectedPollWaitUs: 125_000,
    });
  });

  it('returns null for the delivered share when nothing was expected', () => {
    const run = webSocketRun();
    run.messages = { published: 0, expected: 0, delivered: 0, missed: 0, duplicated: 0, outOfOrder: 0, gaps: 0 };
    expect(deriveMetrics(run).deliveredShare).toBeNull();
  });
});
