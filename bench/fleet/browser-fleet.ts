import type { Browser } from 'playwright-core';
import type { FleetClientConfig, FleetClientRecord, FleetClientState } from '../../clients/browser/fleet-protocol.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';
import { spkiSha256 } from '../../servers/wire/certificate.js';
import type { TrafficWindow } from '../../results/results.js';
import { createLatencyHistogram, encodeHistogram, latencyUs } from '../measure/histogram.js';
import { LoadMonitor, type ProcessLoad } from '../measure/process-load.js';
import { descendantsCpuMs } from '../measure/process-tree.js';
import { SeqReceipts } from '../measure/seq-receipts.js';
import { callPage, chromiumVersion, launchChromium, openClientPage, type ChromiumLaunch, type ClientPage } from './chromium.js';
import { noFaults, tallyClients, type FleetReport } from './client-fleet.js';
import { scenarioIdentity } from './identity.js';

/** The strategies whose browser client the fleet page runs (clients/browser/lane-clients.ts). */
export const BROWSER_FLEET_STRATEGIES: readonly string[] = ['short-polling', 'long-polling', 'sse', 'websocket'];

/**
 * Contexts opened at once. Each new context and page costs the browser a renderer process start; more at once
 * only queue behind each other on two cores.
 */
const OPEN_CONCURRENCY = 8;
/** How often a drain asks every page how far it is: a round trip to each page per ask. */
const DRAIN_POLL_MS = 100;

/** What the browser fleet is started with: the simulated fleet's options, but for the client class (the page's). */
export interface BrowserFleetOptions {
  strategy: string;
  baseUrl: string;
  /** One first-request delay per client. */
  phasesMs: readonly number[];
  /** Index of this fleet's first client in the whole run. */
  firstClientIndex: number;
  scenario: Scenario;
  /** A run over TLS: the server's certificate (PEM), the only one the browser trusts beyond its own store. */
  ca?: string;
}

/**
 * The flags that make the browser speak the run's transport. Over TLS it trusts exactly the server's throwaway
 * certificate, by its public key; and it speaks the scenario's HTTP version. Our server offers h2 by ALPN, which
 * Chromium takes whenever it may, so an HTTP/1.1 run over TLS turns HTTP/2 off in the browser, as a browser behind
 * a server without h2 would speak. In cleartext a browser speaks HTTP/1.1 only (never h2c): nothing to add.
 */
export function browserTransportArgs(options: Pick<BrowserFleetOptions, 'ca' | 'scenario'>): string[] {
  if (options.ca === undefined) return [];
  const args = [`--ignore-certificate-errors-spki-list=${spkiSha256(options.ca)}`];
  if (scenarioValue(options.scenario, 'httpVersion') !== '2') args.push('--disable-http2');
  return args;
}

/**
 * The real-browser fleet: each client is the demo's browser client of the strategy in a page of its own browser
 * context (its own cookies and its own connection pool, as a user's browser has), in one headless Chromium. It
 * answers the harness as the simulated fleet does (bench/children/browser-client-process.ts). The browser's sockets
 * are not ours: bytes and connections are counted at the server's sockets (the report's countedAt), latency from
 * the page's own clock.
 */
export class BrowserFleet {
  private readonly monitor = new LoadMonitor();
  private browserCpuAtStart = 0;
  /** Each client's requests sent and its page's clock when the schedule started. */
  private atScheduleStart: { sent: number; atMs: number }[] | undefined;
  private steady: TrafficWindow | undefined;

  private constructor(
    private readonly browser: Browser,
    private readonly clients: ClientPage[],
    private readonly firstClientIndex: number,
  ) {}

