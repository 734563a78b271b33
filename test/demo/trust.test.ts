import http2 from 'node:http2';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DemoJoinAnswer, DemoState } from '../../servers/contract/demo-protocol.js';
import type { Message } from '../../servers/contract/message.js';
import { SUBPROTOCOL } from '../../servers/contract/wire.js';
import { startDemo, type Demo, type DemoOptions } from '../../servers/demo/demo-server.js';
import { OWN_STRATEGY_NAMES } from '../../servers/registry.js';
import { userToken, userTokenIssuer } from '../../servers/trust/user-token.js';

const TOKEN = 'teacher-token-for-tests';
const SECRET = 'user-secret-for-the-demo-tests';
let demo: Demo;

async function start(options: DemoOptions = {}): Promise<Demo> {
  demo = await startDemo({ port: 0, host: '127.0.0.1', token: TOKEN, settings: { tickerRate: 0 }, ...options });
  return demo;
}

afterEach(async () => {
  await demo?.close();
});

async function join(user: string, teacher = false): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${demo.url}/demo/api/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(teacher ? { 'X-Pushbench-Token': TOKEN } : {}) },
    body: JSON.stringify({ user }),
  });
  return { status: res.status, body: await res.json() };
}

async function state(teacher: boolean): Promise<DemoState> {
  const res = await fetch(`${demo.url}/demo/api/state?page=trustpage1`, { headers: teacher ? { 'X-Pushbench-Token': TOKEN } : {} });
  return (await res.json()) as DemoState;
}

describe('the demo’s trust model', () => {
  it('answers a join body over the limit sent over HTTP/2 with 413, and the class goes on', async () => {
    await start();
    const session = http2.connect(demo.url);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': '/demo/api/join', 'content-type': 'application/json' });
      let status = 0;
      let text = '';
      stream.setEncoding('utf8');
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('close', () => resolve({ status, text }));
      stream.on('error', reject);
      stream.end(JSON.stringify({ user: 'x'.repeat(5_000) }));
    });
    session.close();
    expect(answer).toEqual({ status: 413, text: '{"error":"body over the limit of 4096 bytes"}' });
    expect((await fetch(`${demo.url}/api/poll?since=0`)).status).toBe(200);
  });

  it('refuses a settings change from a foreign Origin (403) or not sent as JSON (415), even with the token', async () => {
    await start();
    const post = (headers: Record<string, string>) =>
      fetch(`${demo.url}/demo/api/settings`, { method: 'POST', headers: { 'X-Pushbench-Token': TOKEN, ...headers }, body: '{"paused":true}' });
    const foreign = await post({ 'Content-Type': 'application/json', Origin: 'https://evil.example' });
    expect([foreign.status, await foreign.json()]).toEqual([403, { error: 'origin https://evil.example is not allowed' }]);
    expect((await post({ 'Content-Type': 'text/plain' })).status).toBe(415);
    expect(demo.settings.get().paused).toBe(false);
    expect((await post({ 'Content-Type': 'application/json', Origin: demo.url })).status).toBe(200);
    expect(demo.settings.get().paused).toBe(true);
  });

  it('shows names in presence to the teacher only; a student sees how many', async () => {
    await start();
    await fetch(`${demo.url}/api/poll?since=0&user=ada`);
    const student = await state(false);
    expect(student.presence).toEqual({});
    // Every strategy the demo mounts (each of pushbench's own), ada on the short poll she made.
    expect(student.presenceCounts).toEqual(Object.fromEntries(OWN_STRATEGY_NAMES.map((name) => [name, name === 'short-polling' ? 1 : 0])));
    expect((await state(true)).presence).toEqual(
      Object.fromEntries(OWN_STRATEGY_NAMES.map((name) => [name, name === 'short-polling' ? ['ada'] : []])),
    );
  });

  it('with a user secret, hands each name’s token to the first page only; the lanes need it', async () => {
    await start({ userSecret: SECRET });
    expect(await state(false)).toMatchObject({ userTokensRequired: true, userTokenIssuer: userTokenIssuer(SECRET) });
    expect(userTokenIssuer(SECRET)).not.toBe(userTokenIssuer(`${SECRET}2`));
    const ada = await join('ada');
    expect(ada).toEqual({ status: 200, body: { user: 'ada', token: userToken(SECRET, 'ada') } satisfies DemoJoinAnswer });
    expect(await join('ada')).toEqual({ status: 409, body: { error: 'the name ada is taken; pick another' } });
    expect((await join('teacher')).status).toBe(409);
    expect(await join('teacher', true)).toEqual({ status: 200, body: { user: 'teacher', token: userToken(SECRET, 'teacher') } });
    expect((await join('a b')).status).toBe(400);

    await demo.server.source.publish('for ada', 'ada');
    const poll = (query: string) => fetch(`${demo.url}/api/poll?since=0&${query}`);
    expect((await poll(`user=ada&token=${userToken(SECRET, 'bob')}`)).status).toBe(401);
    expect((await poll('user=ada')).status).toBe(401);
    const own = await poll(`user=ada&token=${(ada.body as DemoJoinAnswer).token}`);
    expect(((await own.json()) as { messages: Message[] }).messages.map((m) => m.payload)).toEqual(['for ada']);
  });

  it('on loopback without a secret, lanes need no user token and the join route says so', async () => {
    await start();
    expect((await state(false)).userTokensRequired).toBe(false);
    expect((await state(false)).userTokenIssuer).toBeUndefined();
    expect(await join('ada')).toEqual({ status: 404, body: { error: 'the demo has no user secret: lanes need no user token' } });
    expect((await fetch(`${demo.url}/api/poll?since=0&user=ada`)).status).toBe(200);
  });

  it('keeps a lane’s user token off the projector: the captured handshake masks it, byte for byte', async () => {
    await start({ userSecret: SECRET });
    const token = userToken(SECRET, 'teacher');
    await state(false);
    const ws = new WebSocket(`${demo.url.replace('http', 'ws')}/ws?since=0&user=teacher&token=${token}&client=trustpage1.websocket`, SUBPROTOCOL);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    const { handshakes } = await state(false);
    expect(handshakes.websocket.requestLines[0]).toBe(
      `GET /ws?since=0&user=teacher&token=${'*'.repeat(token.length)}&client=trustpage1.websocket HTTP/1.1`,
    );
    ws.close();
  });

  it('answers only to this machine’s names and the join address (421 for a rebinding page’s Host)', async () => {
    await start({ joinHost: '192.0.2.7' });
    const { port } = new URL(demo.url);
    const status = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = net.createConnection({ host: '127.0.0.1', port: Number(port) });
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString('latin1');
          if (text.includes('\r\n')) socket.destroy();
        });
        socket.on('close', () => resolve(text.split('\r\n')[0]));
        socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      });
    expect(await status(`evil.example:${port}`)).toBe('HTTP/1.1 421 Misdirected Request');
    expect(await status(`192.0.2.7:${port}`)).toBe('HTTP/1.1 200 OK');
    expect(await status(`localhost:${port}`)).toBe('HTTP/1.1 200 OK');
  });
});
