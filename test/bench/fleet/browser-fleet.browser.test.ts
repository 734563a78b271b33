import { describe, expect, it } from 'vitest';
import { Bench } from '../../../bench/run/harness.js';
import { agreementRows, bytesPerRequest } from '../../../results/agreement.js';
import type { Scenario } from '../../../results/results.js';
import { descendantsCpuMs } from '../../../bench/measure/process-tree.js';
import { isAlive } from '../../helpers.js';
import { NO_CHROMIUM } from '../../demo/browser.js';

const SMALL: Scenario = {
  clients: 6,
  ratePerSec: 1,
  durationSec: 5,
  payloadBytes: 100,
  pollIntervalMs: 500,
  longPollTimeoutMs: 20_000,
  arrivals: 'poisson',
  seed: 3,
};
const STRATEGIES = ['short-polling', 'long-polling', 'websocket', 'sse'];

describe.skipIf(NO_CHROMIUM)('the real-browser fleet against the simulated one', () => {
  it(
    'agrees for the four strategies at small N: requests per message within 1 %, bytes per request within 2 %, exactly once',
    { timeout: 300_000 },
    async () => {
      const runs = (['simulated', 'chromium'] as const).flatMap((fleet) =>
        STRATEGIES.map((strategy) => ({ strategy, scenario: { ...SMALL, ...(fleet === 'chromium' && { fleet }) } })),
      );
      const bench = new Bench({ preset: 'test', command: 'vitest', runs });
      const results = await bench.run();

      for (const run of results.runs) expect(run.problems, `${run.strategy.name} ${run.scenario.fleet ?? 'simulated'}`).toEqual([]);
      const browserRuns = results.runs.filter((run) => run.scenario.fleet === 'chromium');
      expect(browserRuns.map((run) => run.clientHeaders?.profile)).toEqual(['browser', 'browser', 'browser', 'browser']);
      expect(browserRuns[0].clientHeaders?.source).toMatch(/^Chromium \d+\./);
      const rows = agreementRows(results.runs);
      expect(rows.map((row) => row.strategy.name)).toEqual(STRATEGIES);
      // Short polling's requests per message at this small N rest on a few dozen polls a fleet, where one renderer
      // that ran its timer late moves the figure by more than the bench's 1 %: here it must agree within 5 %, and
      // its bytes per request within the bench's 2 %. Every other strategy must agree as the bench judges it.
      for (const row of rows) {
        if (row.strategy.connection !== 'request-per-poll') expect(row, row.strategy.name).toMatchObject({ agrees: true });
        else {
          expect(Math.abs(row.requestsDeviation ?? Infinity), row.strategy.name).toBeLessThanOrEqual(0.05);
          expect(Math.abs(row.bytesUpDeviation ?? Infinity), row.strategy.name).toBeLessThanOrEqual(0.02);
          expect(Math.abs(row.bytesDownDeviation ?? Infinity), row.strategy.name).toBeLessThanOrEqual(0.02);
        }
      }
      // One handshake per client, byte for byte the browser's: the push strategies' upgrades are equal exactly.
      for (const row of rows.filter((r) => r.strategy.connection === 'persistent')) {
        expect(row.browser.bytesUpPerRequest, row.strategy.name).toBe(row.simulated.bytesUpPerRequest);
      }
      // No browser, renderer or child of the bench outlives it.
      expect(bench.childPids.filter(isAlive)).toEqual([]);
      expect(descendantsCpuMs()).toBe(0);
    },
  );

  it(
    'runs over TLS: h2 chosen by ALPN with --http-version 2, HTTP/1.1 (and wss) with 1.1, trusting the bench’s certificate alone',
    { timeout: 300_000 },
    async () => {
      const over = (strategy: string, httpVersion: '1.1' | '2') => ({
        strategy,
        scenario: { ...SMALL, fleet: 'chromium' as const, tls: 'on' as const, httpVersion },
      });
      const runs = [over('short-polling', '2'), over('long-polling', '2'), over('sse', '2'), over('short-polling', '1.1'), over('websocket', '1.1')];
      const bench = new Bench({ preset: 'test', command: 'vitest', runs });
      const results = await bench.run();
      for (const run of results.runs) {
        const name = `${run.strategy.name} ${run.scenario.httpVersion}`;
        expect(run.problems, name).toEqual([]);
        expect(run.messages.delivered, name).toBe(run.messages.expected);
        // The browser's records are not ours to meter: the server's plaintext count and its handshakes only.
        expect(run.tls?.split, name).toBeUndefined();
        expect(run.tls!.serverSideApplication.clientToServer, name).toBeGreaterThan(0);
        expect(run.tls!.handshakes, name).toBeGreaterThanOrEqual(SMALL.clients);
        expect(run.tls!.failedHandshakes, name).toBe(0);
      }
      // A repeated poll over h2 is HPACK-coded to a few dozen bytes (plus a 22-byte TLS record); over HTTP/1.1 the
      // same browser sends its whole header block every time: the browser spoke the version the scenario named.
      const [h2Poll, , , h1Poll] = results.runs;
      expect(bytesPerRequest(h2Poll).up).toBeLessThan(120);
      expect(bytesPerRequest(h1Poll).up).toBeGreaterThan(500);
      expect(bench.childPids.filter(isAlive)).toEqual([]);
      expect(descendantsCpuMs()).toBe(0);
    },
  );
});
