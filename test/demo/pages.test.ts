import { describe, expect, it } from 'vitest';
import { ByteLedger } from '../../servers/wire/byte-ledger.js';
import { Refusal } from '../../servers/http/errors.js';
import { DemoPages, MAX_PAGES, PAGE_TTL_MS } from '../../servers/demo/pages.js';
import { laneTag, parseLaneTag, type HandshakeCapture } from '../../servers/contract/demo-protocol.js';

/** The demo's lanes: pushbench's own strategies and the fallback lane (servers/demo/lanes.ts). */
const LANES = ['short-polling', 'long-polling', 'websocket', 'sse', 'fallback'];

const capture = (at: number): HandshakeCapture => ({
  at,
  requestLines: ['GET /ws HTTP/1.1'],
  responseLines: ['HTTP/1.1 101 Switching Protocols'],
  key: 'k',
  accept: 'a',
  version: '13',
  offeredProtocols: [],
  protocol: undefined,
  offeredExtensions: undefined,
  extensions: undefined,
});

function status(action: () => unknown): number {
  try {
    action();
  } catch (error) {
    return (error as Refusal).status;
  }
  return 200;
}

describe('lane tags', () => {
  it('name a page and a lane, and nothing else', () => {
    expect(laneTag('abcdefgh', 'fallback')).toBe('abcdefgh.fallback');
    expect(parseLaneTag('abcdefgh.fallback', LANES)).toEqual({ pageId: 'abcdefgh', lane: 'fallback' });
    expect(parseLaneTag('abcdefgh.other', LANES)).toBeUndefined();
    expect(parseLaneTag('short.websocket', LANES)).toBeUndefined();
    expect(parseLaneTag('websocket', LANES)).toBeUndefined();
  });
});

describe('DemoPages', () => {
  it('watches the lanes of a page while it is open and forgets them after the TTL', () => {
    let now = 1_000;
    const ledger = new ByteLedger();
    const pages = new DemoPages(ledger, LANES, () => now);
    pages.touch('page0001');
    expect(pages.laneOf('page0001.websocket')).toBe('websocket');
    expect(pages.laneOf('page0002.websocket')).toBeUndefined();
    expect(pages.laneOf(undefined)).toBeUndefined();
    expect(Object.keys(pages.bytes('page0001'))).toEqual([...LANES]);
    pages.recordHandshake('page0001.websocket', capture(1));
    pages.recordHandshake('page0002.websocket', capture(2));
    expect(pages.handshakes('page0001')).toEqual({ websocket: capture(1) });

    now += PAGE_TTL_MS - 1;
    pages.sweep();
    expect(pages.size).toBe(1);
    now += 1;
    pages.sweep();
    expect(pages.size).toBe(0);
    expect(ledger.totalsForTag('page0001.websocket')).toBeUndefined();
    expect(pages.handshakes('page0001')).toEqual({});
  });

  it('refuses a malformed page id with 400 and a full room with 503', () => {
    const pages = new DemoPages(new ByteLedger(), LANES, () => 0);
    expect(status(() => pages.touch('SHOUT!!!'))).toBe(400);
    expect(status(() => pages.touch(undefined))).toBe(400);
    for (let i = 0; i < MAX_PAGES; i++) pages.touch(`page${String(i).padStart(5, '0')}`);
    expect(status(() => pages.touch('onemorepage'))).toBe(503);
    // A page already in the room is still welcome.
    expect(status(() => pages.touch('page00000'))).toBe(200);
  });
});