  static async start(options: BrowserFleetOptions, launch: ChromiumLaunch = {}): Promise<BrowserFleet> {
    if (!BROWSER_FLEET_STRATEGIES.includes(options.strategy)) throw new Error(`no browser client for strategy "${options.strategy}"`);
    const browser = await launchChromium({ ...launch, extraArgs: [...(launch.extraArgs ?? []), ...browserTransportArgs(options)] });
    try {
      const origin = new URL(options.baseUrl).origin;
      const { scenario } = options;
      const clients: ClientPage[] = new Array<ClientPage>(options.phasesMs.length);
      let next = 0;
      const openNext = async (): Promise<void> => {
        while (next < options.phasesMs.length) {
          const i = next++;
          clients[i] = await openClientPage(browser, origin, scenarioIdentity(scenario, options.firstClientIndex + i).Cookie);
        }
      };
      await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, openNext));
      // Every client starts at once, once all are open, as the simulated ones do: each first request comes at its
      // poll phase from now, not from whenever its page happened to be ready.
      await Promise.all(
        clients.map(({ page }, i) => {
          const config: FleetClientConfig = {
            strategy: options.strategy,
            since: 0,
            pollIntervalMs: scenario.pollIntervalMs,
            longPollTimeoutMs: scenario.longPollTimeoutMs,
            firstRequestDelayMs: options.phasesMs[i],
          };
          return callPage(page, 'start', config);
        }),
      );
      const fleet = new BrowserFleet(browser, clients, options.firstClientIndex);
      fleet.monitor.start();
      fleet.browserCpuAtStart = descendantsCpuMs();
      return fleet;
    } catch (error) {
      await browser.close().catch(() => {});
      throw error;
    }
  }

  async answeredCount(): Promise<number> {
    const states = await Promise.all(this.clients.map(({ page }) => callPage<{ answered: boolean }>(page, 'state')));
    return states.filter((state) => state.answered).length;
  }

  /** The schedule starts: the load (this process and the browser's) counts from here. */
  async scheduleStart(dropAtMs: readonly (number | null)[]): Promise<void> {
    if (dropAtMs.some((at) => at !== null)) throw new Error('the browser fleet does not drop connections on purpose (--churn)');
    this.monitor.start();
    this.browserCpuAtStart = descendantsCpuMs();
    // Read on each page's own clock: asking twenty pages takes a while on a busy machine, and a window timed here
    // would count the requests sent while asking without the time they were sent in.
    this.atScheduleStart = await Promise.all(this.clients.map(({ page }) => callPage<FleetClientState>(page, 'state')));
  }

  async drain(lastSeq: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(this.clients.map(({ page }) => callPage<{ highestSeq: number }>(page, 'state')));
      const waiting = states.filter((state) => state.highestSeq < lastSeq).length;
      if (waiting === 0 || Date.now() >= deadline) return waiting;
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
  }

  /**
   * Stops every client (a polling one between requests, so no answer is cut on the wire), reads what each page
   * recorded and closes the contexts, so the server sees every connection close.
   */
  async stop(lastSeq: number, betweenRequests: boolean, idleTimeoutMs: number, expectedSeqs?: readonly number[]): Promise<FleetReport> {
    const load = this.load();
    const atStop = await Promise.all(this.clients.map(({ page }) => callPage<FleetClientState>(page, 'state')));
    const start = this.atScheduleStart;
    if (start !== undefined) {
      // Every client's requests in its own window; the window is their mean (they differ by the time asking takes).
      const windowMs = atStop.reduce((total, state, i) => total + state.atMs - start[i].atMs, 0) / atStop.length;
      this.steady = {
        windowMs: Math.round(windowMs),
        // Counted at the server: the run's bytes are the server's (FleetReport.countedAt).
        bytesClientToServer: 0,
        bytesServerToClient: 0,
        requests: atStop.reduce((total, state, i) => total + state.sent - start[i].sent, 0),
        clientCpuMs: Math.round(load.cpuMs * 10) / 10,
      };
    }
    const records = await Promise.all(
      this.clients.map(async ({ page }) => {
        if (betweenRequests) await callPage(page, 'stopBetweenRequests', idleTimeoutMs);
        else await callPage(page, 'stop');
        return callPage<FleetClientRecord>(page, 'record');
      }),
    );
    await Promise.all(this.clients.map(({ context }) => context.close().catch(() => {})));
    const latencies = createLatencyHistogram();
    const tallies = records.map((record, i) => {
      const receipts = new SeqReceipts();
      for (const [seq, publishedAtMs, receivedAtMs] of record.deliveries) {
        if (receipts.receive(seq)) latencies.recordValue(latencyUs(publishedAtMs, receivedAtMs));
      }
      return {
        index: this.firstClientIndex + i,
        receipts,
        gaps: record.gaps,
        requests: record.requests,
        bytes: { clientToServer: 0, serverToClient: 0 },
        connectionsOpened: 0,
      };
    });
    const report: FleetReport = {
      clients: this.clients.length,
      latencyHistogram: '',
      delivered: 0,
      missed: 0,
      duplicated: 0,
      outOfOrder: 0,
      gaps: 0,
      missedBySeq: {},
      requests: { total: 0, withMessages: 0, empty: 0, failed: 0, reconnects: 0 },
      bytesClientToServer: 0,
      bytesServerToClient: 0,
      connectionsOpened: 0,
      cpuMs: load.cpuMs,
      faults: noFaults(),
      load: [load],
      churned: 0,
      countedAt: 'server',
      browser: `Chromium ${chromiumVersion(this.browser)}`,
      ...(this.steady && { steady: this.steady }),
    };
    tallyClients(report, tallies, expectedSeqs ?? Array.from({ length: lastSeq }, (_, i) => i + 1));
    report.latencyHistogram = encodeHistogram(latencies);
    return report;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** This process's load since the schedule started, with the browser's CPU (all its processes) added to it. */
  private load(): ProcessLoad {
    const own = this.monitor.read();
    return { ...own, cpuMs: own.cpuMs + (descendantsCpuMs() - this.browserCpuAtStart) };
  }
}
