import type { PublisherProtocol } from '../ipc/protocol.js';
import { serveRpc } from '../ipc/rpc.js';
import { LoadMonitor } from '../measure/process-load.js';
import { HttpPublishChannel } from '../publisher/http-channel.js';
import { publishOpenLoop, type PublishChannel } from '../publisher/open-loop.js';
import { RedisPublishChannel } from '../publisher/redis-channel.js';
import { redisTraffic } from '../../servers/log/redis/redis-traffic.js';

/**
 * The application back end of a run with a publisher of its own (scenario.publisher http or redis): it plays the
 * schedule into the server's HTTP API or straight into the Redis stream, open loop, from a process of its own, so
 * that what publishing costs shows in its own figures and not in the server's.
 */
let channel: PublishChannel | undefined;

serveRpc<PublisherProtocol>({
  async start(spec) {
    channel = 'http' in spec ? new HttpPublishChannel(spec.http) : await RedisPublishChannel.open(spec.redis);
    return { target: channel.target };
  },

  async runSchedule(schedule) {
    if (!channel) throw new Error('publisher not started');
    const monitor = new LoadMonitor();
    monitor.start();
    const trafficBefore = channel.kind === 'redis' ? redisTraffic() : null;
    const report = await publishOpenLoop(schedule, channel);
    const load = monitor.stop();
    const after = trafficBefore && redisTraffic();
    const brokerTraffic = after && {
      bytesToRedis: after.bytesToRedis - trafficBefore.bytesToRedis,
      bytesFromRedis: after.bytesFromRedis - trafficBefore.bytesFromRedis,
    };
    return { ...report, load, brokerTraffic };
  },

  async shutdown() {
    await channel?.close();
    // Exit once the reply has had a chance to leave; the harness SIGKILLs if it does not.
    setTimeout(() => process.exit(0), 20).unref();
  },
});
