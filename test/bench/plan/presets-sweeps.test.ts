import { describe, expect, it } from 'vitest';
import { CAPACITY_ENDPOINTS } from '../../../bench/capacity/probes.js';
import { ARTICLE_STRATEGIES } from '../../../bench/plan/presets-sweeps.js';

describe('the strategies the matrix presets and the capacity probes run, from the strategies’ facts', () => {
  it('the article’s presets run the three ways the article compares, in registry order', () => {
    expect(ARTICLE_STRATEGIES).toEqual(['short-polling', 'long-polling', 'websocket']);
  });

  it('each capacity probe mounts pushbench’s own strategy that holds that kind of connection', () => {
    expect(Object.entries(CAPACITY_ENDPOINTS).map(([endpoint, spec]) => [endpoint, spec.strategy])).toEqual([
      ['short-poll', 'short-polling'],
      ['long-poll', 'long-polling'],
      ['publish', 'short-polling'],
    ]);
  });
});
