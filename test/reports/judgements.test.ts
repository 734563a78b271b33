import { describe, expect, it } from 'vitest';
import type { Results } from '../../results/results.js';
import { judgeClaims } from '../../reports/judgements.js';
import { keyFindings } from '../../reports/key-findings.js';
import { renderReport } from '../../reports/render.js';
import { heldOverRun, makeResults } from './fixture.js';

/**
 * The same three strategies with messages four times as frequent as polls (2 a second against one poll a
 * second): a run in which short polling needs fewer requests per message than long polling.
 * 40 messages to 50 clients: 2,000 deliveries.
 */
function frequentResults(): Results {
  const results = makeResults();
  for (const run of results.runs) {
    run.scenario = { ...run.scenario, ratePerSec: 2 };
    run.messages = { ...run.messages, published: 40, expected: 2000, delivered: 2000, missed: 0 };
    run.bytes = { ...run.bytes, payload: 2000 * 128 };
  }
  const [short, long, ws] = results.runs as [Results['runs'][0], Results['runs'][0], Results['runs'][0]];
  short.requests = { total: 1080, withMessages: 891, empty: 189, failed: 0, reconnects: 0 };
  short.bytes = {
    ...short.bytes,
    clientToServer: 1080 * 180,
    serverToClient: 600_000,
    serverSide: { clientToServer: 1080 * 180, serverToClient: 600_000 },
  };
  long.requests = { total: 2120, withMessages: 2070, empty: 50, failed: 0, reconnects: 0 };
  // Answered as soon as they arrive, the polls are parked only part of the time.
  long.server = { ...long.server, ...heldOverRun(18) };
  // One handshake per client, but the clients had to come back: 1.2 requests per client.
  ws.requests = { total: 60, withMessages: 0, empty: 0, failed: 0, reconnects: 10 };
  return results;
}

