import { EventEmitter } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_REFUSAL_STATUS } from '../../../clients/websocket-fallback.js';
import { PushServer } from '../../../servers/app.js';
import { ERROR_CODES, renderError, type ErrorCode, type RenderedError } from '../../../servers/http/error-codes.js';
import { asRefusal, Refusal, refuse } from '../../../servers/http/errors.js';
import { rawExchange } from '../../helpers.js';
import { h2request } from '../http2/helpers.js';

/**
 * Every code of the one table, with data, and what it must render: the messages are the public contract (the
 * clients and the README quote some), so each is spelled out here once more. A new code without a line here
 * fails the first test.
 */
const EXPECTED: { [C in ErrorCode]: [data: unknown, status: number, message: string, headers?: Record<string, string>] } = {
  malformedRequest: [undefined, 400, 'malformed HTTP request'],
  requestTimeout: [
    { headersTimeoutMs: 10_000, requestTimeoutMs: 20_000 },
    408,
    'request not received in time (headers within 10000 ms, all of it within 20000 ms)',
  ],
  headersTooLarge: [undefined, 431, 'request headers over the limit'],
  chunkExtensionsTooLarge: [undefined, 413, 'chunk extensions over the limit'],
  hostNotAllowed: [{ host: 'evil.example' }, 421, 'this server does not answer to host "evil.example"; start it with --allow-host to add a name'],
  hostMismatch: [undefined, 400, 'the Host header and :authority name different hosts'],
  noRoute: [{ method: 'GET', path: '/nope' }, 404, 'no route GET /nope'],
  methodNotAllowed: [{ path: '/api/poll', method: 'POST', allowed: 'GET' }, 405, '/api/poll takes GET, not POST', { Allow: 'GET' }],
  upgradeRequired: [{ path: '/ws' }, 426, '/ws needs a WebSocket upgrade', { Upgrade: 'websocket' }],
  noWebSocketEndpoint: [{ path: '/nope' }, 404, 'no WebSocket endpoint at /nope'],
  internal: [undefined, 500, 'internal error'],
  badRequest: [undefined, 400, 'bad request'],
  badCursor: [undefined, 400, 'since must be a non-negative integer cursor (e.g. ?since=0)'],
  badUserId: [{ field: 'client', maxChars: 64 }, 400, 'client must be 1-64 characters of A-Z a-z 0-9 . _ ~ -'],
  badIntegerParam: [{ name: 'timeout', min: 100, max: 25_000 }, 400, 'timeout must be an integer from 100 to 25000'],
  badSubprotocol: [undefined, 400, 'unsupported subprotocol; offer pushbench.v1 or none'],
  userTokenMissing: [undefined, 401, 'a user id needs its user token (token=…, issued by this server)'],
  publisherTokenMissing: [
    { what: 'publishing' },
    401,
    'publishing needs the token (X-Pushbench-Token or Authorization: Bearer)',
    { 'WWW-Authenticate': 'Bearer' },
  ],
  originNotAllowed: [{ origin: 'http://evil.example' }, 403, 'origin http://evil.example is not allowed'],
  bodyNotDeclaredJson: [undefined, 415, 'the body must be sent as Content-Type: application/json'],
  upgradeBlocked: [{ by: 'a test' }, 403, 'WebSocket upgrade blocked by a test'],
  bodyTooLarge: [{ maxBytes: 65_536 }, 413, 'body over the limit of 65536 bytes'],
  bodyTimeout: [{ timeoutMs: 9_000 }, 408, 'request body not received within 9000 ms'],
  bodyCompressed: [{ encoding: `gzip${'x'.repeat(100)}` }, 415, `body must not be compressed (Content-Encoding: gzip${'x'.repeat(28)})`],
  bodyNotUtf8Json: [undefined, 415, 'body must be UTF-8 JSON'],
  bodyNotUtf8: [undefined, 400, 'body is not valid UTF-8'],
  bodyNotJson: [undefined, 400, 'body is not valid JSON'],
  bodyNumberOutOfRange: [undefined, 400, 'body has a number out of range (JSON numbers must be finite, e.g. not 1e309)'],
  requestAborted: [undefined, 400, 'request aborted'],
  publishBodyShape: [undefined, 400, 'body must be a JSON object with a "payload" field, e.g. {"payload":"hello"}'],
  recipientNotString: [undefined, 400, '"to" must be a user id string'],
  badPublishTime: [
    { beforeMs: 3_600_000, afterMs: 1_000 },
    400,
    '"t" must be a time in ms since 1970 (as Date.now() counts), at most 3600000 ms before the server\'s clock and 1000 ms after it',
  ],
  payloadRefused: [{ reason: 'payload is nested deeper than 64 levels' }, 400, 'payload is nested deeper than 64 levels'],
  sourceUnavailable: [{ reason: 'Redis does not answer' }, 503, 'Redis does not answer', { 'Retry-After': '1' }],
  noUserSecret: [undefined, 404, 'this server has no user secret: user ids are not checked (start it with --user-secret)'],
  tooManyHeldPolls: [{ limit: 20_000 }, 503, 'too many held long polls (limit 20000)', { 'Retry-After': '1' }],
  tooManyHeldPollsPerUser: [{ limit: 64 }, 503, 'too many held long polls for one user (limit 64)', { 'Retry-After': '1' }],
  tooManyOnHttp2Session: [
    { what: 'held long polls', limit: 8 },
    503,
    'too many held long polls on one HTTP/2 connection (limit 8)',
    { 'Retry-After': '1' },
  ],
  tooManyPushClients: [{ clients: 'event streams', limit: 15_000 }, 503, 'too many event streams (limit 15000)', { 'Retry-After': '1' }],
  socketIoForbidden: [{ reason: 'Forbidden' }, 403, 'Socket.IO refused the request: Forbidden'],
  socketIoBadRequest: [{ reason: 'Session ID unknown' }, 400, 'Socket.IO refused the request: Session ID unknown'],
  demoPageId: [undefined, 400, 'page must be 8-24 characters of a-z 0-9'],
  demoTooManyPages: [{ limit: 500 }, 503, 'the demo has 500 pages open', { 'Retry-After': '5' }],
  demoNotOnLan: [undefined, 404, 'the demo is not on the local network (start it with --lan)'],
  demoTeacherOnly: [undefined, 401, 'changing settings needs the teacher token (X-Pushbench-Token)', { 'WWW-Authenticate': 'Bearer' }],
  demoNoUserSecret: [undefined, 404, 'the demo has no user secret: lanes need no user token'],
  demoNameTaken: [{ user: 'ada' }, 409, 'the name ada is taken; pick another'],
  demoNamesExhausted: [{ limit: 1_000 }, 503, 'the demo has handed out 1000 names, its limit'],
  demoSettingsShape: [undefined, 400, 'body must be a JSON object of settings, e.g. {"tickerRate":1}'],
  demoUnknownSetting: [{ field: 'colour' }, 400, 'unknown setting "colour"'],
  demoSettingNotBoolean: [{ field: 'paused' }, 400, '"paused" must be true or false'],
  demoSettingNotChoice: [{ field: 'tickerRate', choices: [0.5, 1, 2] }, 400, '"tickerRate" must be one of 0.5, 1, 2'],
};

