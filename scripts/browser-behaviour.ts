/**
 * `npm run browser-behaviour`: what a real browser does that the simulated clients need not, measured on this
 * machine — Chromium's six connections per host shared by a browser's tabs (long polling and SSE, 8 tabs), its
 * EventSource reconnecting by itself with Last-Event-ID, and what accepting the permessage-deflate offer Chromium
 * always makes costs and saves our WebSocket strategy (100 B and 4 KB JSON). Prints the figures docs/bench.md and
 * docs/decisions.md quote. It loads the machine: run it alone (flock /tmp/pushbench-bench.lock).
 */
import { eventSourceReconnect, sixPerHost, type SixPerHost } from '../bench/fleet/browser-behaviour.js';
import { measureWebSocketCompression } from '../bench/capacity/websocket-compression.js';

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function printTabs(result: SixPerHost): void {
  const urls = result.distinctUrls ? 'a URL each' : 'all on one URL';
  console.log(
    `\n${result.strategy}: 8 tabs of one browser (${urls}), ${result.oneWayDelayMs} ms each way, ${result.messages} messages; ` +
      `held by the server before any message: ${result.heldBeforeMessages}`,
  );
  console.log('tab  delivered  median ms  max ms  delays ms');
  for (const tab of result.tabs) {
    const max = tab.delaysMs.length > 0 ? Math.max(...tab.delaysMs) : null;
    const cells = [String(tab.tab).padStart(3), String(tab.delivered).padStart(9), String(median(tab.delaysMs) ?? '—').padStart(9)];
    console.log(`${cells.join('  ')}  ${String(max ?? '—').padStart(6)}  ${tab.delaysMs.join(' ')}`);
  }
}

try {
  printTabs(await sixPerHost('long-polling'));
  printTabs(await sixPerHost('long-polling', { distinctUrls: false }));
  printTabs(await sixPerHost('sse'));
  const reconnect = await eventSourceReconnect();
  console.log(
    `\nEventSource: server cut the stream after seqs ${reconnect.published.slice(0, 2).join(', ')}; the browser came back by itself after ` +
      `${reconnect.reconnectAfterMs} ms with Last-Event-ID: ${reconnect.lastEventId ?? '(none)'}; received ${reconnect.received.join(', ')} ` +
      `(published ${reconnect.published.join(', ')})`,
  );
  console.log('\nWebSocket permessage-deflate (100 simulated clients with Chromium’s upgrade, 200 messages at 20/s):');
  console.log('payload B  deflate  bytes/delivery  server CPU µs/delivery  server peak RSS MiB');
  for (const point of await measureWebSocketCompression()) {
    console.log(
      `${String(point.payloadBytes).padStart(9)}  ${(point.deflate ? 'on' : 'off').padStart(7)}  ${String(point.bytesPerDelivery).padStart(14)}  ` +
        `${String(point.serverCpuUsPerDelivery).padStart(21)}  ${(point.peakRssBytes / 2 ** 20).toFixed(1).padStart(19)}`,
    );
  }
} catch (error) {
  console.error(`browser-behaviour: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
