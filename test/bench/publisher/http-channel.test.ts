import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerOutcome, apiPublishTarget, HttpPublishChannel } from '../../../bench/publisher/http-channel.js';
import { startPushServer, type PushServer } from '../../../servers/app.js';

/** One attempt through the HTTP channel, against real servers: what each answer, or its absence, comes to. */
const servers: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function pushServer(token?: string): Promise<PushServer> {
  const server = await startPushServer({ strategies: ['short-polling'], ...(token && { security: { publishToken: token } }) });
  servers.push(server);
  return server;
}

describe('HttpPublishChannel', () => {
  it('publishes through the API with the token: the seq, and the message stored with the planned time', async () => {
    const server = await pushServer('tok-1');
    const channel = new HttpPublishChannel(apiPublishTarget(server.url, 'tok-1'));
    servers.push(channel);
    const t = Date.now() - 250.5;
    expect(await channel.attempt('hello', t, 5_000, 'k-1')).toEqual({ seq: 1 });
    expect(server.source.since(0).messages).toEqual([{ seq: 1, t, payload: 'hello' }]);
    expect(channel.target).toBe(`POST ${server.url}/api/publish`);
  });

  it('answers a wrong token with its status, not worth another try', async () => {
    const server = await pushServer('tok-2');
    const channel = new HttpPublishChannel(apiPublishTarget(server.url, 'not-the-token'));
    servers.push(channel);
    expect(await channel.attempt('x', Date.now(), 5_000, 'k-2')).toEqual({ cause: '401', retryable: false });
    expect(server.source.head).toBe(0);
  });

  it('gives an attempt up when no answer comes in time, as not worth another try (it may have been stored)', async () => {
    const keys: (string | undefined)[] = [];
    const silent = http.createServer((req) => keys.push(req.headers['idempotency-key'] as string | undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => (silent.closeAllConnections(), silent.close()) });
    const { port } = silent.address() as AddressInfo;
    const channel = new HttpPublishChannel(apiPublishTarget(`http://127.0.0.1:${port}`, undefined));
    servers.push(channel);
    expect(await channel.attempt('x', Date.now(), 200, 'k-3')).toEqual({ cause: 'timeout', retryable: false });
    // The publish's key went with it: a server that runs the request late stores it under that key once.
    expect(keys).toEqual(['k-3']);
    // A target that stores a publish once per key may be tried again.
    const keyedChannel = new HttpPublishChannel({ ...apiPublishTarget(`http://127.0.0.1:${port}`, undefined), idempotent: true });
    servers.push(keyedChannel);
    expect(await keyedChannel.attempt('x', Date.now(), 200, 'k-3')).toEqual({ cause: 'timeout', retryable: true });
    expect(keys).toEqual(['k-3', 'k-3']);
  });

  it('tries a refused connection again: nothing can have been stored', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const channel = new HttpPublishChannel(apiPublishTarget(`http://127.0.0.1:${port}`, undefined));
    servers.push(channel);
    expect(await channel.attempt('x', Date.now(), 2_000, 'k-4')).toEqual({ cause: 'network', retryable: true });
  });

  it('refuses a target it cannot speak to', () => {
    expect(() => new HttpPublishChannel({ url: 'https://127.0.0.1/api/publish', method: 'POST', headers: {} })).toThrow(
      'the HTTP publisher speaks http:, not https: (https://127.0.0.1/api/publish)',
    );
  });
});

describe('answerOutcome', () => {
  it.each([
    [202, undefined, '{"seq":7}', { seq: 7 }],
    [200, undefined, '{"seq":7}', { seq: 7 }],
    [202, undefined, '{"seq":"7"}', { cause: '202 without a seq', retryable: false }],
    [202, undefined, 'not json', { cause: '202 without a seq', retryable: false }],
    [503, '1', '{"error":"busy"}', { cause: '503', retryable: true, retryAfterMs: 1_000 }],
    [504, undefined, '<html>', { cause: '504', retryable: true }],
    [503, 'Wed, 21 Oct 2015 07:28:00 GMT', '', { cause: '503', retryable: true }],
    [502, undefined, '', { cause: '502', retryable: false }],
    [413, undefined, '{"error":"too big"}', { cause: '413', retryable: false }],
  ])('reads %i (Retry-After %s) %s', (status, retryAfter, body, outcome) => {
    expect(answerOutcome(status, retryAfter, body)).toEqual(outcome);
  });

  it('tries a gateway’s 502 again only where the target honours Idempotency-Key: the upstream may have stored it', () => {
    expect(answerOutcome(502, undefined, '', true)).toEqual({ cause: '502', retryable: true });
    expect(answerOutcome(413, undefined, '', true)).toEqual({ cause: '413', retryable: false });
  });
});
