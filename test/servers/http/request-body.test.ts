import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { rawExchange } from '../../helpers.js';

/**
 * The request battery of bad bodies, cursors and methods, sent over HTTP/1.1 and over HTTP/2 alike: each gets the
 * same 4xx JSON answer on both versions, and the process lives through all of them (a body reader written for
 * HTTP/1.1 sockets once crashed the server on an HTTP/2 stream).
 */
const TOKEN = 'teacher-token-123';
const LIMIT = 1_024;
const BODY_TIMEOUT_MS = 400;

let server: PushServer;
let port: number;

beforeAll(async () => {
  server = new PushServer({
    limits: { publishBodyBytes: LIMIT, longPollTimeoutMs: 1_000, bodyTimeoutMs: BODY_TIMEOUT_MS },
    security: { publishToken: TOKEN, userSecret: 'a-user-secret-of-16+' },
  });
  await server.listen(0, '127.0.0.1');
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
});

interface Exchange {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface Case {
  what: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  error: string | RegExp;
}

const json = { 'content-type': 'application/json', 'x-pushbench-token': TOKEN };

const CASES: Case[] = [
  {
    what: 'a publish body over the limit',
    method: 'POST',
    path: '/api/publish',
    headers: json,
    body: JSON.stringify({ payload: 'x'.repeat(2 * LIMIT) }),
    status: 413,
    error: `body over the limit of ${LIMIT} bytes`,
  },
  {
    what: 'a user-token body over the limit',
    method: 'POST',
    path: '/api/user-token',
    headers: json,
    body: JSON.stringify({ user: 'u'.repeat(5 * LIMIT) }),
    status: 413,
    error: `body over the limit of ${LIMIT} bytes`,
  },
  { what: 'a body that is not JSON', method: 'POST', path: '/api/publish', headers: json, body: '{{{', status: 400, error: 'body is not valid JSON' },
  {
    what: 'a body that is not UTF-8',
    method: 'POST',
    path: '/api/publish',
    headers: json,
    body: Buffer.from([0x7b, 0x22, 0x70, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    status: 400,
    error: 'body is not valid UTF-8',
  },
  {
    what: 'a charset other than UTF-8',
    method: 'POST',
    path: '/api/publish',
    headers: { ...json, 'content-type': 'application/json; charset=ebcdic' },
    body: '{"payload":1}',
    status: 415,
    error: 'body must be UTF-8 JSON',
  },
  {
    what: 'a compressed body',
    method: 'POST',
    path: '/api/publish',
    headers: { ...json, 'content-encoding': 'gzip' },
    body: '\x1f\x8b\x08\x00',
    status: 415,
    error: 'body must not be compressed (Content-Encoding: gzip)',
  },
  {
    what: 'a number JSON cannot hold',
    method: 'POST',
    path: '/api/publish',
    headers: json,
    body: '{"payload":1e309}',
    status: 400,
    error: /number out of range/,
  },
  {
    what: 'a body without the payload field',
    method: 'POST',
    path: '/api/publish',
    headers: json,
    body: '{"pay":1}',
    status: 400,
    error: /"payload" field/,
  },
  {
    what: 'a text/plain body',
    method: 'POST',
    path: '/api/publish',
    headers: { ...json, 'content-type': 'text/plain' },
    body: '{"payload":1}',
    status: 415,
    error: 'the body must be sent as Content-Type: application/json',
  },
  {
    what: 'a publish without the token',
    method: 'POST',
    path: '/api/publish',
    headers: { 'content-type': 'application/json' },
    body: '{"payload":1}',
    status: 401,
    error: /token/,
  },
  {
    what: 'a wrong method on a poll',
    method: 'POST',
    path: '/api/poll?since=0',
    headers: json,
    body: '{}',
    status: 405,
    error: '/api/poll takes GET, not POST',
  },
  { what: 'a wrong method on publish', method: 'GET', path: '/api/publish', status: 405, error: '/api/publish takes POST, not GET' },
  { what: 'a malformed cursor', method: 'GET', path: '/api/poll?since=-1', status: 400, error: /since must be/ },
  { what: 'a malformed long-poll cursor', method: 'GET', path: '/api/long-poll?since=1.5', status: 400, error: /since must be/ },
  { what: 'an unknown path', method: 'GET', path: '/api/nope', status: 404, error: 'no route GET /api/nope' },
];

async function overHttp1(c: Case): Promise<Exchange> {
  const body = typeof c.body === 'string' ? c.body : c.body && new Blob([new Uint8Array(c.body)]);
  const res = await fetch(`${server.url}${c.path}`, { method: c.method, headers: c.headers, ...(body !== undefined && { body }) });
  return { status: res.status, body: await res.json(), headers: Object.fromEntries(res.headers) };
}

function overHttp2(session: http2.ClientHttp2Session, c: Case): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': c.method, ':path': c.path, ...c.headers }, { endStream: c.body === undefined });
    let headers: http2.IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: string) => (text += chunk));
    // The server may reset the stream (NO_ERROR) once it has answered a body it would not read to the end.
    stream.on('close', () => resolve({ status: Number(headers[':status']), body: JSON.parse(text) as unknown, headers }));
    stream.on('error', reject);
    if (c.body !== undefined) stream.end(c.body);
  });
}

