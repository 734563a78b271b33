import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../reports/format.js';
import { comparePeers, frameworkFindings } from '../../reports/peers.js';
import { renderReport } from '../../reports/render.js';
import { printSummary } from '../../reports/summary.js';
import type { Results } from '../../results/results.js';
import { capacityFigures, capacityProbe, makeResults } from './fixture.js';
import { makeFrameworkResults } from './peer-fixture.js';

/** The rows of a table, each as the text of its cells. */
function tableRows(table: string): string[][] {
  return table
    .split('<tr')
    .slice(1)
    .map((row) => [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim()));
}

describe('the framework’s cost in the report', () => {
  it('says in plain words, under the ratio table, what express costs per request', () => {
    const results = makeFrameworkResults();
    const html = renderReport(results);
    const section = /<section class="claim" id="peers">([\s\S]*?)<\/section>/.exec(html)![1];
    expect(section).toContain('What the framework costs per request');
    for (const finding of frameworkFindings(comparePeers(results.runs))) expect(section).toContain(`<li>${escapeHtml(finding)}</li>`);
  });

  it('prints the same sentences in the terminal summary', () => {
    const results = makeFrameworkResults();
    const text = printSummary(results, '/tmp/report/index.html');
    for (const finding of frameworkFindings(comparePeers(results.runs))) expect(text).toContain(`  framework: ${finding}\n`);
  });
});

describe('the floor in the report’s capacity table', () => {
  it('shows each endpoint’s floor, with autocannon’s CPU then, and the ratio to it', () => {
    const results: Results = {
      ...makeResults(),
      capacity: [
        capacityProbe(
          'short-poll',
          capacityFigures(54_000, { loadGeneratorCpuShare: 0.8 }),
          capacityFigures(67_500, { loadGeneratorCpuShare: 0.97 }),
        ),
      ],
    };
    const html = renderReport(results);
    const section = /<section[^>]*id="capacity"[^>]*>([\s\S]*?)<\/section>/.exec(html)![1];
    const table = /<table>([\s\S]*?)<\/table>/.exec(section)![1];
    const [head, row] = tableRows(table);
    expect(head.slice(0, 4)).toEqual(['Endpoint', 'Requests / s', 'node:http floor, requests / s', 'Of the floor']);
    expect(row.slice(0, 4)).toEqual(['short-pollGET /api/poll?since=0', '54,000', '67,500 (97.0 %)', '0.80×']);
  });
});

describe('requests per second of client CPU', () => {
  it('is in the cost table for the runs that sent requests while publishing, a dash for the others', () => {
    const results = makeResults();
    const [shortPolling, , webSocket] = results.runs;
    shortPolling.steady = { windowMs: 20_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 1_000, clientCpuMs: 62.5 };
    webSocket.steady = { windowMs: 20_000, bytesClientToServer: 0, bytesServerToClient: 0, requests: 0, clientCpuMs: 40 };
    const html = renderReport(results);
    const table = [...html.matchAll(/<table class="cards">([\s\S]*?)<\/table>/g)]
      .map((m) => m[1])
      .find((t) => t.includes('Requests / client CPU-s'))!;
    const rows = tableRows(table);
    const column = rows[0].indexOf('Requests / client CPU-s');
    expect(rows.slice(1).map((cells) => [cells[0], cells[column]])).toEqual([
      ['Short polling', '16,000'],
      ['Long polling', '—'],
      ['WebSocket', '—'],
    ]);
    expect(printSummary(results, '/tmp/x.html')).toContain('requests per second of client CPU (load generator): short-polling 16,000\n');
  });
});
