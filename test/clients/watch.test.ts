import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushServer, type PushServer } from '../../servers/app.js';
import { parseWatchArgs, watch, WATCH_USAGE } from '../../clients/watch.js';

let server: PushServer;

beforeAll(async () => {
  server = await startPushServer({ strategies: ['websocket'], port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server?.close();
});

describe('npm run watch', () => {
  it('prints each frame the server pushes, from the cursor on, one line each', async () => {
    server.source.publish('before');
    const lines: string[] = [];
    const notes: string[] = [];
    const stop = new AbortController();
    const url = new URL(`${server.url.replace(/^http/, 'ws')}/ws?since=0`);
    const ended = watch(url, { out: (line) => lines.push(line), err: (line) => notes.push(line) }, stop.signal);
    const deadline = Date.now() + 10_000;
    while (lines.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const live = server.source.publish({ n: 2 });
    while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    expect(await ended).toBe(0);
    const frames = lines.map((line) => JSON.parse(line) as { seq: number; payload: unknown });
    expect(frames.map((f) => f.payload)).toEqual(['before', { n: 2 }]);
    expect(frames[1].seq).toBe(live.seq);
    expect(notes[0]).toBe(`connected to ${url.href} (subprotocol pushbench.v1); Ctrl-C to stop`);
  });

  it('reports a refused upgrade with its status and ends with 1', async () => {
    const notes: string[] = [];
    const code = await watch(new URL(`${server.url.replace(/^http/, 'ws')}/ws?since=-1`), { out: () => {}, err: (line) => notes.push(line) });
    expect(code).toBe(1);
    expect(notes[0]).toMatch(/^refused: HTTP 400 \{"error":/);
  });

  it('refuses anything but one ws:// or wss:// URL, in one line', () => {
    expect(parseWatchArgs([])).toEqual({ error: WATCH_USAGE });
    expect(parseWatchArgs(['http://127.0.0.1:8080/ws'])).toEqual({ error: `not a ws:// or wss:// URL: "http://127.0.0.1:8080/ws" (${WATCH_USAGE})` });
    expect(parseWatchArgs(['nonsense'])).toEqual({ error: `not a URL: "nonsense" (${WATCH_USAGE})` });
    expect('url' in parseWatchArgs(['ws://127.0.0.1:8080/ws?since=0'])).toBe(true);
  });
});
