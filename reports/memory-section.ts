import { memoryRatio } from '../results/connection-memory.js';
import { sameScenario } from '../results/scenario.js';
import { fmtInt, fmtNumber, fmtRatio } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { PEER_PAIRS } from './peers.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { referenceHeadRow, strategyCell } from './sections.js';

/** What pushbench means to keep per connection against a strategy's bare loop: at most this many times its memory. */
export const MEMORY_GOAL = 1.1;

/**
 * Published figures of other servers, each as its source states it, with where it comes from. A figure whose
 * source could not be read is left out (gobwas/ws's "about 8 KB per connection" among them), never
 * paraphrased from memory. They are other machines, other protocols and other loads: a scale to read ours
 * against, not a race.
 */
export interface MemoryAnchor {
  system: string;
  /** The published claim, in short. */
  figure: string;
  /** Bytes per connection where the source gives or implies one, else undefined. */
  perConnectionBytes?: number;
  url: string;
}

export const MEMORY_ANCHORS: readonly MemoryAnchor[] = [
  {
    system: 'µWebSockets (C++)',
    figure: 'one million WebSockets in ~111 MB of user-space memory, 104 bytes per WebSocket (its README)',
    perConnectionBytes: 104,
    url: 'https://github.com/uNetworking/uWebSockets',
  },
  {
    system: 'Centrifugo (Go)',
    figure: '1 million WebSocket connections on 20 server pods, with Redis sharded over 5 instances',
    url: 'https://centrifugal.dev/blog/2020/02/10/million-connections-with-centrifugo',
  },
  {
    system: 'Phoenix (Elixir)',
    figure: '2 million WebSocket connections in one chat room on a single 40-core, 128 GB machine',
    url: 'https://phoenixframework.org/blog/the-road-to-2-million-websocket-connections',
  },
];

/** The bare loop a strategy is measured against: the reference of its peer pairs whose name says it is bare. */
export function bareLoopOf(strategy: string): string | undefined {
  return PEER_PAIRS.find((pair) => pair.ours === strategy && pair.peer.endsWith('-bare'))?.peer;
}

function kib(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${fmtNumber(bytes / 1024, 1)} KiB`;
}

function ratioCell(r: ReportRun, runs: readonly ReportRun[]): string {
  const bare = bareLoopOf(r.run.strategy.name);
  if (!bare) return '—';
  const peer = runs.find(
    (other) => other.run.strategy.name === bare && other.setLabel === r.setLabel && sameScenario(other.run.scenario, r.run.scenario),
  );
  const ratio = memoryRatio(r.run.server.rssPerConnectionBytes, peer?.run.server.rssPerConnectionBytes);
  if (ratio === null) return `— (${esc(bare)} not run)`;
  const verdict = ratio <= MEMORY_GOAL ? 'goal met' : '<span class="bad">over the goal</span>';
  return `${fmtRatio(ratio)} of ${esc(bare)} · ${verdict}`;
}

/** Memory per idle connection, per strategy and against its bare loop, then the published anchors. */
export function memorySection({ runs }: SectionContext): ExtraSections {
  const measured = runs.filter((r) => r.run.server.heapPerConnectionBytes !== undefined && r.run.server.rssPerConnectionBytes !== undefined);
  if (measured.length === 0) return NO_SECTION;
  const rows = measured.map((r, i) => {
    const { server } = r.run;
    return `${referenceHeadRow(measured, i, 6)}<tr><td>${strategyCell(r)}</td><td class="num">${fmtInt(server.connectionsAtRssSample)}</td>
<td class="num">${kib(server.rssPerConnectionBytes)}</td><td class="num">${kib(server.heapPerConnectionBytes)}</td>
<td class="num">${kib(server.socketKernelPerConnectionBytes)}</td><td>${ratioCell(r, measured)}</td></tr>`;
  });
  const table = `<div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Connections</th>
<th class="num" title="(RSS with every client connected − RSS before any) ÷ connections, each after a full garbage collection">RSS / connection</th>
<th class="num" title="The same for the V8 heap in use: the JavaScript objects one connection keeps">Heap / connection</th>
<th class="num" title="Kernel memory of the server's own sockets (ss -tm skmem: queues, forward allocation, options), ÷ connections">Kernel / connection</th>
<th title="RSS per connection ÷ the bare loop's, measured in the same bench; the goal is at most ${fmtRatio(MEMORY_GOAL)}">Against its bare loop</th>
</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  const anchors = MEMORY_ANCHORS.map(
    (a) =>
      `<tr><td>${esc(a.system)}</td><td>${esc(a.figure)}</td>` +
      `<td class="num">${a.perConnectionBytes === undefined ? '—' : `${fmtInt(a.perConnectionBytes)} B`}</td>` +
      `<td><a href="${esc(a.url)}">${esc(a.url)}</a></td></tr>`,
  );
  const anchorTable = `<h3>Published figures of other servers</h3><div class="table-wrap"><table><thead><tr><th>Server</th><th>Published figure</th>
<th class="num">Per connection</th><th>Source</th></tr></thead><tbody>${anchors.join('')}</tbody></table></div>
<p class="muted">Other machines, protocols and loads: a scale to read the figures above against. Go and C++ servers keep a connection in a
goroutine or a struct; a Node.js server keeps a socket, its stream states and the WebSocket library's objects on the V8 heap.</p>`;
  return {
    html: section(
      'memory',
      'Memory per connection',
      'What one more idle client costs the server: its memory with every client connected minus its memory before any, divided by the ' +
        'connections, after a full garbage collection each time; the kernel’s share is read per socket on the server’s port. Each strategy ' +
        'stands beside its bare loop, the least a server of that transport can hold.',
      table + anchorTable,
    ),
    charts: [],
  };
}
