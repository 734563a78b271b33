import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { nowMs } from '../../../servers/contract/message.js';
import { h2request } from '../http2/helpers.js';
import { rawExchange } from '../../helpers.js';

/**
 * POST /api/publish on the lean path (servers/api/publish-route.ts), over HTTP/1.1 and HTTP/2: the answer's bytes,
 * what is stored (the publisher's own time `t` included), the route's limits, and that it stays control traffic.
 */
const TOKEN = 'publisher-token-1';
const LIMIT = 512;
const BEFORE_MS = 60_000;
const AFTER_MS = 500;

let server: PushServer;
let port: number;

beforeAll(async () => {
  server = new PushServer({
    strategies: ['short-polling', 'long-polling'],
    limits: { publishBodyBytes: LIMIT, publishTimeBeforeMs: BEFORE_MS, publishTimeAfterMs: AFTER_MS, longPollTimeoutMs: 2_000 },
    security: { publishToken: TOKEN },
  });
  await server.listen(0, '127.0.0.1');
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
});

const headers = { 'content-type': 'application/json', 'x-pushbench-token': TOKEN };

interface Answer {
  status: number;
  body: string;
  type: string | undefined;
}

async function overHttp1(body: string): Promise<Answer> {
  const res = await fetch(`${server.url}/api/publish`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? undefined };
}

/** A request as the body-size tests need it: exactly `bytes` bytes of body. */
function bodyOf(bytes: number): string {
  const frame = '{"payload":""}';
  return `{"payload":"${'x'.repeat(bytes - frame.length)}"}`;
}

describe('POST /api/publish on the lean path', () => {
  it('answers 202 {"seq":n} over HTTP/1.1 with the bytes express sent: nosniff, type, length, then Date and keep-alive', async () => {
    const body = '{"payload":"hello"}';
    const head =
      `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Pushbench-Token: ${TOKEN}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const answer = await rawExchange(port, head + body);
    const seq = server.source.head;
    const expected = [
      'HTTP/1.1 202 Accepted',
      'X-Content-Type-Options: nosniff',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${`{"seq":${seq}}`.length}`,
      'Date: DATE',
      'Connection: keep-alive',
      'Keep-Alive: timeout=65',
      '',
      `{"seq":${seq}}`,
    ].join('\r\n');
    expect(answer.replace(/\r\nDate: [^\r]+\r\n/, '\r\nDate: DATE\r\n')).toBe(expected);
    expect(server.source.since(seq - 1).messages.map((m) => m.payload)).toEqual(['hello']);
  });

  it('answers the same over HTTP/2, on a stream', async () => {
    const session = http2.connect(server.url);
    try {
      const answer = await h2request(session, '/api/publish', { ':method': 'POST', ...headers }, '{"payload":{"n":2},"to":"ann"}');
      const seq = server.source.head;
      expect([answer.status, answer.body]).toEqual([202, `{"seq":${seq}}`]);
      expect([answer.headers['content-type'], answer.headers['x-content-type-options'], answer.headers['content-length']]).toEqual([
        'application/json; charset=utf-8',
        'nosniff',
        String(answer.body.length),
      ]);
      const [message] = server.source.since(seq - 1, 'ann').messages;
      expect([message.seq, message.payload, message.to]).toEqual([seq, { n: 2 }, 'ann']);
    } finally {
      session.close();
    }
  });

  it('answers several publishes pipelined on one HTTP/1.1 connection in order, with consecutive seqs', async () => {
    const first = server.source.head + 1;
    const one = (n: number) => {
      const body = JSON.stringify({ payload: n });
      const head = `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Pushbench-Token: ${TOKEN}\r\n`;
      return `${head}Content-Length: ${body.length}\r\n\r\n${body}`;
    };
    const answer = await rawExchange(port, one(1) + one(2) + one(3));
    expect([...answer.matchAll(/\{"seq":(\d+)\}/g)].map((m) => Number(m[1]))).toEqual([first, first + 1, first + 2]);
    expect(server.source.since(first - 1).messages.map((m) => m.payload)).toEqual([1, 2, 3]);
  });

  it('answers a publish pipelined behind a held long poll at once: the poll gets the message, then the 202 follows', async () => {
    const since = server.source.head;
    const body = '{"payload":"wake"}';
    const bytes =
      `GET /api/long-poll?since=${since} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n` +
      `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Pushbench-Token: ${TOKEN}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`;
    const answer = await rawExchange(port, bytes);
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 202]);
    expect(answer.indexOf('"payload":"wake"')).toBeLessThan(answer.indexOf(`{"seq":${since + 1}}`));
  });
});

