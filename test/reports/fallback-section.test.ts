import { describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/render.js';
import type { ClientGroup, Results, RunResult } from '../../results/results.js';
import { webSocketRun } from './fixture.js';

function group(transport: ClientGroup['transport'], clients: number, missed = 0): ClientGroup {
  return {
    transport,
    clients,
    requests: {
      total: transport === 'websocket' ? clients : clients * 21,
      withMessages: transport === 'websocket' ? 0 : clients * 10,
      empty: 0,
      failed: transport === 'websocket' ? 0 : clients,
      reconnects: 0,
    },
    bytes: { clientToServer: clients * 1_000, serverToClient: clients * 3_000 },
    delivered: clients * 10 - missed,
    missed,
    duplicated: 0,
    outOfOrder: 0,
    latencyUs: { p50: 1_500, p90: 2_000, p99: 4_000, max: 5_000, mean: 1_600, count: clients * 10 },
    timeToReadyMs: { p50: 2, p99: 4.5, max: 5, mean: 2.5 },
    firstMessageLatencyMs: { p50: 1.5, p99: 3, max: 3, mean: 1.6 },
  };
}

function results(missed: number): Results {
  const run: RunResult = {
    ...webSocketRun(),
    fallback: { blockedShare: 0.3, blockedClients: 15, groups: [group('websocket', 35), group('long-polling', 15, missed)] },
  };
  run.scenario = { ...run.scenario, blockedUpgrade: 0.3 };
  return {
    meta: {
      date: '2026-01-01T00:00:00.000Z',
      preset: 'quick',
      nodeVersion: 'v20',
      cpuModel: 'cpu',
      cpuCount: 2,
      platform: 'linux',
      totalMemoryBytes: 1,
      pushbenchVersion: '0.1.0',
      command: 'x',
      wallTimeMs: 1,
    },
    runs: [run],
  };
}

const section = (html: string) => {
  const start = html.indexOf('id="fallback"');
  return start < 0
    ? ''
    : html
        .slice(start, html.indexOf('</section>', start))
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
};

describe('When the upgrade is blocked', () => {
  it('shows both groups’ cost side by side and says every client got every message exactly once', () => {
    const text = section(renderReport(results(0)));
    // Clients, requests per client, requests per message, up and down bytes per message.
    expect(text).toContain('upgraded: WebSocket 35 1.0 0.10 100 300');
    expect(text).toContain('refused: fell back to long polling 15 21.0 2.10 100 300');
    expect(text).toContain(
      '15 of 50 clients (30.0 %) refused at the upgrade; every client of both groups received every message exactly once, in order.',
    );
  });

  it('says so when a client missed a message', () => {
    expect(section(renderReport(results(2)))).toContain('some client missed, repeated or reordered a message');
  });
});