describe('the claims judged by the data', () => {
  it('the quick run shows every claim, each finding naming its measured numbers', () => {
    const judged = judgeClaims(makeResults());
    expect(Object.values(judged).map((j) => [j.claim, j.verdict])).toEqual([
      ['C1', 'shown'],
      ['C2', 'shown'],
      ['C3', 'shown'],
      ['C4', 'shown'],
      ['C5', 'shown'],
    ]);
    expect(judged.C2.finding).toBe(
      '60.7 % of short polls came back with nothing new, and short polling needed 2.00 requests per delivered message, against long ' +
        'polling’s 1.10 and WebSocket’s 0.10. 0.5 messages a second against one poll every 1,000 ms is about 0.5 messages per poll ' +
        'interval: most polls find nothing.',
    );
    expect(judged.C1.finding).toContain('Short polling’s messages waited 503.3 ms on average');
    expect(judged.C1.finding).toContain('WebSocket delivered in 0.35 ms (median), 1,423× sooner than short polling’s median of 498.0 ms');
    expect(judged.C3.finding).toContain(
      'Long polling kept 50 requests parked on the server on average while messages were published (peak 50), for 50 clients',
    );
    expect(judged.C3.finding).toContain('Short polling held none (each poll is answered at once), although it kept 50 TCP connections open');
    // Long polling's median above WebSocket's on loopback is explained, not left for the reader to wonder.
    expect(judged.C3.finding).toContain('Its median latency, 1.18 ms against WebSocket’s 0.35 ms, is the price of that round');
    expect(judged.C4.finding).toContain('short polling 180 B per request, 360 B per delivered message');
    expect(judged.C4.finding).toContain('WebSocket sent its headers once, in its handshake: 26.0 B up per delivered message');
    expect(judged.C5.finding).toContain('WebSocket made 1.00 requests per client for the whole run and received 165 B per message');
  });

  it('the frequent run (2 messages a second against 1 poll a second) does not show C2, and says why with its numbers', () => {
    const judged = judgeClaims(frequentResults());
    expect(judged.C2).toEqual({
      claim: 'C2',
      verdict: 'not-shown',
      finding:
        'Only 17.5 % of short polls came back empty, and short polling needed 0.54 requests per delivered message — fewer than long ' +
        'polling’s 1.06. 2 messages a second against one poll every 1,000 ms is about 2.0 messages per poll interval: most polls find ' +
        'news and bring several messages at once. The claim holds when messages are rarer than polls, as in the quick preset (0.5 a ' +
        'second against one poll a second).',
    });
    expect(judged.C3.verdict).toBe('not-shown');
    expect(judged.C3.finding).toContain(
      'Long polling kept only 18 requests parked on the server on average while messages were published (peak 18), for 50 clients',
    );
    expect(judged.C5.verdict).toBe('not-shown');
    expect(judged.C5.finding).toMatch(
      /^Its clients had to reconnect \(10 reconnects\), so one handshake did not last the run\. WebSocket made 1\.20 requests per client/,
    );
    // What the data still shows stays shown.
    expect(judged.C1.verdict).toBe('shown');
    expect(judged.C4.verdict).toBe('shown');
  });

  it('C1 is not shown when polls are frequent enough that short polling’s median comes within 3× of WebSocket’s', () => {
    const results = makeResults();
    for (const run of results.runs) run.scenario = { ...run.scenario, pollIntervalMs: 20 };
    const short = results.runs[0];
    short.latencyUs = { ...short.latencyUs, p50: 1_000, mean: 10_500, max: 21_000 };
    const judged = judgeClaims(results);
    expect(judged.C1.verdict).toBe('not-shown');
    expect(judged.C1.finding).toBe(
      'Short polling’s median wait, 1.00 ms, is within 3× of WebSocket’s 0.35 ms: asking every 20 ms leaves a message little time to wait. ' +
        'The price is in the requests: 2.00 per delivered message.',
    );
  });

  it('C4 is not shown when WebSocket’s one handshake is spread over too few messages', () => {
    const results = makeResults();
    results.runs[2].bytes = { ...results.runs[2].bytes, clientToServer: 100_000 };
    const judged = judgeClaims(results);
    expect(judged.C4.verdict).toBe('not-shown');
    expect(judged.C4.finding).toContain('WebSocket sent its headers once, in its handshake: 200 B up per delivered message over the run.');
    expect(judged.C4.finding).toContain('Its one handshake was spread over only 500 delivered messages');
  });

  it('names a cookie when the run sent one, and points to --cookie-bytes when it did not, promising no chart', () => {
    expect(judgeClaims(makeResults()).C4.finding).toContain('This run sends no cookie; --cookie-bytes adds one to every request.');
    const results = makeResults();
    for (const run of results.runs) run.scenario = { ...run.scenario, cookieBytes: 1024 };
    const finding = judgeClaims(results).C4.finding;
    expect(finding).toContain('a 1,024-byte cookie among them');
    expect(finding).not.toContain('--cookie-bytes');
  });

  it('names whose headers the requests carried, and sets the header bytes per poll beside the 871 B of 2009', () => {
    const results = makeResults();
    expect(judgeClaims(results).C4.finding).toContain('the fewest headers HTTP needs');
    expect(judgeClaims(results).C4.finding).not.toContain('871');
    for (const run of results.runs) run.clientHeaders = { profile: 'chromium', source: 'Chromium 156.0.8078.129' };
    // 1,000 requests of 180 B up; 281,860 B down of which 81,860 B were bodies: 200 B of head per answer.
    results.runs[0].bytes = { ...results.runs[0].bytes, answerBody: 81_860 };
    const finding = judgeClaims(results).C4.finding;
    expect(finding).toContain('the headers Chromium 156.0.8078.129 sends (captured from it)');
    expect(finding).toContain(
      'Headers per poll, request and answer together: short polling 380 B, against the 871 B of Lubbers and Greco’s 2009 table',
    );
  });

  it('says “not measured”, and why, when a strategy is missing, invalid or predates the held samples', () => {
    const onlyWs = makeResults();
    onlyWs.runs = [onlyWs.runs[2]];
    const judged = judgeClaims(onlyWs);
    expect(judged.C1).toEqual({ claim: 'C1', verdict: 'not-measured', finding: 'Short polling did not run in these results.' });
    expect(judged.C3.verdict).toBe('not-measured');
    expect(judged.C5.verdict).toBe('shown');

    const invalid = makeResults();
    invalid.runs[0].messages = { ...invalid.runs[0].messages, missed: 3 };
    expect(judgeClaims(invalid).C2).toEqual({
      claim: 'C2',
      verdict: 'not-measured',
      finding: 'Short polling’s run is invalid (a client missed, repeated or reordered a message), so its figures prove nothing.',
    });

    const old = makeResults();
    for (const run of old.runs) {
      delete run.server.attachedSamples;
      delete run.server.attachedPeak;
    }
    const c3 = judgeClaims(old).C3;
    expect(c3.verdict).toBe('not-measured');
    expect(c3.finding).toBe(
      'These results predate the server’s samples of held requests; only TCP connections were recorded (long polling 50 at most for 50 clients).',
    );
  });

  it('judges only pushbench’s own strategies in the first scenario: a reference peer never stands in', () => {
    const results = makeResults();
    const ws = results.runs[2];
    results.runs[2] = { ...ws, strategy: { ...ws.strategy, name: 'ws-bare', title: 'Bare ws loop', reference: true } };
    expect(judgeClaims(results).C5.verdict).toBe('not-measured');
  });
});