describe.each(['1.1', '2'] as const)("the publisher's own time `t`, over HTTP/%s", (version) => {
  let session: http2.ClientHttp2Session | undefined;
  beforeAll(() => {
    if (version === '2') session = http2.connect(server.url);
  });
  afterAll(() => session?.close());
  const send = async (body: string): Promise<Answer> => {
    if (version === '1.1') return overHttp1(body);
    const answer = await h2request(session!, '/api/publish', { ':method': 'POST', ...headers }, body);
    return { status: answer.status, body: answer.body, type: answer.headers['content-type'] };
  };

  it('is stored as the message’s t, byte for byte, when it lies within the limits', async () => {
    const t = nowMs() - 1_234.5;
    const answer = await send(JSON.stringify({ payload: 'scheduled', t }));
    expect(answer.status).toBe(202);
    const { seq } = JSON.parse(answer.body) as { seq: number };
    const [message] = server.source.since(seq - 1).messages;
    expect([message.t, message.payload]).toEqual([t, 'scheduled']);
  });

  it('is the server’s clock at publish when absent', async () => {
    const before = nowMs();
    const answer = await send('{"payload":"now"}');
    const after = nowMs();
    const { seq } = JSON.parse(answer.body) as { seq: number };
    const { t } = server.source.since(seq - 1).messages[0];
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
  });

  it.each([
    ['older than the limit', () => nowMs() - BEFORE_MS - 5_000],
    ['later than the limit', () => nowMs() + AFTER_MS + 5_000],
    ['a string', () => String(nowMs())],
    ['null', () => null],
  ])('refuses a t %s with 400 and stores nothing', async (_what, t) => {
    const head = server.source.head;
    const answer = await send(JSON.stringify({ payload: 'x', t: t() }));
    expect([answer.status, answer.type, JSON.parse(answer.body)]).toEqual([
      400,
      'application/json; charset=utf-8',
      {
        error: `"t" must be a time in ms since 1970 (as Date.now() counts), at most ${BEFORE_MS} ms before the server's clock and ${AFTER_MS} ms after it`,
      },
    ]);
    expect(server.source.head).toBe(head);
  });

  it(`takes a body of exactly ${LIMIT} bytes and refuses one byte more with 413`, async () => {
    expect((await send(bodyOf(LIMIT))).status).toBe(202);
    const over = await send(bodyOf(LIMIT + 1));
    expect([over.status, JSON.parse(over.body)]).toEqual([413, { error: `body over the limit of ${LIMIT} bytes` }]);
  });
});

describe('as control traffic', () => {
  it('counts its refusals and its bytes as control, never against a strategy', async () => {
    const before = server.stats();
    const refused = await fetch(`${server.url}/api/publish`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(refused.status).toBe(401);
    const accepted = await overHttp1('{"payload":"counted"}');
    expect(accepted.status).toBe(202);
    const after = server.stats();
    expect(after.control.failedByStatus['401']).toBe((before.control.failedByStatus['401'] ?? 0) + 1);
    expect(after.control.bytes.clientToServer).toBeGreaterThan(before.control.bytes.clientToServer);
    for (const name of ['short-polling', 'long-polling']) {
      expect(after.strategies[name].failed, name).toBe(before.strategies[name].failed);
      expect(after.strategies[name].bytes, name).toEqual(before.strategies[name].bytes);
    }
  });
});
