import autocannon from 'autocannon';
import { serveRpc } from '../ipc/rpc.js';
import { LoadMonitor } from '../measure/process-load.js';
import type { CannonProtocol } from '../ipc/protocol.js';

/**
 * autocannon in a process of its own, so that the load generator and the server never share an event loop and
 * each one's CPU is counted apart.
 */
serveRpc<CannonProtocol>({
  async run({ url, method, body, headers, connections, durationSec }) {
    const monitor = new LoadMonitor();
    monitor.start();
    const result = await autocannon({ url, method, body, headers, connections, duration: durationSec, pipelining: 1 });
    const load = monitor.stop();
    const ms = (value: number) => Math.round(value * 1000);
    return {
      ok: result['2xx'],
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      durationSec: result.duration,
      responseBytes: result.throughput.total,
      latencyUs: {
        p50: ms(result.latency.p50),
        p90: ms(result.latency.p90),
        p99: ms(result.latency.p99),
        max: ms(result.latency.max),
        mean: ms(result.latency.mean),
      },
      load,
    };
  },
  shutdown() {
    setTimeout(() => process.exit(0), 20).unref();
  },
});
