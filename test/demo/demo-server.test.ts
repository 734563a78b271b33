import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../servers/contract/wire.js';
import { startDemo, type Demo, type DemoOptions } from '../../servers/demo/demo-server.js';
import type { DemoLanes, DemoSettings, DemoState } from '../../servers/contract/demo-protocol.js';
import { OWN_STRATEGY_NAMES } from '../../servers/registry.js';

const TOKEN = 'teacher-token-for-tests';
const PAGE = 'testpage01';
let demo: Demo;

async function start(options: DemoOptions = {}): Promise<Demo> {
  demo = await startDemo({ port: 0, host: '127.0.0.1', token: TOKEN, settings: { tickerRate: 0 }, ...options });
  return demo;
}

afterEach(async () => {
  await demo?.close();
});

async function state(token?: string, page = PAGE): Promise<DemoState> {
  const res = await fetch(`${demo.url}/demo/api/state?page=${page}`, { headers: token ? { 'X-Pushbench-Token': token } : {} });
  expect(res.status).toBe(200);
  return (await res.json()) as DemoState;
}

async function changeSettings(body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${demo.url}/demo/api/settings`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Pushbench-Token': token } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Opens a WebSocket like a lane would; resolves with the status of the answer (101, or the refusal's). */
function upgrade(client: string): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${demo.url.replace('http', 'ws')}/ws?since=0&client=${client}`, SUBPROTOCOL);
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
  });
}

