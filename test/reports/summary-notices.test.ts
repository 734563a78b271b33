import { describe, expect, it } from 'vitest';
import { bottleneckText, interruptionLines, noticeText } from '../../reports/summary-notices.js';
import type { BottleneckReason, Notice } from '../../results/results.js';
import { interruption, NOTICES, REASONS } from './notice-fixture.js';

/** The terminal's sentence for every code, exactly: a code missing here fails to compile. */
const SENTENCES: Record<Notice['code'], string> = {
  'not-measured': 'the run could not be measured: server process exited (code 1)',
  'never-connected': 'only 3 of 4000 clients connected within 13.5 s, so no message was published',
  'nothing-published': 'the schedule published no message (0.5 msg/s for 1 s, seed 7), so nothing was measured: raise --rate or --duration',
  'messages-missed':
    'client 0 missed 1 message(s) (seq 4); client 2 missed 7 message(s) (seq 4, 5, 6, 7, 8, …); ' +
    'client 9 missed 5 message(s) (seq 1, 2, 3, 4, 5) and 2 more client(s)',
  'messages-duplicated': 'client 3 got 2 duplicate(s)',
  'messages-out-of-order':
    'client 1 got 1 message(s) out of order; client 2 got 2 message(s) out of order; client 3 got 1 message(s) out of order and 1 more client(s)',
  'gaps-signalled': 'client 0 was told of 1 gap(s) in the log; client 5 was told of 1 gap(s) in the log',
  'not-drained': '1 client(s) still lacked the last message (seq 40) 2002 ms after the schedule ended',
  'bytes-disagree': 'bytes counted at the client and the server sockets differ: client→server 1000 vs 1000, server→client 19000 vs 18990',
  'bytes-cut-by-churn':
    'bytes counted at the client and the server sockets differ: client→server 1000 vs 1000, server→client 19000 vs 18990, ' +
    'as 2 connection(s) were cut with bytes in flight (churn)',
  'fallback-mismatch': '2 client(s) were to be refused at the upgrade, but 1 fell back to long polling',
  'late-publishes': '17 of 2000 publishes went out more than 100 ms late (worst 1836 ms): the server process could not keep the schedule',
  'publishes-failed':
    '2 of 1500 publishes were given up (failed attempts: 503 ×6, timeout ×1): those messages were never published; the others count as usual',
  'server-replaced':
    'the server process was killed 2 s into the schedule and replaced: server-side bytes, CPU and memory are those of the new process only',
  'load-generator-bound':
    'the load generator was saturated (client process 2 95 % of a core): its latencies and rates include its own queueing; ' +
    "read these figures as the machine's limit, not the server's",
  'probe-not-measured': 'the probe could not be measured: autocannon process exited (code 1)',
  'floor-not-measured': 'the floor could not be measured: no answer from http://127.0.0.1:1/ within 5000 ms',
};

const REASON_SENTENCES: Record<BottleneckReason['code'], string> = {
  'generator-saturated':
    'the load generator was saturated (client process 1 97 % of a core, proxy process 2 90 % of a core): its latencies and rates include ' +
    'its own queueing',
  'machine-busy': "the machine's 2 cores were 95 % busy and the load generator used more of them than the server did",
  'server-loop-late': "the server's event loop ran 1240 ms late (p99) while publishing, using 23 % of a core: its own work per message set the pace",
  'server-saturated': 'the server process used 93 % of a core, all one event loop can give',
  'generator-loop-late':
    'the load generator ran its timers late (event-loop delay p99: proxy process 1 80 ms, client process 3 52 ms), which adds to the ' +
    'latencies it measured',
  neither: 'neither was saturated (server 10 % of a core, machine 15 % busy)',
};

describe('noticeText', () => {
  it.each(Object.keys(SENTENCES) as Notice['code'][])('words %s for the terminal', (code) => {
    expect(noticeText(NOTICES[code])).toBe(SENTENCES[code]);
  });

  it('says how many more clients there were only when some were not shown', () => {
    const all: Notice = {
      code: 'messages-duplicated',
      clients: 2,
      duplicated: 3,
      examples: [
        { client: 1, count: 1 },
        { client: 4, count: 2 },
      ],
    };
    expect(noticeText(all)).toBe('client 1 got 1 duplicate(s); client 4 got 2 duplicate(s)');
    expect(noticeText({ ...all, clients: 9 })).toBe('client 1 got 1 duplicate(s); client 4 got 2 duplicate(s) and 7 more client(s)');
  });

  it('names the surviving processes of a killed one behind a shared port', () => {
    expect(noticeText({ code: 'server-replaced', atSec: 1.5, serverProcesses: 2 })).toBe(
      'the server process was killed 1.5 s into the schedule and replaced: server-side bytes, CPU and memory are those of the surviving ' +
        'processes and the new one',
    );
  });

  it('prints a sentence from an older results file as it is', () => {
    expect(noticeText('client 7 missed seq 12, 13, 14')).toBe('client 7 missed seq 12, 13, 14');
  });

  it('prints a code it does not know (a newer file) by its name and data', () => {
    const future = { code: 'clock-skew', skewMs: 40 } as unknown as Notice;
    expect(noticeText(future)).toBe('clock-skew {"skewMs":40}');
  });
});

describe('bottleneckText', () => {
  it.each(Object.keys(REASON_SENTENCES) as BottleneckReason['code'][])('words %s for the terminal', (code) => {
    expect(bottleneckText(REASONS[code])).toBe(REASON_SENTENCES[code]);
  });

  it('prints a reason from an older results file as it is', () => {
    expect(bottleneckText('client process 1 at 97 % of a core')).toBe('client process 1 at 97 % of a core');
  });
});

describe('interruptionLines', () => {
  it('says what finished and names every step that did not run', () => {
    const { interrupted, finished } = interruption();
    expect(interruptionLines(interrupted, finished)).toEqual([
      'INTERRUPTED by SIGINT after 2 of 4 runs and 0 of 2 capacity probes: these figures are the runs and probes that finished',
      '  not run: short-polling (1,000 clients), websocket (1,000 clients), capacity short-poll, capacity publish (HTTP/2)',
    ]);
  });

  it('speaks of runs only when no probe was planned, and without a signal when stopped from code', () => {
    const { interrupted, finished } = interruption();
    const { signal: _signal, ...unsignalled } = interrupted;
    const runsOnly = { ...unsignalled, probesPlanned: 0, notRun: interrupted.notRun.slice(0, 1) };
    expect(interruptionLines(runsOnly, finished)).toEqual([
      'INTERRUPTED after 2 of 4 runs: these figures are the runs that finished',
      '  not run: short-polling (1,000 clients)',
    ]);
  });
});
