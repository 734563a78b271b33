import { describe, expect, it } from 'vitest';
import { parseListenCounters } from '../../../bench/measure/kernel-listen.js';
import { recoveryOutcome, shares, type RecoveryEpisode } from '../../../bench/measure/recovery.js';
import { mergeTimelines } from '../../../bench/measure/server-timeline.js';

const KILL = 1_000_000;

describe('shares', () => {
  it('takes the ⌈q·n⌉-th smallest time, and null when that many never got there', () => {
    expect(shares([300, 100, 200, 400])).toEqual({ p50: 200, p95: 400, p100: 400 });
    expect(shares([100, null, 300, 200])).toEqual({ p50: 200, p95: null, p100: null });
    expect(shares(Array.from({ length: 20 }, (_, i) => (i === 19 ? null : (i + 1) * 10)))).toEqual({ p50: 100, p95: 190, p100: null });
    expect(shares([])).toEqual({ p50: null, p95: null, p100: null });
  });
});

describe('recoveryOutcome', () => {
  const episodes: RecoveryEpisode[] = [
    [KILL + 5, KILL + 120, KILL + 250, 2],
    [KILL + 6, KILL + 240, KILL + 250, 3],
    [KILL + 7, KILL + 90, null, 1],
  ];
  const outcome = recoveryOutcome({
    processes: 2,
    killedAtMs: KILL,
    episodes,
    timeline: [
      [KILL - 2_000, 5, 0],
      [KILL - 1_000, 4, 1],
      [KILL, 10, 3],
      [KILL + 100, 20, 12],
      [KILL + 200, 8, 2],
      [KILL + 900, 1, 0],
    ],
    listenBefore: { overflows: 10, drops: 12 },
    listenAfter: { overflows: 14, drops: 19 },
  });

  it('times the affected clients from the kill: re-attached, first message again, attempts', () => {
    expect(outcome.affectedClients).toBe(3);
    expect(outcome.reattachMs).toEqual({ p50: 120, p95: 240, p100: 240 });
    expect(outcome.firstMessageMs).toEqual({ p50: 250, p95: null, p100: null });
    expect(outcome.reconnectAttempts).toBe(6);
  });

  it('draws the recovery curve per 100 ms until the last client is back', () => {
    expect(outcome.curve).toEqual([
      [0, 0],
      [100, 1],
      [200, 2],
      [300, 3],
    ]);
  });

  it('takes the peak accept rate from the busiest 100 ms, and the kernel counters as differences', () => {
    expect(outcome.peakAcceptPerSec).toBe(120);
    expect(outcome.listenOverflows).toBe(4);
    expect(outcome.listenDrops).toBe(7);
    expect(outcome.processes).toBe(2);
  });

  it('keeps the server timeline from a second before the kill to the end of the recovery, relative to the kill', () => {
    expect(outcome.serverTimeline).toEqual([
      [-1_000, 4, 1],
      [0, 10, 3],
      [100, 20, 12],
      [200, 8, 2],
    ]);
  });

  it('says null, not zero, for kernel counters the machine does not expose', () => {
    const blind = recoveryOutcome({ processes: 1, killedAtMs: KILL, episodes, timeline: [], listenBefore: null, listenAfter: null });
    expect(blind.listenOverflows).toBeNull();
    expect(blind.listenDrops).toBeNull();
    expect(blind.peakAcceptPerSec).toBe(0);
  });
});

describe('mergeTimelines', () => {
  it('adds CPU and accepts of several processes per bucket start', () => {
    expect(
      mergeTimelines([
        [
          [100, 1.5, 2],
          [200, 2, 0],
        ],
        [
          [200, 0.25, 3],
          [300, 4, 1],
        ],
      ]),
    ).toEqual([
      [100, 1.5, 2],
      [200, 2.3, 3],
      [300, 4, 1],
    ]);
  });
});

describe('parseListenCounters', () => {
  it('reads ListenOverflows and ListenDrops from the TcpExt lines of /proc/net/netstat', () => {
    const netstat = 'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPHPHits\nTcpExt: 0 17 23 99\nIpExt: InNoRoutes\nIpExt: 0\n';
    expect(parseListenCounters(netstat)).toEqual({ overflows: 17, drops: 23 });
  });

  it('is null when the counters are not there', () => {
    expect(parseListenCounters('IpExt: InNoRoutes\nIpExt: 0\n')).toBeNull();
    expect(parseListenCounters('TcpExt: SyncookiesSent\nTcpExt: 0\n')).toBeNull();
  });
});