describe('the demo server', () => {
  it('serves the page, its script and its style from itself, under a policy that allows nothing else', async () => {
    await start();
    const page = await fetch(`${demo.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'",
    );
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/demo/app.js"></script>');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const script = await fetch(`${demo.url}/demo/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await script.text();
    // One self-contained module: the TypeScript of clients/browser, bundled, importing nothing.
    expect(js).toContain('DemoPage');
    expect(js).not.toMatch(/^\s*import\b/m);
    const style = await fetch(`${demo.url}/demo/style.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await style.text()).not.toMatch(/url\(|@import/);
    expect((await fetch(`${demo.url}/demo/join.svg`)).status).toBe(404);
  });

  it('serves the join QR code and address when students can join', async () => {
    await start({ joinHost: '192.0.2.7' });
    const { port } = new URL(demo.url);
    expect(demo.joinUrl).toBe(`http://192.0.2.7:${port}/?as=student`);
    expect((await state()).joinUrl).toBe(demo.joinUrl);
    const qr = await fetch(`${demo.url}/demo/join.svg`);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await qr.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('tells a page its state: teacher or not, the head, the settings, and its lanes’ bytes from zero', async () => {
    await start();
    await demo.server.source.publish('before the page');
    const student = await state();
    expect(student).toMatchObject({ teacher: false, tokenRequired: true, head: 1, settings: demo.settings.get() });
    expect(student.joinUrl).toBeUndefined();
    // A lane per strategy of pushbench's own (the demo mounts them all), and the fallback lane.
    expect(student.bytes).toEqual(
      Object.fromEntries([...OWN_STRATEGY_NAMES, 'fallback'].map((lane) => [lane, { clientToServer: 0, serverToClient: 0 }])),
    );
    expect((await state(TOKEN)).teacher).toBe(true);
    expect((await state('wrong-token')).teacher).toBe(false);
    expect((await fetch(`${demo.url}/demo/api/state?page=NOPE`)).status).toBe(400);
  });

  it('tells a page its lanes: the facts of every strategy it mounts, in registry order, then the fallback lane', async () => {
    await start();
    const res = await fetch(`${demo.url}/demo/api/lanes`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { lanes } = (await res.json()) as DemoLanes;
    expect(lanes.map((lane) => lane.name)).toEqual([...OWN_STRATEGY_NAMES, 'fallback']);
    // Each lane's facts, exactly: two of the article's ways, one that is not, and the fallback lane.
    const named = (name: string) => lanes.find((lane) => lane.name === name);
    expect(named('short-polling')).toEqual({
      name: 'short-polling',
      title: 'Short polling',
      chineseTitle: '短轮询',
      colour: '#1d4ed8',
      claim: 'C2',
      inArticle: true,
    });
    expect(named('websocket')).toEqual({
      name: 'websocket',
      title: 'WebSocket',
      chineseTitle: 'WebSocket',
      colour: '#047857',
      claim: 'C5',
      inArticle: true,
    });
    expect(named('sse')).toEqual({ name: 'sse', title: 'Server-sent events', chineseTitle: '服务器发送事件 (SSE)', colour: '#a21caf', claim: 'C5' });
    expect(named('fallback')).toEqual({ name: 'fallback', title: 'Fallback', chineseTitle: '回退', colour: '#6d28d9', claim: 'C6', inArticle: true });
  });

  it('changes settings for the teacher only, and only to values the sliders offer', async () => {
    await start();
    const refused = await changeSettings({ networkDelayMs: 200 });
    expect(refused).toEqual({ status: 401, body: { error: 'changing settings needs the teacher token (X-Pushbench-Token)' } });
    expect((await changeSettings({ networkDelayMs: 3 }, TOKEN)).status).toBe(400);
    const changed = await changeSettings({ networkDelayMs: 200, reset: true }, TOKEN);
    expect(changed.status).toBe(200);
    expect(changed.body as DemoSettings).toMatchObject({ networkDelayMs: 200, resetEpoch: 1 });
    expect((await state()).settings).toEqual(changed.body);
    expect((await fetch(`${demo.url}/api/publish`, { method: 'POST', body: '{"payload":"x"}' })).status).toBe(401);
  });

  it('blocks WebSocket for the fallback lanes of open pages when told to, and for nobody else', async () => {
    await start();
    await state();
    const lanes = [`${PAGE}.fallback`, `${PAGE}.websocket`, 'notapage1.fallback'];
    const statuses = async () => {
      const answers = await Promise.all(lanes.map(upgrade));
      for (const { ws } of answers) ws?.close();
      return answers.map((a) => a.status);
    };
    expect(await statuses()).toEqual([101, 101, 101]);
    await changeSettings({ blockWebSocket: true }, TOKEN);
    expect(await statuses()).toEqual([403, 101, 101]);
    expect(demo.server.stats().strategies.websocket.failedByStatus).toEqual({ 403: 1 });
  });

  it('delays the answers of demo lanes by the network-delay setting, and nobody else’s', async () => {
    await start();
    await state();
    await changeSettings({ networkDelayMs: 500 }, TOKEN);
    const order: string[] = [];
    const poll = (client: string) =>
      fetch(`${demo.url}/api/poll?since=0&client=${client}`).then(async (res) => {
        expect(res.status).toBe(200);
        await res.text();
        order.push(client);
      });
    const lane = poll(`${PAGE}.short-polling`);
    await poll('notapage1.short-polling');
    await lane;
    expect(order).toEqual(['notapage1.short-polling', `${PAGE}.short-polling`]);
  });

  it('records the handshake of a page’s WebSocket lane and hands it to that page only', async () => {
    await start();
    await state();
    await state(undefined, 'otherpage1');
    const { ws } = await upgrade(`${PAGE}.websocket`);
    const { handshakes } = await state();
    const capture = handshakes.websocket;
    const accept = createHash('sha1').update(`${capture.key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    expect(capture).toMatchObject({ accept, version: '13', offeredProtocols: [SUBPROTOCOL], protocol: SUBPROTOCOL });
    // Offered by the ws client, declined by the server: compression would hide the framing.
    expect(capture.offeredExtensions).toBe('permessage-deflate; client_max_window_bits');
    expect(capture.extensions).toBeUndefined();
    expect(capture.requestLines[0]).toBe(`GET /ws?since=0&client=${PAGE}.websocket HTTP/1.1`);
    expect(capture.responseLines).toEqual([
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`,
    ]);
    expect((await state(undefined, 'otherpage1')).handshakes).toEqual({});
    ws!.close();
  });
});
