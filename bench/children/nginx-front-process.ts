import { performance } from 'node:perf_hooks';
import { nowMs } from '../../servers/contract/message.js';
import { ROUTES } from '../../servers/contract/wire.js';
import { NGINX_STATUS_PATH } from '../../servers/stack/nginx-config.js';
import { findStackPrograms, startNginxProxy, type RunningStack } from '../../servers/stack/stack-process.js';
import { delay, serveRpc } from '../ipc/rpc.js';
import type { FrontProtocol } from '../ipc/protocol.js';
import { readAccessLog } from '../measure/access-log.js';
import { stackAnswers } from '../measure/stack-answers.js';
import { StackSampler } from '../measure/stack-sampler.js';

/**
 * nginx in front of our server (`--proxy nginx`): the article's proposed architecture, a push server behind the
 * web server that forwards WebSocket upgrades. Started from Debian's package, as the PHP stack is, and measured the
 * same way: its CPU and memory, and every answer it logged.
 */
let stack: RunningStack | undefined;
let sampler: StackSampler | undefined;
let originWallMs = 0;
let readTimeoutSec = 0;

serveRpc<FrontProtocol>({
  async start({ targetUrl, readTimeoutSec: timeout }) {
    readTimeoutSec = timeout;
    stack = await startNginxProxy({ programs: findStackPrograms(false), upstreamPort: Number(new URL(targetUrl).port), readTimeoutSec: timeout });
    sampler = new StackSampler(stack, null);
    return { url: stack.url };
  },

  openWindow() {
    originWallMs = nowMs();
    sampler?.start();
  },

  async collect({ path, closeTimeoutMs }) {
    if (!stack || !sampler) throw new Error('nginx not started');
    const deadline = performance.now() + closeTimeoutMs;
    while (Number(/Active connections:\s*(\d+)/.exec((await stack.ops(NGINX_STATUS_PATH)) ?? '')?.[1] ?? 0) > 1 && performance.now() < deadline) {
      await delay(10);
    }
    const measured = sampler.stop();
    const counted = stackAnswers(readAccessLog(stack.layout.accessLog), { path, publishPath: ROUTES.publish, originWallMs, sampleAtMs: [] });
    return {
      counters: counted.counters,
      stack: {
        kind: 'nginx-proxy',
        nginx: measured.nginx,
        memorySamples: measured.memorySamples,
        answers: counted.answers,
        requests: counted.requests,
        gatewayErrors: counted.gatewayErrors,
        readTimeoutSec,
      },
    };
  },

  async shutdown() {
    await stack?.stop();
    setTimeout(() => process.exit(0), 20).unref();
  },
});