describe('the verdict strip', () => {
  it('puts the article’s ratios of the quick run first, each linking to its section', () => {
    expect(keyFindings(makeResults())).toEqual([
      { figure: '20×', sentence: 'WebSocket had 20× fewer requests per delivered message than short polling (0.10 against 2.00).', href: '#c2' },
      {
        figure: '4.8×',
        sentence: 'WebSocket had 4.8× fewer bytes on the wire per delivered message than short polling (191 B against 924 B).',
        href: '#c4',
      },
      { figure: '1,423×', sentence: 'WebSocket had 1,423× lower median latency than short polling (0.35 ms against 498.0 ms).', href: '#c1' },
      {
        figure: '50',
        sentence:
          'requests parked on the server by long polling on average, for 50 clients (peak 50; short polling none, with 50 TCP connections ' +
          'open all the same).',
        href: '#c3',
      },
    ]);
  });

  it('follows the data the other way too: “more” when WebSocket needs more, “about the same” within 10 %', () => {
    const results = makeResults();
    const ws = results.runs[2];
    // A WebSocket run whose clients reconnected for every message: more requests than short polling.
    ws.requests = { ...ws.requests, total: 1_500, reconnects: 1_450 };
    ws.latencyUs = { ...ws.latencyUs, p50: 470_000 };
    const findings = keyFindings(results);
    expect(findings[0].sentence).toBe('WebSocket had 1.5× more requests per delivered message than short polling (3.00 against 2.00).');
    expect(findings[2]).toEqual({
      figure: '≈',
      sentence: 'WebSocket and short polling were about the same in median latency (470.0 ms against 498.0 ms).',
      href: '#c1',
    });
  });

  it('compares long polling with WebSocket when short polling did not run, and shows nothing for a lone strategy', () => {
    const results = makeResults();
    results.runs = results.runs.slice(1);
    expect(keyFindings(results)[0].sentence).toBe('WebSocket had 11× fewer requests per delivered message than long polling (0.10 against 1.10).');
    results.runs = results.runs.slice(1);
    expect(keyFindings(results)).toEqual([]);
    expect(renderReport(results)).toContain('Fewer than two of pushbench’s strategies ran validly in these results: there is no ratio to show.');
  });

  it('marks each claim shown or not, in the report, from each results file’s own data', () => {
    const quick = renderReport(makeResults());
    const frequent = renderReport(frequentResults());
    const chip = /<li class="([a-z-]+)"><a href="#c2">/;
    expect(chip.exec(quick)![1]).toBe('shown');
    expect(chip.exec(frequent)![1]).toBe('not-shown');
    expect(frequent).toContain(
      '<p class="verdict not-shown"><span class="verdict-tag">Not shown in this run</span> Only 17.5 % of short polls came back empty',
    );
    expect(quick).toContain('<p class="verdict shown"><span class="verdict-tag">Shown</span> 60.7 % of short polls came back with nothing new');
  });
});
