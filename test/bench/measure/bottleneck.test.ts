import { describe, expect, it } from 'vitest';
import { judgeBottleneck, summarizeLoads } from '../../../bench/measure/bottleneck.js';
import { cpuShare, loopDelayUs } from '../../../bench/measure/process-load.js';
import { loadProcessName } from '../../../results/problems.js';

const server = (cpuMs: number, eventLoopDelayP99Us = 2_000) => ({ cpuMs, windowMs: 10_000, eventLoopDelayP99Us });
const load = (cpuMs: number, eventLoopDelayP99Us = 1_000) => ({
  cpuMs,
  windowMs: 10_000,
  eventLoopDelayP99Us,
  eventLoopDelayMaxUs: eventLoopDelayP99Us,
});

describe('judgeBottleneck', () => {
  it('names a client process that used 90 % of a core or more', () => {
    const verdict = judgeBottleneck({ server: server(2_000), clients: [load(3_000), load(9_500)], proxies: [], cores: 2 });
    expect(verdict).toEqual({
      verdict: 'load-generator',
      reason: { code: 'generator-saturated', processes: [{ process: { kind: 'client', number: 2 }, cpuShare: 0.95 }] },
    });
  });

  it('counts the kernel network’s delay lines as load generators: one busy with every packet is named', () => {
    const verdict = judgeBottleneck({
      server: server(2_000),
      clients: [load(3_000)],
      proxies: [],
      delayLines: [load(2_000, 0), load(9_200, 0)],
      cores: 2,
    });
    expect(verdict).toEqual({
      verdict: 'load-generator',
      reason: { code: 'generator-saturated', processes: [{ process: { kind: 'delay-line', number: 2 }, cpuShare: 0.92 }] },
    });
    expect(loadProcessName({ kind: 'delay-line', number: 2 })).toBe('delay line 2');
    expect(loadProcessName({ kind: 'client', number: 1 })).toBe('client process 1');
    // Their CPU fills the machine like any generator's.
    const busy = judgeBottleneck({
      server: server(6_000),
      clients: [load(4_000)],
      proxies: [],
      delayLines: [load(4_000, 0), load(4_500, 0)],
      cores: 2,
    });
    expect(busy).toEqual({ verdict: 'load-generator', reason: { code: 'machine-busy', cores: 2, machineShare: 0.925 } });
  });

  it('names a proxy or client process whose timers ran late', () => {
    const verdict = judgeBottleneck({ server: server(1_000), clients: [load(1_000)], proxies: [load(1_000, 80_000)], cores: 2 });
    expect(verdict.verdict).toBe('load-generator');
    expect(verdict.reason).toEqual({
      code: 'generator-loop-late',
      processes: [{ process: { kind: 'proxy', number: 1 }, eventLoopDelayP99Us: 80_000 }],
    });
  });

  it('names the side whose event loop ran later when both were late', () => {
    // The server wrote one message to every client for 240 ms at a time; the clients were late by 60 ms.
    expect(judgeBottleneck({ server: server(2_300, 240_000), clients: [load(1_400, 60_000)], proxies: [], cores: 2 })).toEqual({
      verdict: 'server',
      reason: { code: 'server-loop-late', eventLoopDelayP99Us: 240_000, cpuShare: 0.23 },
    });
    expect(judgeBottleneck({ server: server(2_300, 70_000), clients: [load(1_400, 130_000)], proxies: [], cores: 2 }).verdict).toBe('load-generator');
  });

  it('blames the load generator when the machine is full and it used more of it than the server', () => {
    const verdict = judgeBottleneck({ server: server(8_000), clients: [load(6_000), load(5_000)], proxies: [], cores: 2 });
    expect(verdict).toEqual({
      verdict: 'load-generator',
      reason: { code: 'machine-busy', cores: 2, machineShare: 0.95 },
    });
  });

  it('names the server when it used nearly a whole core and the generator had room', () => {
    expect(judgeBottleneck({ server: server(9_300), clients: [load(2_000)], proxies: [], cores: 2 })).toEqual({
      verdict: 'server',
      reason: { code: 'server-saturated', cpuShare: 0.93 },
    });
  });

  it('says so when nobody was saturated', () => {
    expect(judgeBottleneck({ server: server(1_000), clients: [load(2_000)], proxies: [], cores: 2 })).toEqual({
      verdict: 'none',
      reason: { code: 'neither', serverCpuShare: 0.1, machineShare: 0.15 },
    });
  });
});

describe('process loads', () => {
  it('sums processes for results.json, keeping the busiest share and the worst delay', () => {
    expect(summarizeLoads([load(3_000, 2_000), load(5_000, 7_000)])).toEqual({
      count: 2,
      cpuMs: 8_000,
      busiestCpuShare: 0.5,
      eventLoopDelayP99Us: 7_000,
    });
    expect(cpuShare({ cpuMs: 250, windowMs: 1_000 })).toBe(0.25);
    expect(cpuShare({ cpuMs: 250, windowMs: 0 })).toBe(0);
  });

  it('reads an event-loop delay without the 10 ms sampling period Node’s histogram includes', () => {
    expect(loopDelayUs(10_000_000)).toBe(0);
    expect(loopDelayUs(13_500_000)).toBe(3_500);
    expect(loopDelayUs(9_000_000)).toBe(0);
  });
});
