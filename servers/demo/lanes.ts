import { FALLBACK_LANE, type LaneFacts } from '../contract/demo-protocol.js';
import type { StrategyInfo } from '../contract/strategies.js';

/**
 * The demo's lanes, as the page is told them: one per strategy the server mounts, in registry order, then the
 * fallback lane, then the lanes another stack serves (the PHP lane). The page draws those it has a browser client for.
 */
export function demoLanes(strategies: readonly { readonly info: StrategyInfo }[], served: readonly LaneFacts[] = []): LaneFacts[] {
  const lanes = strategies.map(({ info: { name, title, chineseTitle, colour, claim, inArticle } }): LaneFacts => ({
    name,
    title,
    chineseTitle,
    colour,
    claim,
    inArticle,
  }));
  return [...lanes, FALLBACK_LANE, ...served];
}
