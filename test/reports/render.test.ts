import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../results/results.js';
import type { ChartSpec } from '../../reports/charts.js';
import { escapeHtml, inlineJson } from '../../reports/format.js';
import { renderComparison, renderReport } from '../../reports/render.js';
import { XSS, makeInvalidResults, makeResults } from './fixture.js';

const chartJsDist = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

function scriptJson(html: string, id: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  if (!match) throw new Error(`no #${id} block`);
  return JSON.parse(match[1]);
}

function charts(html: string): ChartSpec[] {
  return scriptJson(html, 'pushbench-charts') as ChartSpec[];
}

function chart(html: string, id: string): ChartSpec {
  const found = charts(html).find((c) => c.id === id);
  if (!found) throw new Error(`no chart ${id}`);
  return found;
}

/** The text of the summary table's row for a strategy, tags stripped. */
function summaryRow(html: string, title: string): string[] {
  const table = /<table class="summary cards">([\s\S]*?)<\/table>/.exec(html)![1];
  const row = table.split('<tr').find((r) => r.includes(`${title}</span>`) || r.includes(`${title}<span class="run-tag">`));
  if (!row) throw new Error(`no row for ${title}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
}

describe('renderReport', () => {
  const results = makeResults();
  const html = renderReport(results);

  it('is one HTML document that inlines the chart.js bundle, minus its source-map comment', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    const middle = chartJsDist.slice(100_000, 100_400);
    expect(html).toContain(middle);
    expect(html).toContain('Chart.js v4');
    expect(chartJsDist).toContain('sourceMappingURL');
    expect(html).not.toContain('sourceMappingURL');
  });

  it('inlines the results unchanged', () => {
    expect(scriptJson(html, 'pushbench-results')).toEqual(results);
    expect(html).toContain(JSON.stringify(results.runs[2].latencyUs));
  });

  it('loads nothing from anywhere: no external src/href, no <script src>, no <link>', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    // Four blocks: results, chart descriptions, chart.js, the chart script.
    expect(html.match(/<script\b/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
  });

  it('gives every chart a canvas, in the order of the article’s claims', () => {
    const ids = charts(html).map((c) => c.id);
    expect(ids).toEqual([
      'chart-latency',
      'chart-requests',
      'chart-held-1',
      'chart-held-2',
      'chart-held-3',
      'chart-connections',
      'chart-bytes',
      'chart-cpu',
    ]);
    for (const id of ids) expect(html).toContain(`<canvas id="${id}"`);
    const headings = [...html.matchAll(/<section class="claim" id="([^"]+)">\n<h2>([^<]+)<\/h2>/g)].map((m) => [m[1], m[2]]);
    expect(headings).toEqual([
      ['c1', 'Does a message wait until the client asks?'],
      ['c2', 'How many requests does a message take, and how many come back empty?'],
      ['c3', 'What does each strategy hold open on the server?'],
      ['c4', 'How many bytes does a message cost on the wire?'],
      ['c5', 'Does a WebSocket need one handshake and a few bytes per message?'],
      ['cost', 'What does a delivered message cost the server?'],
    ]);
    expect(html).toContain(
      '<span class="claim-id">C1</span> The article: “HTTP is passive: one request, one response, and the server can never speak first.”',
    );
  });

  it('reads as a report, not a specification: no “Must show”, no repeated claim lines, no list of what it does not measure', () => {
    expect(html).not.toContain('Must show');
    expect(html).not.toMatch(/Also C\d/);
    expect(html).not.toContain('does not measure them');
    expect(html).not.toContain('C6');
    // Nothing depends on hovering: the tables say so in words, not in a hint to hover.
    const text = html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<script[\s\S]*?<\/script>/g, '');
    expect(text).not.toMatch(/hover/i);
    expect(html).toContain('<summary>What the columns mean</summary>');
    // No cookie sweep in this run: no promise of a chart that grows with the cookie.
    expect(html).not.toContain('growing with cookie size');
  });

  it('opens with the verdict strip, before the scenario and the tables', () => {
    const strip = html.indexOf('<section class="verdict-strip"');
    expect(strip).toBeGreaterThan(html.indexOf('<main>'));
    expect(strip).toBeLessThan(html.indexOf('<h2>Scenario</h2>'));
    expect(html).toContain(
      '<li><a href="#c2"><span class="figure">20×</span><span class="sentence">WebSocket had 20× fewer requests per delivered message than ' +
        'short polling (0.10 against 2.00).</span></a></li>',
    );
    expect(html).toContain(
      '<li class="shown"><a href="#c1"><span class="claim-id">C1</span> A message waits for the next poll: <b>shown</b></a></li>',
    );
  });

  it('leaves out the memory-per-connection column when no run measured it, and says why', () => {
    expect(html).not.toContain('<th class="num">RSS / connection</th>');
    expect(html).toContain('this run had fewer, so that column is left out');
    const measured = makeResults();
    measured.runs[2].server.rssPerConnectionBytes = 10_240;
    const out = renderReport(measured);
    expect(out).toContain('<th class="num">RSS / connection</th>');
    expect(out).toContain('<td class="num" data-label="RSS / connection">10.0 KiB</td>');
  });

  it('prints the run metadata and the scenario once when every run shares it', () => {
    expect(html).toContain('2025-11-23 10:15:30 UTC');
    expect(html).toContain('Intel(R) Xeon(R) CPU @ 2.20GHz × 2');
    expect(html).toContain('<code>npm run bench -- --preset quick</code>');
    expect(html).toContain('8.0 GiB');
    expect(html).toContain('1 min 6 s');
    expect(html).toContain('<td>all runs</td><td class="num">50</td><td class="num">0.50</td>');
    expect(html).toContain('<td class="num">1,000 ms</td><td class="num">25,000 ms</td><td>poisson</td><td class="num">42</td>');
  });

  it('shows the green line and no red banner when every run is valid', () => {
    expect(html).toContain('Every client received every message exactly once, in order.');
    expect(html).not.toContain('banner invalid');
  });

  it('puts the hand-computed figures in the summary table', () => {
    expect(summaryRow(html, 'Short polling')).toEqual([
      'Short pollingpull · request-per-poll',
      '500 / 500',
      '2.00',
      '60.7 %',
      '360',
      '564',
      '7.22×',
      '498.0',
      '991.3',
      '620.0',
      '50 / 50',
      '0 / 0 / 0',
    ]);
    expect(summaryRow(html, 'WebSocket').slice(1, 10)).toEqual(['500 / 500', '0.10', '0.0 %', '26.0', '165', '1.49×', '0.35', '1.72', '90.0']);
  });

  it('feeds the charts the derived values', () => {
    const latency = chart(html, 'chart-latency');
    expect(latency.labels).toEqual(['mean', 'p50', 'p90', 'p99', 'p99.9', 'max']);
    expect(latency.datasets.map((d) => d.label)).toEqual([
      'Short polling',
      'Long polling',
      'WebSocket',
      'short polling expected: the wait spread evenly over one 1,000 ms interval',
    ]);
    expect(latency.datasets[2].data).toEqual([0.42, 0.35, 0.61, 1.72, 2.9, 3.05]);
    // Uniform over one interval: mean and median half of it, p90 0.9 of it, the maximum the whole interval.
    expect(latency.datasets[3].data).toEqual([500, 500, 900, 990, 999, 1000]);
    expect(latency.logY).toBe(true);
    expect(latency.yMin).toBe(0.1);

    const requests = chart(html, 'chart-requests');
    expect(requests.datasets.map((d) => [d.label, d.data])).toEqual([
      ['with messages', [0.786, 1, 0]],
      ['handshake / other', [0, 0, 0.1]],
      ['empty (“nothing new”)', [1.214, 0.1, 0]],
    ]);

    const bytes = chart(html, 'chart-bytes');
    expect(bytes.datasets.map((d) => [d.label, d.data])).toEqual([
      ['server → client', [563.72, 359, 165]],
      ['client → server', [360, 198, 26]],
      ['payload per message', [128, 128, 128]],
    ]);
    expect(chart(html, 'chart-cpu').datasets[0].data).toEqual([620, 240, 90]);
    expect(chart(html, 'chart-connections').datasets.map((d) => d.label)).toEqual(['Short polling', 'Long polling', 'WebSocket', 'clients = 50']);
    // What the server held: a panel per run, on one x range and one y scale, so that equal lines look equal.
    const held = ['chart-held-1', 'chart-held-2', 'chart-held-3'].map((id) => chart(html, id));
    expect(held.map((c) => c.datasets.map((d) => d.label))).toEqual([['Short polling'], ['Long polling'], ['WebSocket']]);
    expect(held[1].datasets[0].xy!.slice(0, 3)).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 50 },
      { x: 2, y: 50 },
    ]);
    expect(held[0].datasets[0].xy!.every((p) => p.y === 0)).toBe(true);
    for (const panel of held) {
      expect(panel.panel).toBe(true);
      // 50 held with 5 % head room: 60, in steps of 20; samples from 0 s to 22 s: 25 s, in steps of 5.
      expect([panel.yMin, panel.yMax, panel.yStep]).toEqual([0, 60, 20]);
      expect([panel.x!.min, panel.x!.max, panel.x!.step]).toEqual([0, 25, 5]);
    }
    expect(html).toContain(
      '<div class="panel-title"><span class="strategy"><span class="swatch" style="background-color:#b45309"></span>Long polling</span></div>',
    );
  });

  it('colours each strategy the same way everywhere: its own colour, else the palette’s by name, else a neutral grey', () => {
    // The fixture is a results.json from before colours were recorded: the palette names them.
    const latency = chart(html, 'chart-latency');
    expect(latency.datasets.slice(0, 3).map((d) => d.color)).toEqual(['#1d4ed8', '#b45309', '#047857']);
    expect(chart(html, 'chart-cpu').datasets[0].color).toEqual(['#1d4ed8', '#b45309', '#047857']);
    const withSse = makeResults();
    withSse.runs.push({ ...withSse.runs[2], strategy: { ...withSse.runs[2].strategy, name: 'sse', title: 'Server-sent events' } });
    expect(chart(renderReport(withSse), 'chart-cpu').datasets[0].color).toEqual(['#1d4ed8', '#b45309', '#047857', '#a21caf']);

    const more = makeResults();
    const like = (name: string, colour?: string) => ({ ...more.runs[2], strategy: { ...more.runs[2].strategy, name, title: name, colour } });
    more.runs[0] = { ...more.runs[0], strategy: { ...more.runs[0].strategy, colour: '#0f766e' } };
    more.runs.push(like('newcomer', '#123abc'), like('stranger'), like('intruder', 'red"><script>alert(1)</script>'));
    const rendered = renderReport(more);
    expect(chart(rendered, 'chart-cpu').datasets[0].color).toEqual(['#0f766e', '#b45309', '#047857', '#123abc', '#6b7280', '#6b7280']);
    // The stray colour is only in the embedded data, escaped: never in a style or a chart.
    expect(rendered).not.toContain('<script>alert(1)');
  });

  it('explains short polling’s wait with the scenario’s poll interval', () => {
    expect(html).toContain('With a poll interval of <b>1,000 ms</b>, expect a mean and a median wait of ≈ <b>500 ms</b>, p90 near 900 ms');
    expect(html).toContain('Measured: Short polling mean 503.3 ms, max 1,001.4 ms.');
  });

  it('reports the client/server byte cross-check', () => {
    expect(html).toContain('The client-side and server-side byte counts agree within 0.1 %.');
    const exact = makeResults();
    exact.runs[1].bytes.serverSide.serverToClient = exact.runs[1].bytes.serverToClient;
    expect(renderReport(exact)).toContain('The client-side and server-side byte counts agree exactly.');
    exact.runs[2].bytes.serverSide.clientToServer = 10_000;
    expect(renderReport(exact)).toContain('<b>The client-side and server-side byte counts differ by up to 23.1 %</b>');
  });

  it('keeps the raw JSON in a collapsed <details><pre>', () => {
    expect(html).toMatch(/<details class="raw"><summary>Raw results \(results\.json\)<\/summary><pre>\{\n {2}&quot;meta&quot;/);
  });

  it('is deterministic', () => {
    expect(renderReport(makeResults())).toBe(html);
  });

  it('prints "—" where nothing was delivered', () => {
    const broken = makeResults();
    const ws = broken.runs[2];
    ws.messages = { ...ws.messages, delivered: 0, missed: 500 };
    ws.latencyUs = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
    const out = renderReport(broken);
    const row = summaryRow(out, 'WebSocket').slice(1, 12);
    expect(row).toEqual(['0 / 500', '—', '0.0 %', '—', '—', '1.49×', '—', '—', '—', '50 / 50', '500 / 0 / 0']);
    expect(chart(out, 'chart-latency').datasets[2].data).toEqual([null, null, null, null, null, null]);
  });
});

describe('invalid runs', () => {
  it('shows the red banner naming the strategy, its counts and its problems', () => {
    const html = renderReport(makeInvalidResults());
    expect(html).toContain('<div class="banner invalid" role="alert">');
    expect(html).toContain('<li><b>Long polling</b>: 3 missed, 2 duplicated, 1 out of order (delivered 497 of 500)');
    expect(html).toContain('<li>client 7 missed seq 12, 13, 14</li>');
    expect(html).not.toContain('Every client received every message exactly once');
  });

  it.each([
    ['missed', { missed: 1 }],
    ['duplicated', { duplicated: 1 }],
    ['out of order', { outOfOrder: 1 }],
  ])('is raised by %s alone', (_name, counts) => {
    const results = makeResults();
    results.runs[0].messages = { ...results.runs[0].messages, ...counts };
    const html = renderReport(results);
    expect(html).toContain('banner invalid');
    expect(html).toContain('<li><b>Short polling</b>:');
  });

  it('is raised by a problem alone', () => {
    const results = makeResults();
    results.runs[2].problems = ['gap signal at seq 4'];
    expect(renderReport(results)).toContain('<li><b>WebSocket</b>: 0 missed, 0 duplicated, 0 out of order');
  });

  it('keeps hostile strings escaped everywhere', () => {
    const results = makeInvalidResults();
    results.runs[0].strategy.title = `Short ${XSS}`;
    const html = renderReport(results);
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('<img');
    expect(html).toContain(`payload ${escapeHtml(XSS)}`);
    expect(html).toContain('Evil &lt;img src=x onerror=alert(1)&gt; CPU');
    expect(html).toContain(inlineJson(XSS).slice(1, -1));
    expect(html.match(/<script\b/g)).toHaveLength(4);
    expect(scriptJson(html, 'pushbench-results')).toEqual(results);
    expect(charts(html)[0].datasets[0].label).toBe(`Short ${XSS}`);
  });
});

describe('problems and warnings as codes', () => {
  it('words a run’s coded problems in the red banner, and its coded warnings under “Read with care”', () => {
    const results = makeResults();
    results.runs[1].problems = [{ code: 'never-connected', connected: 48, clients: 50, timeoutMs: 13_000 }];
    results.runs[0].warnings = [{ code: 'late-publishes', late: 3, of: 10, lateMs: 100, worstMs: 1_250 }];
    const html = renderReport(results);
    expect(html).toContain('<ul class="problems"><li>only 48 of 50 clients connected within 13 s, so no message was published</li></ul>');
    expect(html).toContain(
      '<li><b>Short polling</b>: 3 of 10 publishes went out more than 100 ms late (worst 1,250 ms): the server process could not keep the ' +
        'schedule</li>',
    );
  });

  it('lists a run’s several warnings one per line', () => {
    const results = makeResults();
    results.runs[0].warnings = [{ code: 'server-replaced', atSec: 2, serverProcesses: 2 }, 'an older warning'];
    expect(renderReport(results)).toContain(
      '<li><b>Short polling</b>: <ul><li>a server process was killed 2 s into the schedule and replaced: the server-side bytes, CPU and ' +
        'memory are those ' +
        'of the surviving processes and the new one</li><li>an older warning</li></ul></li>',
    );
  });

  it('words a coded bottleneck reason in the cost table', () => {
    const results = makeResults();
    results.runs[2].bottleneck = { verdict: 'server', reason: { code: 'server-saturated', cpuShare: 0.93 } };
    expect(renderReport(results)).toContain('<div class="kind wrap">the server process used 93 % of a core, all one event loop can give</div>');
  });
});

describe('an interrupted bench', () => {
  const interrupted = (results: Results): Results => ({
    ...results,
    interrupted: {
      signal: 'SIGINT',
      runsPlanned: 8,
      runsFinished: results.runs.length,
      probesPlanned: 0,
      probesFinished: 0,
      notRun: Array.from({ length: 8 - results.runs.length }, () => ({
        kind: 'run' as const,
        strategy: results.runs[0]?.strategy ?? makeResults().runs[0].strategy,
        scenario: makeResults().runs[0].scenario,
      })),
    },
  });

  it('says so in a banner at the top, and is not reported as broken when too few strategies ran for a ratio', () => {
    const results = makeResults();
    results.runs = results.runs.slice(0, 1);
    const html = renderReport(interrupted(results));
    expect(html).toContain(
      '<div class="banner interrupted" role="status"><strong>Interrupted (SIGINT) after 1 of 8 runs: these figures are the runs that ' +
        'finished.</strong>',
    );
    expect(html.indexOf('banner interrupted')).toBeLessThan(html.indexOf('id="verdict"'));
    expect(html).toContain('The bench was interrupted before two of pushbench’s strategies had run validly: there is no ratio to show.');
    expect(html).not.toContain('Fewer than two of pushbench’s strategies ran validly');
  });

  it('with no run finished, shows the banner and neither “no runs” in red nor a vacuous “every client received every message”', () => {
    const results = makeResults();
    results.runs = [];
    const html = renderReport(interrupted(results));
    expect(html).toContain('Interrupted (SIGINT) after 0 of 8 runs');
    expect(html).not.toContain('These results contain no runs.');
    expect(html).not.toContain('Every client received every message');
  });

  it('names the interrupted results of a comparison', () => {
    const html = renderComparison(makeResults(), interrupted(makeResults()));
    expect(html).toContain('<strong>Run B was interrupted (SIGINT) after 3 of 8 runs: these figures are the runs that finished.</strong>');
    expect(html.match(/banner interrupted/g)).toHaveLength(1);
  });

  it('shows no interruption banner for a bench that ran its whole plan', () => {
    expect(renderReport(makeResults())).not.toContain('banner interrupted');
  });
});

describe('the name of a bench in the report', () => {
  it('is its preset, or a custom run with the settings its flags changed', () => {
    const custom = makeResults();
    custom.meta.changed = ['500 clients', 'Redis source'];
    const html = renderReport(custom);
    expect(html).toContain('<title>pushbench report — 2025-11-23 10:15:30 UTC, custom run: quick preset with 500 clients, Redis source</title>');
    expect(html).toContain('<dt>Changed by flags</dt><dd>500 clients, Redis source</dd>');
    expect(renderReport(makeResults())).toContain('<title>pushbench report — 2025-11-23 10:15:30 UTC, quick preset</title>');
    expect(renderReport(makeResults())).not.toContain('Changed by flags');
  });
});

describe('renderComparison', () => {
  const a = makeResults();
  const b: Results = makeResults();
  b.meta.date = '2025-11-24T08:00:00.000Z';
  for (const run of b.runs) run.scenario = { ...run.scenario, pollIntervalMs: 2000 };
  const html = renderComparison(a, b);

  it('inlines both runs as [a, b]', () => {
    expect(scriptJson(html, 'pushbench-results')).toEqual([a, b]);
  });

  it('labels the runs A and B with their dates', () => {
    expect(html).toContain('A: 2025-11-23 10:15:30 UTC, quick preset vs B: 2025-11-24 08:00:00 UTC, quick preset');
    expect(html).toContain('<h3>Run A</h3>');
    expect(html).toContain('<h3>Run B</h3>');
    expect(html).toContain('Raw results of run B (2025-11-24 08:00:00 UTC)');
  });

  it('shows a scenario row per run when the scenarios differ', () => {
    expect(html).toContain('<td>every run of A</td>');
    expect(html).toContain('<td>every run of B</td>');
    expect(html).toContain('<td class="num">2,000 ms</td>');
  });

  it('puts A and B of each strategy side by side, B hatched', () => {
    const cpu = chart(html, 'chart-cpu');
    expect(cpu.labels).toEqual(['Short polling · A', 'Short polling · B', 'Long polling · A', 'Long polling · B', 'WebSocket · A', 'WebSocket · B']);
    expect(cpu.datasets[0].color).toEqual(['#1d4ed8', 'stripe:#1d4ed8', '#b45309', 'stripe:#b45309', '#047857', 'stripe:#047857']);
    // Different poll intervals: no single "interval / 2" line, each is named in the caption instead.
    expect(chart(html, 'chart-latency').datasets).toHaveLength(6);
    expect(html).toContain('Short polling · A 1,000 ms interval → ≈ 500 ms · Short polling · B 2,000 ms interval → ≈ 1,000 ms');
  });
});
