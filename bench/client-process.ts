import { findStrategy } from './strategy-pairs.js';
import { ClientFleet } from './client-fleet.js';
import { serveRpc } from './ipc.js';
import type { ClientProtocol } from './protocol.js';

let fleet: ClientFleet | undefined;

serveRpc<ClientProtocol>({
  start(options) {
    const entry = findStrategy(options.strategy);
    if (!entry) throw new Error(`unknown strategy "${options.strategy}"`);
    fleet = new ClientFleet({ ...options, clientClass: entry.client });
  },
  answered: () => requireFleet().answeredCount,
  scheduleStart: ({ dropAtMs }) => requireFleet().scheduleStart(dropAtMs),
  drain: ({ lastSeq, timeoutMs }) => requireFleet().drain(lastSeq, timeoutMs),
  stop: ({ lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs }) =>
    requireFleet().stop(lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs),
  shutdown() {
    setTimeout(() => process.exit(0), 20).unref();
  },
});

function requireFleet(): ClientFleet {
  if (!fleet) throw new Error('clients not started');
  return fleet;
}
