import { afterEach, describe, expect, it } from 'vitest';
import { FALLING_BACK_STRATEGY_NAMES, STRATEGIES } from '../../../bench/plan/strategies.js';
import { PushServer } from '../../../servers/app.js';
import { laneTag, parseLaneTag } from '../../../servers/contract/demo-protocol.js';
import { PALETTE } from '../../../servers/contract/palette.js';
import { CAPACITY_PROBE_KINDS, type StrategyInfo } from '../../../servers/contract/strategies.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import { SERVER_STRATEGIES } from '../../../servers/registry.js';

/**
 * Every registered strategy states its facts, and states them rightly: what the types cannot check. The palette's
 * own rules (contrast, no red, greys for references) are in palette.test.ts; whether an `http2` fact matches what
 * the client can speak is run in strategies.conformance.test.ts, over both versions.
 */
const infos: StrategyInfo[] = SERVER_STRATEGIES.map((s) => s.info);
const names = infos.map((info) => info.name);
const own = infos.filter((info) => !info.reference);
const routes: string[] = Object.values(ROUTES);

describe.each(infos.map((info) => [info.name, info] as const))('the facts of %s', (_name, info) => {
  it('name it: a name usable on the command line and in a demo lane tag, and words for people', () => {
    expect(info.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(parseLaneTag(laneTag('abcdefgh', info.name), names)).toEqual({ pageId: 'abcdefgh', lane: info.name });
    expect(info.title.trim()).not.toBe('');
    expect(info.summary.trim()).not.toBe('');
    expect(info.claim).toMatch(/^C[1-7]$/);
  });

  it('give it a colour of the palette, other than the neutral one kept for strategies that name none', () => {
    expect(Object.values(PALETTE)).toContain(info.colour);
    expect(info.colour).not.toBe(PALETTE.neutral);
  });

  it('give one of ours a Chinese title: the demo shows every strategy of ours, and its Chinese page no English', () => {
    if (!info.reference) expect(info.chineseTitle?.trim()).toMatch(/\S/);
  });

  it('make it one of the article’s ways or a reference, not both', () => {
    expect(info.inArticle === true && info.reference === true).toBe(false);
  });

  it('give a fallback only to a strategy that is registered, has a client half, and falls back no further', () => {
    const pair = STRATEGIES.find((s) => s.info.name === info.name)!;
    if (!info.fallback) {
      expect(pair.fallback).toBeUndefined();
      return;
    }
    const to = STRATEGIES.find((s) => s.info.name === info.fallback!.to);
    expect(to, `${info.name} falls back to "${info.fallback.to}"`).toBeDefined();
    expect(to!.info.name).not.toBe(info.name);
    expect(to!.info.fallback).toBeUndefined();
    expect(pair.fallback).toEqual({ strategy: info.fallback.to, client: expect.any(Function) as unknown });
    expect(pair.fallback!.client).not.toBe(pair.client);
  });
});

describe('the strategies’ facts together', () => {
  it('give every strategy a name, a title and a colour of its own', () => {
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(infos.map((info) => info.title)).size).toBe(infos.length);
    expect(new Set(infos.map((info) => info.colour)).size).toBe(infos.length);
  });

  it('list pushbench’s own strategies before the references', () => {
    const firstReference = infos.findIndex((info) => info.reference);
    if (firstReference >= 0) expect(infos.slice(firstReference).every((info) => info.reference)).toBe(true);
  });

  it('name, for each capacity probe, exactly one of pushbench’s own strategies, of the kind the probe drives', () => {
    for (const probe of CAPACITY_PROBE_KINDS) {
      const measured = own.filter((info) => info.capacity?.probe === probe);
      expect(
        measured.map((info) => info.name),
        probe,
      ).toHaveLength(1);
      expect(measured[0].connection, probe).toBe(probe === 'short-poll' ? 'request-per-poll' : 'held-request');
    }
    // The probes measure ours: a reference stating one would be a fact nothing reads.
    expect(infos.filter((info) => info.reference && info.capacity)).toEqual([]);
  });

  it('give at least one strategy a fallback, for --blocked-upgrade to refuse its clients', () => {
    expect(FALLING_BACK_STRATEGY_NAMES.length).toBeGreaterThan(0);
  });
});

describe('a capacity fact’s path', () => {
  let server: PushServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each(own.filter((info) => info.capacity).map((info) => [info.name, info] as const))(
    '%s: is a route of the contract, and the strategy answers a poll from the start there',
    async (name, info) => {
      const { path } = info.capacity!;
      expect(routes).toContain(path);
      server = new PushServer({ strategies: [name], limits: { longPollTimeoutMs: 100 } });
      await server.listen(0, '127.0.0.1');
      // A long poll on an empty log is held for the (short) timeout, then answered empty, as a short poll at once.
      const res = await fetch(`${server.url}${path}?since=0`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ messages: [], cursor: 0 });
      expect(server.stats().strategies[name].requests).toBe(1);
    },
  );
});
