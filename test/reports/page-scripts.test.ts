import { describe, expect, it } from 'vitest';
import { chartDrawingScript } from '../../reports/page-scripts.js';
import { renderReport } from '../../reports/render.js';
import { makeResults } from './fixture.js';

describe('the report page’s drawing script', () => {
  const script = chartDrawingScript();

  it('is reports/browser/ bundled into one self-running function: no import, no export, nothing left to load', () => {
    expect(script).toContain('// reports/browser/main.ts');
    expect(script).toContain('// reports/browser/legend.ts');
    // The one formatter is bundled in, so the charts spell numbers as the tables do.
    expect(script).toContain('// results/number-format.ts');
    expect(script.trimStart()).toMatch(/^"use strict";\s*\(\(\) => \{/);
    expect(script.trimEnd().endsWith('})();')).toBe(true);
    expect(script).not.toMatch(/^\s*(?:import|export)\s/m);
    expect(script).not.toMatch(/\brequire\(/);
  });

  it('names no file of the machine it was built on, and is inlined whole in the report', () => {
    expect(script).not.toContain(process.cwd());
    expect(script).not.toContain('sourceMappingURL');
    const html = renderReport(makeResults());
    expect(html).toContain(`<script>${script}</script>`);
    expect(html).not.toContain(process.cwd());
  });
});
