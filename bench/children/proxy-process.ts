import { serveRpc } from '../ipc/rpc.js';
import { LoadMonitor } from '../measure/process-load.js';
import type { ProxyProtocol } from '../ipc/protocol.js';
import { DelayProxy } from '../network/proxy.js';

/**
 * The delaying proxy in a process of its own: its timers must not wait behind the clients' or the server's
 * work, or the emulated network would be slower than asked, and its CPU is counted apart from theirs.
 */
let proxy: DelayProxy | undefined;
const monitor = new LoadMonitor();

serveRpc<ProxyProtocol>({
  async start({ targetUrl, link }) {
    const target = new URL(targetUrl);
    proxy = new DelayProxy({ host: target.hostname, port: Number(target.port) }, link);
    const url = await proxy.listen();
    monitor.start();
    return { url };
  },
  load() {
    return { ...monitor.read(), connectionsOpened: proxy?.connectionsOpened ?? 0 };
  },
  async shutdown() {
    await proxy?.close();
    setTimeout(() => process.exit(0), 20).unref();
  },
});
