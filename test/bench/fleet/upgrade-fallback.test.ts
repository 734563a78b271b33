import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketFallbackClient } from '../../../clients/websocket-fallback.js';
import { PushServer } from '../../../servers/app.js';
import {
  blockedPlan,
  BLOCKING_PROXY_HOOKS,
  mergeGroupEvidence,
  perClient,
  servedStrategies,
  UpgradeGroups,
  upgradeFallback,
} from '../../../bench/fleet/upgrade-fallback.js';
import { range, record, sleep, waitFor } from '../../helpers.js';

let server: PushServer | undefined;
const clients: WebSocketFallbackClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  await server?.close();
  server = undefined;
});

describe('which clients the proxy refuses', () => {
  it('refuses exactly round(share × clients), the same ones for the same seed', () => {
    const plan = blockedPlan(7, 50, 0.3);
    expect(plan.filter(Boolean)).toHaveLength(15);
    expect(blockedPlan(7, 50, 0.3)).toEqual(plan);
    expect(blockedPlan(8, 50, 0.3)).not.toEqual(plan);
    expect(blockedPlan(7, 10, 0).filter(Boolean)).toHaveLength(0);
    expect(blockedPlan(7, 10, 1).filter(Boolean)).toHaveLength(10);
  });

  it('mounts long polling beside WebSocket only when the upgrade is blocked for some', () => {
    expect(servedStrategies('websocket', { blockedUpgrade: 0.3 })).toEqual(['websocket', 'long-polling']);
    expect(servedStrategies('websocket', {})).toEqual(['websocket']);
    expect(servedStrategies('short-polling', { blockedUpgrade: 0.3 })).toEqual(['short-polling']);
  });
});

describe('clients behind a proxy that blocks the upgrade', () => {
  it('fall back to long polling and receive every message exactly once, in order, as the upgraded ones do', async () => {
    server = new PushServer({
      strategies: servedStrategies('websocket', { blockedUpgrade: 0.3 }),
      hooks: BLOCKING_PROXY_HOOKS,
      limits: { longPollTimeoutMs: 2_000 },
    });
    await server.listen(0, '127.0.0.1');
    const blocked = blockedPlan(3, 10, 0.3);
    const received = blocked.map((blockUpgrade) => {
      const client = new WebSocketFallbackClient({
        baseUrl: server!.url,
        blockUpgrade,
        longPollTimeoutMs: 2_000,
        reconnectMinMs: 20,
        reconnectMaxMs: 200,
      });
      clients.push(client);
      const seen = record(client);
      client.start();
      return seen;
    });
    const groups = new UpgradeGroups(clients);
    await waitFor(
      () => server!.stats().strategies.websocket.attached + server!.stats().strategies['long-polling'].attached === 10,
      'every client in',
    );
    for (let i = 1; i <= 30; i++) {
      server.source.publish(`m${i}`);
      // Bursts, so that some arrive while a fallback client is between two polls.
      if (i % 4 === 0) await sleep(10);
    }
    await waitFor(() => received.every((r) => r.seqs.length >= 30), 'all 30 messages everywhere');
    await sleep(100);
    for (const r of received) expect(r.seqs).toEqual(range(1, 30));
    expect(clients.map((client) => client.transport)).toEqual(blocked.map((b) => (b ? 'long-polling' : 'websocket')));
    // Each refused client's upgrade was refused once, as a proxy's 403, and never tried again.
    expect(server.stats().strategies.websocket.failedByStatus).toEqual({ 403: 3 });
    expect(server.stats().strategies['long-polling'].requests).toBeGreaterThanOrEqual(3 * 2);

    const report = groups.report(range(1, 30));
    expect(report.map((g) => [g.transport, g.clients, g.delivered, g.missed, g.duplicated, g.outOfOrder])).toEqual([
      ['websocket', 7, 7 * 30, 0, 0, 0],
      ['long-polling', 3, 3 * 30, 0, 0, 0],
    ]);
    const [upgraded, fellBack] = report;
    expect(upgraded.requests).toMatchObject({ total: 7, failed: 0 });
    // The refused upgrade is a failed request of the fallback group, then come its polls.
    expect(fellBack.requests.failed).toBe(3);
    expect(fellBack.requests.total).toBe(3 + fellBack.requests.withMessages + fellBack.requests.empty + 3);
    expect(fellBack.timeToReadyMs).toHaveLength(3);
    expect(upgraded.firstMessageLatencyMs).toHaveLength(7);
    const outcome = upgradeFallback(0.3, 3, mergeGroupEvidence([report.slice(0, 1), report.slice(1)]));
    expect(outcome.groups.map((g) => [g.transport, g.latencyUs.count])).toEqual([
      ['websocket', 210],
      ['long-polling', 90],
    ]);
  });
});

describe('per-client times', () => {
  it('are nearest-rank percentiles', () => {
    expect(perClient([5, 1, 4, 2, 3])).toEqual({ p50: 3, p99: 5, max: 5, mean: 3 });
    expect(perClient([])).toEqual({ p50: 0, p99: 0, max: 0, mean: 0 });
  });
});
