import { describe, expect, it } from 'vitest';
import { Refusal } from '../../servers/http/errors.js';
import { DEFAULT_SETTINGS, parseSettingsChange, SettingsStore } from '../../servers/demo/settings.js';

function refusal(body: unknown): string {
  try {
    parseSettingsChange(body);
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    expect((error as Refusal).status).toBe(400);
    return (error as Refusal).message;
  }
  throw new Error('accepted');
}

describe('parseSettingsChange', () => {
  it('accepts the values the sliders offer and the switches', () => {
    expect(
      parseSettingsChange({ tickerRate: 2, pollIntervalMs: 250, networkDelayMs: 500, paused: true, blockWebSocket: false, reset: true }),
    ).toEqual({
      tickerRate: 2,
      pollIntervalMs: 250,
      networkDelayMs: 500,
      paused: true,
      blockWebSocket: false,
      reset: true,
    });
    expect(parseSettingsChange({})).toEqual({});
  });

  it('refuses anything else, so nobody can set a 1 ms poll', () => {
    expect(refusal({ pollIntervalMs: 1 })).toBe('"pollIntervalMs" must be one of 250, 500, 1000, 2000, 3000, 5000');
    expect(refusal({ tickerRate: '1' })).toBe('"tickerRate" must be one of 0, 0.2, 0.5, 1, 2, 5');
    expect(refusal({ paused: 'yes' })).toBe('"paused" must be true or false');
    expect(refusal({ resetEpoch: 9 })).toBe('unknown setting "resetEpoch"');
    expect(refusal([1])).toBe('body must be a JSON object of settings, e.g. {"tickerRate":1}');
    expect(refusal(null)).toBe('body must be a JSON object of settings, e.g. {"tickerRate":1}');
  });
});

describe('SettingsStore', () => {
  it('applies changes, counts resets and tells its listeners', () => {
    const store = new SettingsStore({ tickerRate: 0 });
    const seen: number[] = [];
    store.on('change', (s) => seen.push(s.resetEpoch));
    expect(store.apply({ networkDelayMs: 200 })).toEqual({ ...DEFAULT_SETTINGS, tickerRate: 0, networkDelayMs: 200 });
    expect(store.apply({ reset: true }).resetEpoch).toBe(1);
    expect(store.apply({ reset: true, paused: true })).toMatchObject({ resetEpoch: 2, paused: true });
    expect(seen).toEqual([0, 1, 2]);
  });
});
