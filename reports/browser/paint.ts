/** The colours of a chart description: "stripe:<colour>" marks run B of a comparison, the strategy's colour hatched. */

const STRIPE = 'stripe:';
const patterns = new Map<string, CanvasPattern>();

/** The plain colour of a colour description (a hatched one without its hatching), for swatches and lines. */
export function baseColor(color: string): string {
  return color.startsWith(STRIPE) ? color.slice(STRIPE.length) : color;
}

export function isStriped(color: string): boolean {
  return color.startsWith(STRIPE);
}

/** A fill for the canvas: the colour itself, or an 8 px tile of it with white diagonal stripes, repeated. */
export function paint(color: string): string | CanvasPattern {
  if (!isStriped(color)) return color;
  const known = patterns.get(color);
  if (known) return known;
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const g = tile.getContext('2d');
  if (!g) return baseColor(color);
  g.fillStyle = baseColor(color);
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = 'rgba(255, 255, 255, 0.7)';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(-2, 10);
  g.lineTo(10, -2);
  g.moveTo(-2, 2);
  g.lineTo(2, -2);
  g.moveTo(6, 10);
  g.lineTo(10, 6);
  g.stroke();
  const pattern = g.createPattern(tile, 'repeat');
  if (!pattern) return baseColor(color);
  patterns.set(color, pattern);
  return pattern;
}

export function paintAll(color: string | string[]): string | CanvasPattern | (string | CanvasPattern)[] {
  return Array.isArray(color) ? color.map(paint) : paint(color);
}