describe.each(['1.1', '2'] as const)('the bad-request battery over HTTP/%s', (version) => {
  let session: http2.ClientHttp2Session | undefined;
  beforeAll(() => {
    if (version === '2') session = http2.connect(server.url);
  });
  afterAll(() => session?.close());
  const send = (c: Case) => (version === '2' ? overHttp2(session!, c) : overHttp1(c));

  it.each(CASES)('answers $what with $status and a JSON error', async (c) => {
    const answer = await send(c);
    expect(answer.status).toBe(c.status);
    const error = (answer.body as { error: string }).error;
    if (typeof c.error === 'string') expect(error).toBe(c.error);
    else expect(error).toMatch(c.error);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('answers a body that is over the limit while it is still arriving with 413 at once, and reads no more of it', async () => {
    if (version === '1.1') {
      // Chunked, over the limit after the second chunk, never ended: refused when the limit is passed.
      const head =
        `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Pushbench-Token: ` +
        `${TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const chunk = `${LIMIT.toString(16)}\r\n${'a'.repeat(LIMIT)}\r\n`;
      const answer = await rawExchange(port, head + chunk + chunk, 300);
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
      expect(answer).toContain('Connection: close');
      expect(answer).toContain(`{"error":"body over the limit of ${LIMIT} bytes"}`);
      return;
    }
    const stream = session!.request({ ':method': 'POST', ':path': '/api/publish', ...json });
    const closed = new Promise<{ status: number; rstCode: number; text: string }>((resolve) => {
      let status = 0;
      let text = '';
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('close', () => resolve({ status, rstCode: stream.rstCode ?? -1, text }));
      stream.on('error', () => {});
    });
    stream.write('a'.repeat(2 * LIMIT));
    const { status, rstCode, text } = await closed;
    expect([status, text]).toEqual([413, `{"error":"body over the limit of ${LIMIT} bytes"}`]);
    expect(rstCode).toBe(http2.constants.NGHTTP2_NO_ERROR);
  });

  it('answers a declared length over the limit with 413 before any of the body arrives', async () => {
    if (version === '1.1') {
      const head =
        `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Pushbench-Token: ` +
        `${TOKEN}\r\nContent-Length: 100000\r\n\r\n{"payload":1}`;
      const answer = await rawExchange(port, head, 300);
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
      return;
    }
    const stream = session!.request({ ':method': 'POST', ':path': '/api/publish', ...json, 'content-length': '100000' });
    const status = await new Promise<number>((resolve) => {
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.on('error', () => {});
    });
    stream.write('{"payload":1}');
    expect(status).toBe(413);
  });

  it('answers a body that stops arriving with a JSON 408 after the body timeout, counted', async () => {
    const before = server.stats().control.failedByStatus['408'] ?? 0;
    if (version === '1.1') {
      const head =
        `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nX-Pushbench-Token: ` +
        `${TOKEN}\r\nContent-Length: 50\r\n\r\n{"payload":`;
      const answer = await rawExchange(port, head, BODY_TIMEOUT_MS + 600);
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
      expect(answer).toContain(`{"error":"request body not received within ${BODY_TIMEOUT_MS} ms"}`);
    } else {
      const stream = session!.request({ ':method': 'POST', ':path': '/api/publish', ...json });
      const answer = new Promise<{ status: number; text: string }>((resolve) => {
        let status = 0;
        let text = '';
        stream.on('response', (h) => (status = Number(h[':status'])));
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (text += chunk));
        stream.on('close', () => resolve({ status, text }));
        stream.on('error', () => {});
      });
      stream.write('{"payload":');
      const { status, text } = await answer;
      expect([status, text]).toEqual([408, `{"error":"request body not received within ${BODY_TIMEOUT_MS} ms"}`]);
    }
    expect(server.stats().control.failedByStatus['408']).toBe(before + 1);
  });
});

describe('after the battery', () => {
  it('the process lives and serves a normal publish and poll over both versions', async () => {
    const published = await fetch(`${server.url}/api/publish`, { method: 'POST', headers: json, body: '{"payload":"still here"}' });
    expect(published.status).toBe(202);
    const { seq } = (await published.json()) as { seq: number };
    const session = http2.connect(server.url);
    const answer = await overHttp2(session, { what: 'poll', method: 'GET', path: `/api/poll?since=${seq - 1}`, status: 200, error: '' });
    session.close();
    expect((answer.body as { messages: { payload: unknown }[] }).messages.map((m) => m.payload)).toEqual(['still here']);
  });
});
