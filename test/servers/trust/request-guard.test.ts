import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PushServer } from '../../../servers/app.js';
import type { Message, PresenceBody } from '../../../servers/contract/message.js';
import { ROUTES, SUBPROTOCOL } from '../../../servers/contract/wire.js';
import type { SecurityOptions } from '../../../servers/trust/request-guard.js';
import { userToken } from '../../../servers/trust/user-token.js';
import { waitFor, rawExchange } from '../../helpers.js';

const TOKEN = 'publish-token-for-tests';
const SECRET = 'user-secret-for-the-tests';

let server: PushServer | undefined;
let port: number;

async function start(security: SecurityOptions = {}, strategies?: readonly string[]): Promise<PushServer> {
  server = new PushServer({ security, strategies });
  await server.listen(0, '127.0.0.1');
  port = Number(new URL(server.url).port);
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const raw = (request: string, idleMs?: number) => rawExchange(port, request, idleMs);

const statusLine = (text: string) => text.split('\r\n')[0];
const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
const upgrade = (path: string, host: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

async function publish(body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server!.url}${ROUTES.publish}`, { method: 'POST', body, headers });
  return { status: res.status, body: await res.json() };
}

describe('cross-site publishing', () => {
  it('refuses a foreign Origin with 403, text/plain or not, and stores nothing', async () => {
    await start();
    const textPlain = await publish('{"payload":"from a page elsewhere"}', { 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(textPlain).toEqual({ status: 403, body: { error: 'origin https://evil.example is not allowed' } });
    const json = await publish('{"payload":"from a page elsewhere"}', { 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(json.status).toBe(403);
    expect(server!.source.head).toBe(0);
    const sameOrigin = await publish('{"payload":"from the page itself"}', {
      'content-type': 'application/json',
      origin: `http://127.0.0.1:${port}`,
    });
    expect(sameOrigin).toEqual({ status: 202, body: { seq: 1 } });
    expect(server!.stats().control.failedByStatus).toEqual({ 403: 2 });
  });

  it('needs Content-Type: application/json (415 otherwise), in any case and with parameters', async () => {
    await start();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect(await publish('{"payload":1}', { 'content-type': type })).toEqual({
        status: 415,
        body: { error: 'the body must be sent as Content-Type: application/json' },
      });
    }
    // fetch's default for a string body is text/plain;charset=UTF-8: what a page elsewhere may send unasked.
    expect((await fetch(`${server!.url}${ROUTES.publish}`, { method: 'POST', body: '{"payload":1}' })).status).toBe(415);
    expect(server!.source.head).toBe(0);
    expect((await publish('{"payload":1}', { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(202);
  });

  it('accepts the publish token with the Bearer scheme in any case (RFC 7235)', async () => {
    await start({ publishToken: TOKEN });
    const json = { 'content-type': 'application/json' };
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect((await publish('{"payload":1}', { ...json, authorization: `${scheme} ${TOKEN}` })).status).toBe(202);
    }
    expect((await publish('{"payload":1}', { ...json, authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await publish('{"payload":1}', { ...json, authorization: `bearer ${TOKEN}x` })).status).toBe(401);
  });
});

describe('DNS rebinding: the Host header', () => {
  it('refuses a foreign Host on a poll, on the API and on a WebSocket upgrade (421), before anything else', async () => {
    await start();
    const poll = await raw(`GET /api/poll?since=0 HTTP/1.1\r\nHost: evil.example:${port}\r\n\r\n`);
    expect(statusLine(poll)).toBe('HTTP/1.1 421 Misdirected Request');
    expect(JSON.parse(bodyOf(poll))).toEqual({
      error: `this server does not answer to host "evil.example:${port}"; start it with --allow-host to add a name`,
    });
    expect(statusLine(await raw(`GET /api/stats HTTP/1.1\r\nHost: evil.example\r\n\r\n`))).toBe('HTTP/1.1 421 Misdirected Request');
    // The rebinding page's own origin matches its Host: the Origin check alone let this through with 101.
    const ws = await raw(upgrade('/ws?since=0', `evil.example:${port}`, `Origin: http://evil.example:${port}\r\n`));
    expect(statusLine(ws)).toBe('HTTP/1.1 421 Misdirected Request');
    expect(ws).not.toMatch(/^HTTP\/1\.1 101/m);
    expect(server!.stats().control.failedByStatus).toEqual({ 421: 3 });
  });

  it('answers to the loopback names and the bound address on any port, and to --allow-host names', async () => {
    await start({ allowedHosts: ['pushbench.test'] });
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'LOCALHOST',
      '[::1]:1234',
      '127.0.0.1:9',
      'pushbench.test',
      `pushbench.test:${port}`,
    ]) {
      expect(statusLine(await raw(`GET /api/poll?since=0 HTTP/1.1\r\nHost: ${host}\r\n\r\n`)), host).toBe('HTTP/1.1 200 OK');
    }
    for (const host of ['127.0.0.2', 'localhost.', 'pushbench.test.evil.example', 'x']) {
      expect(statusLine(await raw(`GET /api/poll?since=0 HTTP/1.1\r\nHost: ${host}\r\n\r\n`)), host).toBe('HTTP/1.1 421 Misdirected Request');
    }
    expect(statusLine(await raw(upgrade('/ws?since=0', `pushbench.test:${port}`, `Origin: http://pushbench.test:${port}\r\n`)))).toBe(
      'HTTP/1.1 101 Switching Protocols',
    );
  });
});

