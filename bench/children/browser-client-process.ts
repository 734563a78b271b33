import { BrowserFleet } from '../fleet/browser-fleet.js';
import { serveRpc } from '../ipc/rpc.js';
import type { ClientProtocol } from '../ipc/protocol.js';

/** The client process of a `--fleet chromium` run: one headless Chromium, a browser context per client. */
let fleet: BrowserFleet | undefined;

serveRpc<ClientProtocol>({
  async start(options) {
    fleet = await BrowserFleet.start(options);
  },
  answered: () => requireFleet().answeredCount(),
  scheduleStart: ({ dropAtMs }) => requireFleet().scheduleStart(dropAtMs),
  drain: ({ lastSeq, timeoutMs }) => requireFleet().drain(lastSeq, timeoutMs),
  stop: ({ lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs }) => requireFleet().stop(lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs),
  async shutdown() {
    // The browser and its processes go with the fleet; the harness SIGKILLs this process if it does not exit.
    await fleet?.close().catch(() => {});
    setTimeout(() => process.exit(0), 20).unref();
  },
});

function requireFleet(): BrowserFleet {
  if (!fleet) throw new Error('browser clients not started');
  return fleet;
}
