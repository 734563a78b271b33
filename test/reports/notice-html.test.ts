import { describe, expect, it } from 'vitest';
import { bottleneckHtml, interruptionBanner, noticeHtml } from '../../reports/notice-html.js';
import type { BottleneckReason, Notice } from '../../results/results.js';
import { makeResults, XSS } from './fixture.js';
import { interruption, NOTICES, REASONS } from './notice-fixture.js';

/** The report's fragment for every code, exactly: a code missing here fails to compile. */
const FRAGMENTS: Record<Notice['code'], string> = {
  'not-measured': 'the run could not be measured: server process exited (code 1)',
  'never-connected': 'only 3 of 4,000 clients connected within 13.5 s, so no message was published',
  'nothing-published':
    'the schedule published no message (0.5 msg/s for 1 s, seed 7), so nothing was measured: raise <code>--rate</code> or <code>--duration</code>',
  'messages-missed':
    '5 clients missed 1,240 messages in all: client 0 missed 1 (seq 4), client 2 missed 7 (seq 4, 5, 6, 7, 8, …), ' +
    'client 9 missed 5 (seq 1, 2, 3, 4, 5), and 2 more clients',
  'messages-duplicated': '1 client received 2 duplicates in all: client 3 got 2',
  'messages-out-of-order': '4 clients received 5 messages out of order in all: client 1 got 1, client 2 got 2, client 3 got 1, and 1 more client',
  'gaps-signalled':
    '2 clients were told of 2 gaps in the log (a cursor older than the oldest message the log keeps): client 0 was told of 1, client 5 was told of 1',
  'not-drained': '1 client still lacked the last message (seq 40) 2,002 ms after the schedule ended',
  'bytes-disagree':
    'the bytes counted at the clients’ sockets and at the server’s differ: client→server 1,000 vs 1,000 B, server→client 19,000 vs 18,990 B',
  'tls-application-disagree':
    'the TLS application bytes the clients read out of the records and the plaintext the server’s TLS sockets counted differ: ' +
    'client→server 400 vs 400 B, server→client 9,000 vs 9,100 B',
  'bytes-cut-by-churn':
    'the bytes counted at the clients’ sockets and at the server’s differ: client→server 1,000 vs 1,000 B, server→client 19,000 vs 18,990 B, ' +
    'as churn cut 2 connections with bytes in flight',
  'fallback-mismatch': '2 clients were to be refused at the upgrade, but 1 fell back to long polling',
  'late-publishes': '17 of 2,000 publishes went out more than 100 ms late (worst 1,836 ms): the server process could not keep the schedule',
  'publishes-failed':
    '2 of 1,500 publishes were given up (failed attempts: 503 × 6, timeout × 1): those messages were never published; the others count as usual',
  'server-replaced':
    'a server process was killed 2 s into the schedule and replaced: the server-side bytes, CPU and memory are those of the new process only',
  'load-generator-bound':
    'the load generator was saturated (client process 2 at 95 % of a core): its latencies and rates include its own queueing — ' +
    'read these figures as the machine’s limit, not the server’s',
  'probe-not-measured': 'the probe could not be measured: autocannon process exited (code 1)',
  'floor-not-measured': 'the floor could not be measured: no answer from http://127.0.0.1:1/ within 5000 ms',
};

const REASON_FRAGMENTS: Record<BottleneckReason['code'], string> = {
  'generator-saturated':
    'the load generator was saturated (client process 1 at 97 % of a core, proxy process 2 at 90 % of a core): its latencies and rates ' +
    'include its own queueing',
  'machine-busy': 'the machine’s 2 cores were 95 % busy, and the load generator used more of them than the server did',
  'server-loop-late': 'the server’s event loop ran 1,240 ms late (p99) while publishing, at 23 % of a core: its own work per message set the pace',
  'server-saturated': 'the server process used 93 % of a core, all one event loop can give',
  'generator-loop-late':
    'the load generator ran its timers late (event-loop delay p99: proxy process 1 80 ms, client process 3 52 ms), which adds to the ' +
    'latencies it measured',
  neither: 'neither was saturated (the server at 10 % of a core, the machine 15 % busy)',
};

describe('noticeHtml', () => {
  it.each(Object.keys(FRAGMENTS) as Notice['code'][])('words %s for the report', (code) => {
    expect(noticeHtml(NOTICES[code])).toBe(FRAGMENTS[code]);
  });

  it('names every client when all fit in the examples, and says "1 more client" in the singular', () => {
    const two: Notice = {
      code: 'messages-duplicated',
      clients: 2,
      duplicated: 3,
      examples: [
        { client: 1, count: 1 },
        { client: 4, count: 2 },
      ],
    };
    expect(noticeHtml(two)).toBe('2 clients received 3 duplicates in all: client 1 got 1, client 4 got 2');
    expect(noticeHtml({ ...two, clients: 3 })).toBe('3 clients received 3 duplicates in all: client 1 got 1, client 4 got 2, and 1 more client');
  });

  it('escapes the text a run carries: an error message, a sentence from an older file', () => {
    expect(noticeHtml({ code: 'not-measured', reason: XSS })).toBe(
      'the run could not be measured: &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(noticeHtml(`payload ${XSS}`)).toBe('payload &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows a code it does not know (a newer file) by its name and data, escaped', () => {
    const future = { code: 'clock-skew', note: '<b>' } as unknown as Notice;
    expect(noticeHtml(future)).toBe('clock-skew {&quot;note&quot;:&quot;&lt;b&gt;&quot;}');
  });
});

describe('bottleneckHtml', () => {
  it.each(Object.keys(REASON_FRAGMENTS) as BottleneckReason['code'][])('words %s for the report, without tags', (code) => {
    expect(bottleneckHtml(REASONS[code])).toBe(REASON_FRAGMENTS[code]);
    // It is also a title attribute: no markup and no bare quote.
    expect(bottleneckHtml(REASONS[code])).not.toMatch(/[<>"]/);
  });

  it('escapes a reason from an older results file', () => {
    expect(bottleneckHtml('client "1" <97 %>')).toBe('client &quot;1&quot; &lt;97 %&gt;');
  });
});

describe('interruptionBanner', () => {
  it('is empty for a bench that ran its whole plan', () => {
    expect(interruptionBanner(makeResults(), null)).toBe('');
  });

  it('says what finished, that the figures are those steps, and names every step that did not run', () => {
    const results = { ...makeResults(), interrupted: interruption().interrupted };
    expect(interruptionBanner(results, null)).toBe(
      '<div class="banner interrupted" role="status"><strong>Interrupted (SIGINT) after 2 of 4 runs and 0 of 2 capacity probes: ' +
        'these figures are the runs and probes that finished.</strong>\n' +
        '<p>The bench was stopped before its plan was done: a step cut short is left out, so every figure below is of a complete step. Not run:</p>' +
        '<ul><li>Short polling <span class="muted">(1,000 clients)</span></li><li>WebSocket <span class="muted">(1,000 clients)</span></li>' +
        '<li>capacity probe short-poll</li><li>capacity probe publish (HTTP/2)</li></ul></div>',
    );
  });

  it('names the results it is about in a comparison', () => {
    const results = {
      ...makeResults(),
      interrupted: { ...interruption().interrupted, probesPlanned: 0, notRun: interruption().interrupted.notRun.slice(0, 2) },
    };
    expect(interruptionBanner(results, 'B')).toContain(
      '<strong>Run B was interrupted (SIGINT) after 2 of 4 runs: these figures are the runs that finished.</strong>',
    );
  });
});