describe('signed user tokens, when the server has a user secret', () => {
  const tokenOf = (user: string) => userToken(SECRET, user);

  it('refuses a poll as alice with bob’s token, a wrong or a missing one (401); alice’s own gets her message', async () => {
    await start({ userSecret: SECRET });
    server!.source.publish('for alice', 'alice');
    const poll = (query: string) => fetch(`${server!.url}${ROUTES.poll}?since=0&${query}`);
    for (const query of [
      `user=alice&token=${tokenOf('bob')}`,
      'user=alice&token=wrong',
      'user=alice',
      `user=alice&user=bob&token=${tokenOf('alice')}`,
    ]) {
      const res = await poll(query);
      expect([res.status, await res.json()], query).toEqual([401, { error: 'a user id needs its user token (token=…, issued by this server)' }]);
    }
    // The same through a percent-encoded key: the guard reads the query as the routes do.
    expect((await poll(`%75ser=alice&token=${tokenOf('bob')}`)).status).toBe(401);
    const own = await poll(`user=alice&token=${tokenOf('alice')}`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { messages: Message[] }).messages.map((m) => m.payload)).toEqual(['for alice']);
    // Without a user id, nothing to prove.
    expect((await poll('')).status).toBe(200);
  });

  it('applies to every strategy: long poll, event stream, WebSocket upgrade and Socket.IO’s handshake auth', async () => {
    await start({ userSecret: SECRET });
    const wrong = `since=0&user=alice&token=${tokenOf('bob')}`;
    expect((await fetch(`${server!.url}${ROUTES.longPoll}?${wrong}&timeout=100`)).status).toBe(401);
    const sse = await fetch(`${server!.url}${ROUTES.sse}?${wrong}`);
    expect(sse.status).toBe(401);
    await sse.body?.cancel();
    for (const path of [ROUTES.ws, ROUTES.wsBare]) {
      expect(statusLine(await raw(upgrade(`${path}?${wrong}`, `127.0.0.1:${port}`)))).toBe('HTTP/1.1 401 Unauthorized');
    }

    server!.source.publish('for alice', 'alice');
    const ws = new WebSocket(`${server!.url.replace('http', 'ws')}${ROUTES.ws}?since=0&user=alice&token=${tokenOf('alice')}`, SUBPROTOCOL);
    const frame = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve((data as Buffer).toString()));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    expect((JSON.parse(frame) as Message).payload).toBe('for alice');
    ws.close();

    const socketIo = (token: string) =>
      new Promise<string>((resolve) => {
        const socket = io(server!.url, {
          path: ROUTES.socketIoWebSocket,
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          auth: { since: 0, user: 'alice', token },
        });
        socket.on('connect_error', (error) => {
          socket.disconnect();
          resolve(`refused: ${error.message}`);
        });
        socket.on('m', (message: Message) => {
          socket.disconnect();
          resolve(`got: ${String(message.payload)}`);
        });
      });
    expect(await socketIo(tokenOf('bob'))).toBe('refused: a user id needs its user token (token=…, issued by this server)');
    expect(await socketIo(tokenOf('alice'))).toBe('got: for alice');
    expect(server!.stats().strategies['socketio-ws'].failedByStatus).toEqual({ 401: 1 });
  });

  it('issues a user’s token to the publisher (POST /api/user-token), and says so when there is no secret', async () => {
    await start({ userSecret: SECRET, publishToken: TOKEN });
    const ask = (body: string, headers: Record<string, string> = { 'x-pushbench-token': TOKEN }) =>
      fetch(`${server!.url}${ROUTES.userToken}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const issued = await ask('{"user":"alice"}');
    expect([issued.status, await issued.json()]).toEqual([200, { user: 'alice', token: tokenOf('alice') }]);
    expect((await ask('{"user":"alice"}', {})).status).toBe(401);
    expect((await ask('{"user":"a b"}')).status).toBe(400);
    expect((await ask('{}')).status).toBe(400);
    await server!.close();

    await start();
    const none = await ask('{"user":"alice"}');
    expect([none.status, await none.json()]).toEqual([
      404,
      { error: 'this server has no user secret: user ids are not checked (start it with --user-secret)' },
    ]);
  });

  it('without a secret, user ids are unchecked claims (loopback trust)', async () => {
    await start();
    expect((await fetch(`${server!.url}${ROUTES.poll}?since=0&user=alice`)).status).toBe(200);
  });
});

describe('presence', () => {
  it('lists ids only to the publisher; anyone may see how many are online', async () => {
    await start({ publishToken: TOKEN }, ['short-polling']);
    await fetch(`${server!.url}${ROUTES.poll}?since=0&user=alice`);
    const read = async (headers: Record<string, string> = {}) =>
      (await (await fetch(`${server!.url}${ROUTES.presence}`, { headers })).json()) as PresenceBody;
    expect(await read()).toEqual({ counts: { 'short-polling': 1 } });
    expect(await read({ authorization: `bearer ${TOKEN}` })).toEqual({ counts: { 'short-polling': 1 }, online: { 'short-polling': ['alice'] } });
  });

  it('stays bounded: many distinct ids fill at most the presenceIds limit, and the server serves them all', async () => {
    server = new PushServer({ strategies: ['short-polling'], limits: { presenceIds: 50 } });
    await server.listen(0, '127.0.0.1');
    const statuses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => fetch(`${server!.url}${ROUTES.poll}?since=0&user=u${i}`).then((res) => res.status)),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(server.presence.trackedIds).toBe(50);
    expect(server.presence.untracked).toBe(450);
    expect(server.presence.counts()).toEqual({ 'short-polling': 50 });
    await waitFor(() => server!.stats().strategies['short-polling'].requests === 500, 'every request counted');
  });
});
