import { describe, expect, it } from 'vitest';
import { printSummary } from '../../reports/summary.js';
import { comparePeers, peerSummaryLines } from '../../reports/peers.js';
import { makeResults } from './fixture.js';
import { makePeerResults } from './peer-fixture.js';

describe('printSummary with reference peers', () => {
  const results = makePeerResults();
  const text = printSummary(results, '/tmp/report/index.html');

  it('marks the references in the table', () => {
    const names = text
      .split('\n')
      .filter((line) => /^(ws-bare|socketio-|websocket|short-|long-)/.test(line))
      .map((line) => line.split(/\s{2,}/)[0]);
    expect(names).toEqual(['ws-bare (ref)', 'socketio-ws (ref)', 'short-polling', 'long-polling', 'websocket', 'socketio-polling (ref)']);
  });

  it('prints the ratio table after the runs, before the notes', () => {
    const lines = peerSummaryLines(comparePeers(results.runs));
    expect(text).toContain(`\n\n${lines.join('\n')}\n\n`);
    expect(text.indexOf(lines[0])).toBeGreaterThan(text.indexOf('socketio-polling (ref)'));
  });

  it('prints no ratio table without peers', () => {
    expect(printSummary(makeResults(), '/tmp/report/index.html')).not.toContain('reference peers');
  });
});
