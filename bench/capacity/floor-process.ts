import { FloorServer } from './floor.js';
import { Http2FloorServer } from './http2-floor.js';
import { serveRpc } from '../ipc/rpc.js';
import { LoadMonitor } from '../measure/process-load.js';
import type { FloorProtocol } from '../ipc/protocol.js';

/** The floor server in a process of its own, like the server it is the floor of, so each one's CPU is its own. */
let floor: FloorServer | Http2FloorServer | undefined;
const monitor = new LoadMonitor();

serveRpc<FloorProtocol>({
  async start(options) {
    floor = options.httpVersion === '2' ? new Http2FloorServer(options) : new FloorServer(options);
    return { url: await floor.listen() };
  },
  openWindow() {
    monitor.start();
  },
  collect() {
    const { cpuMs, windowMs } = monitor.stop();
    return { cpuMs, windowMs };
  },
  async shutdown() {
    await floor?.close();
    setTimeout(() => process.exit(0), 20).unref();
  },
});
