import { findStrategy } from '../plan/strategies.js';
import { ClientFleet } from '../fleet/client-fleet.js';
import { serveRpc } from '../ipc/rpc.js';
import type { ClientProtocol } from '../ipc/protocol.js';

let fleet: ClientFleet | undefined;

serveRpc<ClientProtocol>({
  start(options) {
    const entry = findStrategy(options.strategy);
    if (!entry) throw new Error(`unknown strategy "${options.strategy}"`);
    // A blocked-upgrade run: every client tries the strategy and may fall back; `blocked` says which are refused.
    const clientClass = options.blocked && entry.fallback ? entry.fallback.client : entry.client;
    fleet = new ClientFleet({ ...options, clientClass, behindNginx: entry.info.servedBy === 'php-fpm' });
  },
  answered: () => requireFleet().answeredCount,
  scheduleStart: ({ dropAtMs }) => requireFleet().scheduleStart(dropAtMs),
  drain: ({ lastSeq, timeoutMs }) => requireFleet().drain(lastSeq, timeoutMs),
  stop: ({ lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs, faultAtMs }) =>
    requireFleet().stop(lastSeq, betweenRequests, idleTimeoutMs, expectedSeqs, faultAtMs),
  shutdown() {
    setTimeout(() => process.exit(0), 20).unref();
  },
});

function requireFleet(): ClientFleet {
  if (!fleet) throw new Error('clients not started');
  return fleet;
}
