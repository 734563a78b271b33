import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PALETTE } from '../../../servers/contract/palette.js';
import type { StrategyInfo } from '../../../servers/contract/strategies.js';
import { Presence, PRESENCE_TTL_MS } from '../../../servers/observe/presence.js';
import { ServerStrategy } from '../../../servers/strategy.js';

/** A strategy that only speaks the event vocabulary, which is all presence listens to. */
class Speaker extends ServerStrategy {
  readonly info: StrategyInfo = {
    name: 'speaker',
    title: 'Speaker',
    colour: PALETTE.blue,
    direction: 'pull',
    connection: 'request-per-poll',
    claim: 'C2',
    summary: 'test',
    http2: false,
  };
  mount(): void {}
  async close(): Promise<void> {}
}

describe('Presence', () => {
  let presence: Presence;
  let speaker: Speaker;

  beforeEach(() => {
    vi.useFakeTimers();
    speaker = new Speaker();
  });
  afterEach(() => {
    presence.stop();
    vi.useRealTimers();
  });

  it('forgets quiet ids on its timer, with nobody reading it', () => {
    presence = new Presence(1_000);
    presence.watch(speaker);
    for (let i = 0; i < 100; i++) speaker.emit('request', `u${i}`);
    speaker.emit('attach', 'held');
    expect(presence.trackedIds).toBe(101);
    vi.advanceTimersByTime(2 * PRESENCE_TTL_MS);
    // Only the attached client is left; before the timer, ids stayed until someone read /api/presence.
    expect(presence.trackedIds).toBe(1);
    speaker.emit('detach', 'held');
    vi.advanceTimersByTime(2 * PRESENCE_TTL_MS);
    expect(presence.trackedIds).toBe(0);
    expect(presence.online()).toEqual({ speaker: [] });
  });

  it('remembers at most maxIds: a flood of new ids is served but not listed, and counted', () => {
    presence = new Presence(10);
    presence.watch(speaker);
    for (let i = 0; i < 10_000; i++) speaker.emit('request', `flood-${i}`);
    expect(presence.trackedIds).toBe(10);
    expect(presence.untracked).toBe(9_990);
    expect(presence.counts()).toEqual({ speaker: 10 });
    // Room frees up as the flood goes quiet; a newcomer is listed again.
    vi.advanceTimersByTime(2 * PRESENCE_TTL_MS);
    speaker.emit('attach', 'ada');
    expect(presence.online()).toEqual({ speaker: ['ada'] });
  });

  it('undoes nothing for an id it never remembered, and never counts below zero', () => {
    presence = new Presence(1);
    presence.watch(speaker);
    speaker.emit('attach', 'first');
    speaker.emit('attach', 'second');
    speaker.emit('detach', 'second');
    speaker.emit('detach', 'first');
    speaker.emit('detach', 'first');
    expect(presence.online()).toEqual({ speaker: ['first'] });
    vi.advanceTimersByTime(PRESENCE_TTL_MS);
    expect(presence.online()).toEqual({ speaker: [] });
  });
});
