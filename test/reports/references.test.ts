import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../reports/charts.js';
import { escapeHtml } from '../../reports/format.js';
import { PEER_PAIRS } from '../../reports/peers.js';
import { renderComparison, renderReport } from '../../reports/render.js';
import { makeResults } from './fixture.js';
import { makePeerResults } from './peer-fixture.js';

function chart(html: string, id: string): ChartSpec {
  const match = /<script type="application\/json" id="pushbench-charts">([^<]*)<\/script>/.exec(html)!;
  return (JSON.parse(match[1]) as ChartSpec[]).find((c) => c.id === id)!;
}

/** The rows of a table, each as the text of its cells. */
function tableRows(table: string): string[][] {
  return table
    .split('<tr')
    .slice(1)
    .map((row) => [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim()));
}

const OURS = ['Short polling', 'Long polling', 'WebSocket'];
const PEERS = ['Bare ws loop (reference)', 'Socket.IO WebSocket (reference)', 'Socket.IO polling (reference)'];
/** The row under each comparison that says what the two do differently. */
const differs = (peer: string) => `What differs: ${escapeHtml(PEER_PAIRS.find((pair) => pair.peer === peer)!.differs)}`;
const HEAD = 'Reference peers: measured in the same harness for comparison, not pushbench strategies';

describe('reference peers in the report', () => {
  const html = renderReport(makePeerResults());

  it('lists the references after pushbench’s strategies, under a heading row, tagged', () => {
    const summary = /<table class="summary cards">([\s\S]*?)<\/table>/.exec(html)![1];
    expect(
      tableRows(summary)
        .slice(1)
        .map((cells) => cells[0]),
    ).toEqual([
      'Short pollingpull · request-per-poll',
      'Long pollingpull · held-request',
      'WebSocketpush · persistent',
      HEAD,
      'Bare ws loopreferencepush · persistent',
      'Socket.IO WebSocketreferencepush · persistent',
      'Socket.IO pollingreferencepull · held-request',
    ]);
    // Three tables of runs (summary, what the server held, server cost), each with the three peers after a head row,
    // and a panel of what the server held for each peer, titled with the same tag.
    expect(html.match(/<span class="tag reference-tag">reference<\/span>/g)).toHaveLength(12);
    const panelTitles = html.match(/<div class="panel-title">(?:(?!<\/div>)[^])*<\/div>/g) ?? [];
    expect(panelTitles.filter((title) => title.includes('reference-tag'))).toHaveLength(3);
    expect(html.split(HEAD)).toHaveLength(4);
  });

  it('leaves a gap before the references in every chart of bars by strategy, and draws them in greys', () => {
    const cpu = chart(html, 'chart-cpu');
    expect(cpu.labels).toEqual([...OURS, '', ...PEERS]);
    expect(cpu.datasets[0].data).toEqual([620, 240, 90, null, 80, 120, 200]);
    expect(cpu.datasets[0].color).toEqual(['#1d4ed8', '#b45309', '#047857', 'transparent', '#334155', '#64748b', '#a8a29e']);
    expect(chart(html, 'chart-requests').labels).toEqual([...OURS, '', ...PEERS]);
    const bytes = chart(html, 'chart-bytes');
    expect(bytes.labels).toEqual([...OURS, '', ...PEERS]);
    expect(bytes.datasets.find((d) => d.label === 'payload per message')!.data).toEqual([128, 128, 128, null, 128, 128, 128]);
  });

  it('puts an unnamed empty dataset between ours and the references in the grouped charts', () => {
    for (const id of ['chart-latency', 'chart-connections']) {
      const datasets = chart(html, id).datasets;
      expect(datasets.slice(0, 7).map((d) => d.label)).toEqual([...OURS, '', ...PEERS]);
      expect(datasets[3].data.every((v) => v === null)).toBe(true);
    }
  });

  it('adds the ratio table and says where pushbench is behind', () => {
    const peers = /<table class="peers">([\s\S]*?)<\/table>/.exec(html)![1];
    expect(tableRows(peers).slice(1)).toEqual([
      [
        'pushbench WebSocket vs Bare ws loop50 clients',
        'deliveries per second of server CPU',
        '11,111 /s',
        '12,500 /s',
        '0.89×',
        'pushbench worse0.89× of its efficiency, goal ≥ 0.90×: missed',
      ],
      ['bytes per delivered message (both directions)', '191.0 B', '191.0 B', '1.00×', 'on par1.00× of its efficiency, goal ≥ 0.90×: met'],
      ['latency p99', '1.72 ms', '1.70 ms', '1.01×', 'on par'],
      [differs('ws-bare')],
      [
        'pushbench Long polling vs Socket.IO polling50 clients',
        'bytes per delivered message (both directions)',
        '557.0 B',
        '580.0 B',
        '0.96×',
        'on par',
      ],
      ['server CPU per 1,000 delivered messages', '240.0 ms / 1,000 msg', '200.0 ms / 1,000 msg', '1.20×', 'pushbench worse'],
      ['latency p99', '6.90 ms', '5.00 ms', '1.38×', 'pushbench worse'],
      [differs('socketio-polling')],
      [
        'pushbench WebSocket vs Socket.IO WebSocket50 clients',
        'bytes per delivered message (both directions)',
        '191.0 B',
        '220.0 B',
        '0.87×',
        'pushbench better',
      ],
      ['server CPU per 1,000 delivered messages', '90.0 ms / 1,000 msg', '120.0 ms / 1,000 msg', '0.75×', 'pushbench better'],
      ['latency p99', '1.72 ms', '2.40 ms', '0.72×', 'pushbench better'],
      [differs('socketio-ws')],
    ]);
    expect(html).toContain('<p><b>Where pushbench is behind its peer:</b></p>');
    expect(html).toContain(
      `<li>${escapeHtml(
        'pushbench Long polling has 1.38× the p99 latency of Socket.IO polling (6.90 ms vs 5.00 ms) at 50 clients: ' +
          'here pushbench is slower than the peer.',
      )}</li>`,
    );
  });

  it('says so when pushbench is nowhere behind, and has no peer section without peers', () => {
    const results = makePeerResults();
    results.runs = results.runs.filter((run) => run.strategy.name !== 'ws-bare' && run.strategy.name !== 'socketio-polling');
    expect(renderReport(results)).toContain(
      'On every measure compared here, pushbench was at least as efficient as its peer, or on par within ±5 % (±25 % for latency p99).',
    );
    const plain = renderReport(makeResults());
    expect(plain).not.toContain('id="peers"');
    expect(plain).not.toContain(HEAD);
  });

  it('compares two runs with references: A and B side by side, references still last, one ratio table per run', () => {
    const comparison = renderComparison(makePeerResults(), makePeerResults());
    expect(chart(comparison, 'chart-cpu').labels.slice(6, 9)).toEqual(['', 'Bare ws loop (reference) · A', 'Bare ws loop (reference) · B']);
    expect(comparison.match(/<table class="peers">/g)).toHaveLength(2);
  });
});
