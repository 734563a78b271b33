import { describe, expect, it } from 'vitest';
import { FALLBACK_LANE } from '../../../servers/contract/demo-protocol.js';
import { COLOURS_BEFORE_RESULTS_RECORDED_THEM, strategyColour } from '../../../servers/contract/palette.js';
import { SERVER_STRATEGIES } from '../../../servers/registry.js';

const channel = (hex: string, at: number) => parseInt(hex.slice(at, at + 2), 16) / 255;
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** WCAG contrast of a colour against white. */
function contrastOnWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => linear(channel(hex, at)));
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

/** Hue in degrees and saturation (HSL) of a colour. */
function hueAndSaturation(hex: string): { hue: number; saturation: number } {
  const [r, g, b] = [1, 3, 5].map((at) => channel(hex, at)) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const chroma = max - min;
  if (chroma === 0) return { hue: 0, saturation: 0 };
  const saturation = chroma / (1 - Math.abs(2 * lightness - 1));
  const sector = max === r ? ((g - b) / chroma + 6) % 6 : max === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4;
  return { hue: sector * 60, saturation };
}

const infos = SERVER_STRATEGIES.map((s) => s.info);
const own = infos.filter((info) => !info.reference);
const references = infos.filter((info) => info.reference);
/** What the demo draws side by side: pushbench's own strategies and the fallback lane. */
const lanes = [...own, FALLBACK_LANE];

describe('the palette', () => {
  it('gives each of pushbench’s own strategies and the fallback lane a colour of its own, readable as text on white', () => {
    expect(new Set(lanes.map((lane) => lane.colour)).size).toBe(lanes.length);
    for (const lane of lanes) expect(contrastOnWhite(lane.colour), lane.name).toBeGreaterThanOrEqual(4.5);
  });

  it('has no red for a strategy: red means an invalid run or a refused request', () => {
    for (const lane of lanes) {
      const { hue, saturation } = hueAndSaturation(lane.colour);
      const fromRed = Math.min(hue, 360 - hue);
      expect(saturation > 0.3 && fromRed < 20, `${lane.name} ${lane.colour} hue ${hue.toFixed(0)}°`).toBe(false);
    }
    // The check itself: the red of the invalid-run banner and of a refused request would fail it.
    expect(Math.min(hueAndSaturation('#b91c1c').hue, 360 - hueAndSaturation('#b91c1c').hue)).toBeLessThan(20);
  });

  it('draws the reference peers in greys, distinct from each other and from every colour of ours', () => {
    // Not vacuous: the registry has references to check.
    expect(references.length).toBeGreaterThan(0);
    for (const info of references) expect(hueAndSaturation(info.colour).saturation, info.name).toBeLessThan(0.3);
    expect(new Set(infos.map((info) => info.colour)).size).toBe(infos.length);
  });

  it('names, for results written before colours were recorded, the colour each strategy has now', () => {
    const listed = Object.entries(COLOURS_BEFORE_RESULTS_RECORDED_THEM);
    expect(listed).toHaveLength(7);
    for (const [name, colour] of listed) {
      // A strategy that is gone keeps its colour here, for its old results.
      const info = infos.find((other) => other.name === name);
      if (info) expect(info.colour, name).toBe(colour);
    }
  });

  it('reads a strategy’s colour from results: its own #rrggbb, else by name, else neutral', () => {
    expect(strategyColour({ name: 'websocket', colour: '#0f766e' })).toBe('#0f766e');
    expect(strategyColour({ name: 'websocket' })).toBe('#047857');
    expect(strategyColour({ name: 'websocket', colour: 'url(http://x)' })).toBe('#047857');
    expect(strategyColour({ name: 'websocket', colour: 42 })).toBe('#047857');
    expect(strategyColour({ name: 'mqtt' })).toBe('#6b7280');
    expect(strategyColour({ name: '__proto__' })).toBe('#6b7280');
    expect(strategyColour({ name: 'toString', colour: '#12345' })).toBe('#6b7280');
  });
});
