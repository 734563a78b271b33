import { describe, expect, it } from 'vitest';
import { transportOptions } from '../../../bench/fleet/tls-evidence.js';
import { runBudgets } from '../../../bench/plan/budgets.js';

const BASE = { clients: 1_000, pollIntervalMs: 1_000, durationSec: 10, longPollTimeoutMs: 20_000 };

describe('runBudgets', () => {
  it('gives a run of 1,000 clients on loopback its exact time limits', () => {
    expect(runBudgets(BASE)).toEqual({
      startMs: 20_000,
      clientStartMs: 20_000,
      callMs: 5_000,
      // poll interval 1,000 + grace 10,000 + 2 ms × 1,000 clients
      connectMs: 13_000,
      // 10 s of schedule + 30 s of slack
      scheduleMs: 40_000,
      // A publisher process (none here) would give each attempt and each publish 65 s.
      publish: { attemptTimeoutMs: 65_000, giveUpMs: 65_000 },
      // max(2 × 1,000, 2,000) + 0.5 ms × 1,000 clients
      drainMs: 2_500,
      // 2,000 + 0.5 ms × 1,000 clients
      settleMs: 2_500,
      serverStopMs: 2_000,
      childStopMs: 1_000,
    });
  });

  it('adds two round trips of the emulated network, jitter included, to every wait on the clients', () => {
    // 4 × (50 + 10) = 240 ms more to connect, drain and settle; nothing else changes.
    expect(runBudgets({ ...BASE, delayMs: 50, jitterMs: 10 })).toMatchObject({
      startMs: 20_000,
      callMs: 5_000,
      connectMs: 13_240,
      scheduleMs: 40_000,
      drainMs: 2_740,
      settleMs: 2_740,
    });
  });

  it('on a lossy kernel network, lets TCP repair a loss near the end: a SYN lost three times is sent again after 1 + 2 + 4 s', () => {
    expect(runBudgets({ ...BASE, delayMs: 50, lossPercent: 1 })).toMatchObject({
      connectMs: 13_200 + 7_000,
      drainMs: 2_700 + 7_000,
      settleMs: 2_700 + 7_000,
    });
  });

  it('grows with the clients and the poll interval, and never drains in less than 2 s', () => {
    const budgets = runBudgets({ clients: 10_000, pollIntervalMs: 200, durationSec: 60, longPollTimeoutMs: 20_000 });
    expect(budgets.connectMs).toBe(200 + 10_000 + 20_000);
    expect(budgets.scheduleMs).toBe(90_000);
    expect(budgets.drainMs).toBe(2_000 + 5_000);
    expect(budgets.settleMs).toBe(2_000 + 5_000);
    expect(runBudgets({ clients: 10, pollIntervalMs: 5_000, durationSec: 1, longPollTimeoutMs: 20_000 }).drainMs).toBe(10_000 + 5);
  });

  it('gives a real-browser fleet 2 s per client to open its contexts, and nothing else more', () => {
    const browser = runBudgets({ ...BASE, clients: 100, fleet: 'chromium' });
    expect(browser.clientStartMs).toBe(20_000 + 100 * 2_000);
    expect({ ...browser, clientStartMs: 0 }).toEqual({ ...runBudgets({ ...BASE, clients: 100 }), clientStartMs: 0 });
  });

  it('lets a fault run drain as long as a client takes to give up an attempt the killed server swallowed', () => {
    // 2,500 as above + connect timeout 10,000 + long-poll hold 20,000 + longest backoff 2,000; nothing else changes.
    const fault = runBudgets({ ...BASE, restartAtSec: 5 });
    expect(fault.drainMs).toBe(2_500 + 10_000 + 20_000 + 2_000);
    expect({ ...fault, drainMs: 0 }).toEqual({ ...runBudgets(BASE), drainMs: 0 });
    expect(runBudgets({ ...BASE, restartAtSec: 5, longPollTimeoutMs: 1_000 }).drainMs).toBe(2_500 + 10_000 + 1_000 + 2_000);
  });
});

describe('runBudgets at 100,000 clients', () => {
  it('gives the status calls of busy client processes longer, and a cluster a start budget per process', () => {
    const budgets = runBudgets({ clients: 100_000, pollIntervalMs: 1_000, durationSec: 10, longPollTimeoutMs: 20_000, serverProcesses: 8 });
    // 5,000 + 0.25 ms × 90,000 clients beyond 10,000
    expect(budgets.callMs).toBe(27_500);
    expect(budgets.startMs).toBe(160_000);
  });

  it('waits for a connect ramp: clients / rate seconds in place of one poll interval', () => {
    const scenario = { clients: 100_000, pollIntervalMs: 1_000, durationSec: 10, longPollTimeoutMs: 20_000 };
    // 100 s of ramp + grace 10,000 + 2 ms × 100,000 clients
    expect(runBudgets({ ...scenario, connectRatePerSec: 1_000 }).connectMs).toBe(100_000 + 10_000 + 200_000);
    expect(runBudgets(scenario).connectMs).toBe(1_000 + 10_000 + 200_000);
    // A ramp shorter than an interval changes nothing.
    expect(runBudgets({ ...BASE, connectRatePerSec: 10_000 }).connectMs).toBe(runBudgets(BASE).connectMs);
  });
});

describe('the clients’ transport options', () => {
  it('give a stopping client as long as a loss may take to repair to close in order on a lossy network, and nothing to change elsewhere', () => {
    const scenario = { ...BASE, ratePerSec: 1, payloadBytes: 100, arrivals: 'fixed' as const, seed: 1 };
    expect(transportOptions({ ...scenario, lossPercent: 1 }, undefined)).toEqual({ keepAlive: true, closeTimeoutMs: 7_000 });
    expect(transportOptions(scenario, undefined)).toEqual({ keepAlive: true });
    // The settle budget, which the fleet's stop call runs within, allows for that wait.
    expect(runBudgets({ ...BASE, lossPercent: 1 }).settleMs - runBudgets(BASE).settleMs).toBeGreaterThanOrEqual(7_000);
  });

  it('give a stopping client of a fleet past 10,000 as long as a status call to its busy process', () => {
    const scenario = { ...BASE, clients: 100_000, ratePerSec: 1, payloadBytes: 100, arrivals: 'fixed' as const, seed: 1 };
    expect(transportOptions(scenario, undefined)).toEqual({ keepAlive: true, closeTimeoutMs: 27_500 });
    expect(transportOptions({ ...scenario, clients: 10_000 }, undefined)).toEqual({ keepAlive: true });
    // Within the settle budget the fleet's stop call runs in.
    expect(runBudgets(scenario).settleMs).toBeGreaterThan(27_500);
  });
});
