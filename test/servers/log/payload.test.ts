import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedClient } from '../../../clients/client.js';
import { PushServer } from '../../../servers/app.js';
import { DEFAULT_LIMITS } from '../../../servers/constants.js';
import { MessageSource, messageJson } from '../../../servers/log/message-source.js';
import { checkPayloadDepth, PayloadError } from '../../../servers/log/payload.js';
import { pollResponse, pollResponseJson } from '../../../servers/http/poll-response.js';
import { STRATEGIES } from '../../../bench/plan/strategies.js';
import { record, sleep, waitFor, type Received } from '../../helpers.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('checkPayloadDepth', () => {
  it('accepts exactly the limit and refuses one level more', () => {
    expect(() => checkPayloadDepth(JSON.parse(nested(64)), 64)).not.toThrow();
    expect(() => checkPayloadDepth(JSON.parse(nested(65)), 64)).toThrow(new PayloadError('payload is nested deeper than 64 levels'));
    expect(() => checkPayloadDepth({ a: [{ b: 'deep' }] }, 3)).not.toThrow();
    expect(() => checkPayloadDepth({ a: [{ b: {} }] }, 3)).toThrow(PayloadError);
    expect(() => checkPayloadDepth('a string is depth 0', 0)).not.toThrow();
  });
});

describe('MessageSource keeps only messages it can send', () => {
  it('stores nothing for a refused payload and serialises each message once', () => {
    const source = new MessageSource({ payloadDepth: 4 });
    expect(() => source.publish(JSON.parse(nested(5000)))).toThrow(PayloadError);
    expect(() => source.publish({ n: 1n })).toThrow(new PayloadError('payload cannot be serialised as JSON'));
    expect(source.head).toBe(0);
    const message = source.publish({ a: 'x' }, 'bob');
    expect(message.seq).toBe(1);
    expect(messageJson(message)).toBe(JSON.stringify(message));
    const result = source.since(0, 'bob');
    expect(pollResponseJson(result)).toBe(JSON.stringify(pollResponse(result)));
    const gapped = new MessageSource({ ringSize: 2 });
    for (let i = 0; i < 5; i++) gapped.publish(i);
    const withGap = gapped.since(1);
    expect(withGap.gap).toEqual({ afterSeq: 1, firstAvailableSeq: 4 });
    expect(pollResponseJson(withGap)).toBe(JSON.stringify(pollResponse(withGap)));
  });
});

/**
 * The reproduction of the hostile-input report: a payload nested 5,000 deep used to be stored although the
 * publish answered 500, after which every strategy failed and a Socket.IO connect crashed the process.
 */
describe('a payload nested 5,000 deep', () => {
  let server: PushServer;
  const clients: SimulatedClient[] = [];
  const received = new Map<string, Received>();

  beforeAll(async () => {
    server = new PushServer({ limits: { longPollTimeoutMs: 2_000 } });
    await server.listen(0, '127.0.0.1');
    for (const entry of STRATEGIES) {
      const client = new entry.client({
        baseUrl: server.url,
        since: 0,
        pollIntervalMs: 40,
        longPollTimeoutMs: 2_000,
        reconnectMinMs: 20,
        reconnectMaxMs: 200,
      });
      received.set(entry.info.name, record(client));
      clients.push(client);
      client.start();
    }
    await waitFor(() => [...received.values()].every((r) => r.requests > 0), 'every client attached');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await server.close();
  });

  it('is refused with 400 at publish, stores nothing, and every strategy goes on delivering', async () => {
    await sleep(100);
    const res = await fetch(`${server.url}/api/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"payload":${nested(5000)}}`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: `payload is nested deeper than ${DEFAULT_LIMITS.payloadDepth} levels` });
    expect(server.source.head).toBe(0);

    for (const text of ['one', 'two']) {
      const ok = await fetch(`${server.url}/api/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: text }),
      });
      expect(ok.status).toBe(202);
    }
    await waitFor(() => [...received.values()].every((r) => r.seqs.length >= 2), 'both messages at every client');
    await sleep(100);
    for (const [name, r] of received) expect([name, r.seqs, r.payloads]).toEqual([name, [1, 2], ['one', 'two']]);

    // A new client of every strategy from cursor 0 (the Socket.IO connect that used to crash the process).
    const late = STRATEGIES.map((entry) => {
      const client = new entry.client({
        baseUrl: server.url,
        since: 0,
        pollIntervalMs: 40,
        longPollTimeoutMs: 2_000,
        reconnectMinMs: 20,
        reconnectMaxMs: 200,
      });
      clients.push(client);
      const r = record(client);
      client.start();
      return [entry.info.name, r] as const;
    });
    await waitFor(() => late.every(([, r]) => r.seqs.length >= 2), 'the backlog at the late clients');
    for (const [name, r] of late) expect([name, r.seqs]).toEqual([name, [1, 2]]);
    const stats = (await (await fetch(`${server.url}/api/stats`)).json()) as { control: { failedByStatus: Record<string, number> } };
    expect(stats.control.failedByStatus).toEqual({ '400': 1 });
  });
});
