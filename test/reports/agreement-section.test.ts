import { describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/render.js';
import { printSummary } from '../../reports/summary.js';
import { makeResults } from './fixture.js';

describe('the report’s real-browser tables', () => {
  it('shows “Simulated vs real browser” only for runs made by both fleets, and says whether they agree', () => {
    const results = makeResults();
    expect(renderReport(results)).not.toContain('Simulated vs real browser');
    const twin = structuredClone(results.runs[1]);
    twin.scenario = { ...twin.scenario, fleet: 'chromium' };
    twin.clientHeaders = { profile: 'browser', source: 'Chromium 156.0.8078.129' };
    results.runs.push(twin);
    const html = renderReport(results);
    expect(html).toContain('<h2>Simulated vs real browser</h2>');
    expect(html).toContain('Every strategy agrees');
    twin.bytes = { ...twin.bytes, clientToServer: twin.bytes.clientToServer * 2 };
    expect(renderReport(results)).toContain('Some strategy disagrees');
  });

  it('puts the 871 B of 2009 beside the header bytes per poll of a run that counted its answers’ bodies', () => {
    const results = makeResults();
    expect(renderReport(results)).not.toContain('Header bytes per poll, then and now');
    results.runs[0].bytes = { ...results.runs[0].bytes, answerBody: 81_860 };
    results.runs[0].clientHeaders = { profile: 'chromium', source: 'Chromium 156.0.8078.129' };
    const html = renderReport(results);
    expect(html).toContain('Header bytes per poll, then and now');
    expect(html).toContain('<b>871</b>');
    expect(html).toContain('<b>380</b>');
    expect(html).toContain('Chromium 156.0.8078.129’s, captured');
  });

  it('says in the terminal summary whose headers were sent, and whether the two fleets agree', () => {
    const results = makeResults();
    expect(printSummary(results, 'x')).toContain('request headers: minimal');
    const twin = structuredClone(results.runs[1]);
    twin.scenario = { ...twin.scenario, fleet: 'chromium' };
    twin.clientHeaders = { profile: 'browser', source: 'Chromium 156.0.8078.129' };
    twin.bytes = { ...twin.bytes, serverToClient: Math.round(twin.bytes.serverToClient * 1.03) };
    results.runs.push(twin);
    const summary = printSummary(results, 'x');
    expect(summary).toContain('request headers: Chromium 156.0.8078.129 itself');
    expect(summary).toContain('  long-polling 50 clients: DISAGREES (requests +0.0 %, up +0.0 %, down +3.0 %)');
  });
});