/** renderError with data of a code chosen at run time (the table's typing wants it known when compiled). */
const render = (code: ErrorCode, data: unknown): RenderedError => Reflect.apply(renderError, undefined, [code, data]) as RenderedError;

describe('the table of error codes', () => {
  it('has a line here for every code, and each renders its status, message and headers', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, [data, status, message, headers]] of Object.entries(EXPECTED) as [ErrorCode, (typeof EXPECTED)[ErrorCode]][]) {
      expect({ code, ...render(code, data) }).toEqual({ code, status, message, headers: headers ?? {} });
    }
  });

  it('gives every refusal a 4xx or 5xx, and a 503 a Retry-After unless no wait would help', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
    }
    const withoutRetry = Object.entries(EXPECTED).filter(([, [, status, , headers]]) => status === 503 && headers?.['Retry-After'] === undefined);
    // The demo's names are handed out once per run: coming back later does not free one.
    expect(withoutRetry.map(([code]) => code)).toEqual(['demoNamesExhausted']);
  });

  it('refuses a blocked upgrade with the status the falling-back client waits for', () => {
    expect(ERROR_CODES.upgradeBlocked.status).toBe(PROXY_REFUSAL_STATUS);
  });
});

describe('asRefusal: what a handler threw', () => {
  it('keeps a Refusal, maps a body parser’s errors to their codes, and answers anything else as internal', () => {
    const cursor = new Refusal('badCursor');
    expect(asRefusal(cursor)).toBe(cursor);
    const parser = (type: string, extra: object = {}) => asRefusal(Object.assign(new Error('parser detail'), { type, ...extra })).code;
    expect(parser('entity.too.large', { limit: 100, status: 413 })).toBe('bodyTooLarge');
    expect(asRefusal(Object.assign(new Error('x'), { type: 'entity.too.large', limit: 100 })).message).toBe('body over the limit of 100 bytes');
    expect(parser('entity.parse.failed', { status: 400 })).toBe('bodyNotJson');
    expect(parser('encoding.unsupported', { status: 415 })).toBe('bodyNotUtf8Json');
    expect(parser('charset.unsupported', { status: 415 })).toBe('bodyNotUtf8Json');
    expect(parser('request.aborted', { status: 400 })).toBe('requestAborted');
    expect(parser('stream.encoding.set', { status: 411 })).toBe('badRequest');
    const internal = asRefusal(new TypeError('secret internals at /srv/app.js:12'));
    expect([internal.code, internal.status, internal.message]).toEqual(['internal', 500, 'internal error']);
    expect(asRefusal(undefined).code).toBe('internal');
    expect(asRefusal('a string').code).toBe('internal');
  });
});

