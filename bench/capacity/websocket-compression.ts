import { fileURLToPath } from 'node:url';
import { WebSocketClient } from '../../clients/websocket.js';
import { loadHeaderProfile } from '../../clients/header-profile.js';
import { RpcChild } from '../ipc/rpc.js';
import type { ServerProtocol } from '../ipc/protocol.js';
import { mulberry32 } from '../plan/random.js';
import { CALL_TIMEOUT_MS, SETTLE_TIMEOUT_MS, START_TIMEOUT_MS } from '../plan/budgets.js';

const SERVER_FILE = fileURLToPath(new URL('../children/server-process.ts', import.meta.url));

/**
 * What permessage-deflate costs and saves on our WebSocket strategy, with the upgrade a browser sends (Chromium's
 * profile, which always offers it): the same clients and schedule with the server accepting the offer and
 * declining it, for realistic JSON bodies of two sizes. The server runs in a process of its own, so its CPU is
 * its own; bytes are counted at its sockets.
 */

export interface CompressionPoint {
  payloadBytes: number;
  deflate: boolean;
  deliveries: number;
  /** Bytes server → client per delivered message, at the server's sockets (the 101 answers included: ~1 B each). */
  bytesPerDelivery: number;
  /** Server CPU while publishing, per delivered message, µs. */
  serverCpuUsPerDelivery: number;
  peakRssBytes: number;
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

/**
 * A JSON body of about `bytes` bytes as applications send them: records with repeated keys, short strings and
 * numbers (a price update, a chat line), drawn from `seed`. Filler ("xxxx…") would compress to nothing and
 * flatter compression.
 */
export function jsonPayload(bytes: number, seed: number): unknown[] {
  const random = mulberry32(seed);
  const records: unknown[] = [];
  for (let i = 0; ; i++) {
    const record = {
      id: Math.floor(random() * 1e9),
      type: WORDS[Math.floor(random() * 4)],
      user: `${WORDS[Math.floor(random() * WORDS.length)]}${Math.floor(random() * 1000)}`,
      price: Math.round(random() * 1e6) / 100,
      qty: Math.floor(random() * 500),
      text: Array.from({ length: 1 + Math.floor(random() * 4) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '),
    };
    if (JSON.stringify([...records, record]).length > bytes && i > 0) return records;
    records.push(record);
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`websocket compression: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function measurePoint(
  payloadBytes: number,
  deflate: boolean,
  clients: number,
  messages: number,
  ratePerSec: number,
): Promise<CompressionPoint> {
  const server = new RpcChild<ServerProtocol>('server process', SERVER_FILE);
  const profile = loadHeaderProfile('chromium');
  const fleet: WebSocketClient[] = [];
  try {
    const { url } = await server.call('start', { strategy: 'websocket', longPollTimeoutMs: 20_000, wsPerMessageDeflate: deflate }, START_TIMEOUT_MS);
    await server.call('openWindow', undefined, CALL_TIMEOUT_MS);
    for (let i = 0; i < clients; i++) {
      const client = new WebSocketClient({ baseUrl: url, since: 0, headerProfile: profile });
      client.on('error', () => {});
      fleet.push(client);
      client.start();
    }
    await waitUntil(
      async () => (await server.call('attached', { strategy: 'websocket' }, CALL_TIMEOUT_MS)) >= clients,
      30_000,
      'every client attached',
    );
    const received = new Map<WebSocketClient, number>();
    for (const client of fleet) client.on('message', (message) => received.set(client, message.seq));
    // Every message its own body, as an application's are: the same body again would compress to a few bytes.
    const payloads = Array.from({ length: messages }, (_, i) => jsonPayload(payloadBytes, i + 1));
    const offsetsMs = Array.from({ length: messages }, (_, i) => (i * 1000) / ratePerSec);
    const schedule = await server.call(
      'runSchedule',
      { offsetsMs, durationMs: (messages * 1000) / ratePerSec, payloadBytes, payloads },
      (messages * 1000) / ratePerSec + 30_000,
    );
    await waitUntil(() => fleet.every((client) => received.get(client) === schedule.lastSeq), 30_000, 'every message delivered');
    await Promise.all(fleet.map((client) => client.stop()));
    const report = await server.call('collect', { strategy: 'websocket', closeTimeoutMs: SETTLE_TIMEOUT_MS }, SETTLE_TIMEOUT_MS + CALL_TIMEOUT_MS);
    const deliveries = schedule.published * clients;
    const bytes = report.stats.strategies.websocket?.bytes.serverToClient ?? 0;
    return {
      payloadBytes: Math.round(payloads.reduce((total: number, p) => total + JSON.stringify(p).length, 0) / payloads.length),
      deflate,
      deliveries,
      bytesPerDelivery: Math.round((bytes / deliveries) * 10) / 10,
      serverCpuUsPerDelivery: Math.round(((schedule.load?.cpuMs ?? 0) * 1000) / deliveries),
      peakRssBytes: report.peakRssBytes,
    };
  } finally {
    await Promise.all(fleet.map((client) => client.stop().catch(() => {})));
    await server.stop('shutdown', SETTLE_TIMEOUT_MS);
  }
}

/** Every payload size with the offer accepted and declined, one after the other. */
export async function measureWebSocketCompression({
  payloadSizes = [100, 4096],
  clients = 100,
  messages = 200,
  ratePerSec = 20,
}: { payloadSizes?: number[]; clients?: number; messages?: number; ratePerSec?: number } = {}): Promise<CompressionPoint[]> {
  const points: CompressionPoint[] = [];
  for (const size of payloadSizes) for (const deflate of [false, true]) points.push(await measurePoint(size, deflate, clients, messages, ratePerSec));
  return points;
}
