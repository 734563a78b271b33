import { missing } from '../../requirements.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../../clients/client.js';
import { STRATEGIES } from '../../../bench/plan/strategies.js';
import { PushServer } from '../../../servers/app.js';
import { OWN_STRATEGY_NAMES } from '../../../servers/registry.js';
import { findStackPrograms, startNginxProxy, type RunningStack } from '../../../servers/stack/stack-process.js';
import { range, record, sleep, waitFor } from '../../helpers.js';

/**
 * nginx from Debian's package in front of our server, as the article recommends for a push server: every strategy
 * of ours through it (WebSocket upgrades passed on), keep-alive to the upstream, and what its default timeout does
 * to a connection on which nothing arrives.
 */
const opened: { close(): Promise<void> }[] = [];
const clients: SimulatedClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

async function behindNginx(strategies: readonly string[], readTimeoutSec = 60): Promise<{ server: PushServer; nginx: RunningStack }> {
  const server = new PushServer({ strategies, limits: { longPollTimeoutMs: 2_000 } });
  await server.listen(0, '127.0.0.1');
  opened.push(server);
  const nginx = await startNginxProxy({ programs: findStackPrograms(false), upstreamPort: Number(new URL(server.url).port), readTimeoutSec });
  opened.push({ close: () => nginx.stop() });
  return { server, nginx };
}

function client(name: string, baseUrl: string, since = 0) {
  const entry = STRATEGIES.find((s) => s.info.name === name)!;
  const one = new entry.client({ baseUrl, since, pollIntervalMs: 40, longPollTimeoutMs: 2_000, reconnectMinMs: 20, reconnectMaxMs: 100 });
  clients.push(one);
  const received = record(one);
  one.start();
  return { client: one, received };
}

describe.skipIf(missing(['nginx'], 'nginx in front of our server'))('nginx in front of our server', () => {
  it.each(OWN_STRATEGY_NAMES)('passes %s on: every message once, in order', async (name) => {
    const { server, nginx } = await behindNginx([name]);
    const { received } = client(name, nginx.url);
    await waitFor(() => received.requests > 0, 'the first request');
    await sleep(100);
    const seqs = range(1, 10).map((i) => server.source.publish(`m${i}`).seq);
    await waitFor(() => received.seqs.length >= 10, 'every message through nginx');
    await sleep(100);
    expect(received.seqs).toEqual(seqs);
  });

  it('keeps its connections to our server alive: fewer than the requests it passes on', async () => {
    const { server, nginx } = await behindNginx(['short-polling']);
    client('short-polling', nginx.url);
    // Counted by our server, which counts a poll once it has answered it (a client counts it when it sends it).
    await waitFor(() => server.stats().strategies['short-polling'].requests >= 20, 'twenty polls answered');
    const counters = server.stats().strategies['short-polling'];
    expect(counters.connections.opened).toBeLessThan(counters.requests / 2);
  });

  it('closes a WebSocket on which nothing arrived for its read timeout: ours sends no heartbeat, the client resumes', async () => {
    const { server, nginx } = await behindNginx(['websocket'], 1);
    const { received } = client('websocket', nginx.url);
    await waitFor(() => received.requests === 1, 'the handshake');
    // Silent for longer than proxy_read_timeout: nginx closes the connection, the client opens another.
    await waitFor(() => received.reconnects >= 1, 'nginx to close the idle WebSocket', 10_000);
    const seq = server.source.publish('after the close').seq;
    await waitFor(() => received.seqs.length === 1, 'the message on the new connection');
    expect(received.seqs).toEqual([seq]);
    expect(received.requests).toBeGreaterThanOrEqual(2);
  });
});