describe('refuse: the one function', () => {
  it('gives a refusal to a protocol of its own, and counts it once', () => {
    const owner = new EventEmitter<{ failed: [status: number] }>();
    const counted: number[] = [];
    owner.on('failed', (status) => counted.push(status));
    const given: Refusal[] = [];
    refuse((refusal) => given.push(refusal), owner, new Refusal('tooManyPushClients', { clients: 'Socket.IO clients', limit: 2 }));
    expect(given.map((r) => [r.status, r.message, r.headers])).toEqual([[503, 'too many Socket.IO clients (limit 2)', { 'Retry-After': '1' }]]);
    expect(counted).toEqual([503]);
  });

  it('cuts an answer that has already started, and counts it once', async () => {
    const owner = new EventEmitter<{ failed: [status: number] }>();
    const counted: number[] = [];
    owner.on('failed', (status) => counted.push(status));
    const plain = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(':\n\n', () => refuse(res, owner, new Error('broke half-way')));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const answer = await rawExchange((plain.address() as net.AddressInfo).port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 2_000);
    await new Promise((resolve) => plain.close(resolve));
    // The stream's head and its first chunk, then the connection closed: no error answer inside the stream.
    expect(answer.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(answer.endsWith('\r\n\r\n3\r\n:\n\n\r\n')).toBe(true);
    expect(counted).toEqual([500]);
  });
});

describe('refuse over every transport of the server', () => {
  let server: PushServer;
  let port: number;

  beforeAll(async () => {
    server = new PushServer({
      strategies: ['short-polling', 'websocket', 'express-short-polling'],
      limits: { maxPushStreams: 0 },
    });
    await server.listen(0, '127.0.0.1');
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
  });

  const request = (head: string) => rawExchange(port, `${head}Host: 127.0.0.1:${port}\r\n\r\n`);
  const upgrade = (path: string, extra = '') =>
    request(
      `GET ${path} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ` +
        `dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}`,
    );
  /** The answer's head without its Date value, and its body. */
  const parts = (answer: string) => {
    const end = answer.indexOf('\r\n\r\n');
    return { head: answer.slice(0, end + 2).replace(/\r\nDate: [^\r]+/, '\r\nDate: -'), body: answer.slice(end + 4) };
  };

  it('answers a lean route over HTTP/1.1 with the JSON error, type, nosniff and length', async () => {
    expect(parts(await request('GET /api/poll?since=abc HTTP/1.1\r\n'))).toEqual({
      head:
        'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n' +
        'Content-Length: 71\r\nDate: -\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n',
      body: '{"error":"since must be a non-negative integer cursor (e.g. ?since=0)"}',
    });
  });

  it('answers an express route with the same bytes, its code’s headers first', async () => {
    expect(parts(await request('DELETE /api/poll HTTP/1.1\r\n'))).toEqual({
      head:
        'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n' +
        'Content-Length: 43\r\nDate: -\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n',
      body: '{"error":"/api/poll takes GET, not DELETE"}',
    });
    expect(parts(await request('GET /express/api/poll?since=-1 HTTP/1.1\r\n')).body).toBe(
      '{"error":"since must be a non-negative integer cursor (e.g. ?since=0)"}',
    );
  });

  it('answers on the raw socket before a handshake, with the code’s headers and Connection: close, then closes', async () => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `GET /ws?since=0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    // The server closes the connection itself: the wait ends without the client doing anything.
    await closed;
    const body = '{"error":"too many WebSocket clients (limit 0)"}';
    expect(text).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: application/json; charset=utf-8\r\n' +
        `X-Content-Type-Options: nosniff\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(parts(await upgrade('/ws?since=x')).body).toBe('{"error":"since must be a non-negative integer cursor (e.g. ?since=0)"}');
    expect(parts(await upgrade('/nowhere')).body).toBe('{"error":"no WebSocket endpoint at /nowhere"}');
    expect(parts(await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n')).head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });

  it('answers HTTP/2 streams the same way, without HTTP/1.1’s connection headers', async () => {
    const session = http2.connect(server.url);
    try {
      const lean = await h2request(session, '/api/poll?since=abc');
      expect([lean.status, lean.headers['content-type'], lean.headers['x-content-type-options'], lean.headers['content-length'], lean.body]).toEqual([
        400,
        'application/json; charset=utf-8',
        'nosniff',
        '71',
        '{"error":"since must be a non-negative integer cursor (e.g. ?since=0)"}',
      ]);
      const plainWs = await h2request(session, '/ws?since=0');
      expect([plainWs.status, plainWs.headers.upgrade, plainWs.headers['x-content-type-options'], plainWs.body]).toEqual([
        426,
        undefined,
        'nosniff',
        '{"error":"/ws needs a WebSocket upgrade"}',
      ]);
      const foreign = await h2request(session, '/api/poll?since=0', { ':authority': 'evil.example' });
      expect([foreign.status, foreign.body]).toEqual([
        421,
        '{"error":"this server does not answer to host \\"evil.example\\"; start it with --allow-host to add a name"}',
      ]);
    } finally {
      session.close();
    }
  });

  it('counted each refusal once, against its owner', () => {
    const stats = server.stats();
    expect(stats.strategies['short-polling'].failedByStatus).toEqual({ 400: 2 });
    expect(stats.strategies['short-polling'].failed).toBe(2);
    expect(stats.strategies['express-short-polling'].failedByStatus).toEqual({ 400: 1 });
    expect(stats.strategies.websocket.failedByStatus).toEqual({ 400: 1, 503: 1 });
    // 405 (DELETE), 404 (no WebSocket endpoint), 400 (not HTTP), 426 and 421 over HTTP/2.
    expect(stats.control.failedByStatus).toEqual({ 400: 1, 404: 1, 405: 1, 421: 1, 426: 1 });
  });
});
