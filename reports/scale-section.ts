import { capacityProbeName, CLEARTEXT_HTTP1, sameTransport } from '../results/capacity.js';
import { clientRequestsPerCpuSecond, floorRatio, pushClientsPerCore, shortPollClientsPerCore } from '../results/metrics.js';
import type { CapacityResult, RunResult } from '../results/results.js';
import { describeIdentity, scenarioValue } from '../results/scenario.js';
import { fmtInt, fmtMs, fmtNumber, fmtPercent, fmtRatio } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import { bottleneckHtml, noticeHtml } from './notice-html.js';
import { isIntervalPolling, type ReportRun, type RunSet } from './model.js';
import { ratesOf } from './rates.js';
import { NO_SECTION, section, type ExtraSections } from './section-html.js';
import { strategyCell } from './sections.js';

/** Sizes of the websocket.org comparison: network throughput for this many clients at one message a second. */
export const THROUGHPUT_CLIENTS = [1_000, 10_000, 100_000] as const;

export function fmtBitsPerSec(bytesPerSec: number | null): string {
  if (bytesPerSec === null) return '—';
  const bits = bytesPerSec * 8;
  if (bits >= 1e9) return `${fmtNumber(bits / 1e9, 2)} Gbit/s`;
  if (bits >= 1e6) return `${fmtNumber(bits / 1e6, 1)} Mbit/s`;
  return `${fmtNumber(bits / 1e3, 1)} kbit/s`;
}

function verdictCell(run: RunResult): string {
  const b = run.bottleneck;
  if (!b) return '—';
  const label = b.verdict === 'load-generator' ? '<span class="bad">load generator</span>' : b.verdict === 'server' ? 'server' : 'neither';
  return `<span title="${bottleneckHtml(b.reason)}">${label}</span>`;
}

/**
 * The runs of a clients sweep reaching 1,000 or more, with what the issue asks of a scale run: latency, traffic,
 * server CPU and memory per connection, event-loop delay, the load generator's CPU, and who was the bottleneck.
 */
export function scaleSection(runs: readonly ReportRun[]): ExtraSections {
  const sizes = new Set(runs.map((r) => r.run.scenario.clients));
  if (sizes.size < 2 || Math.max(...sizes) < 1_000) return NO_SECTION;
  const sorted = [...runs].sort((a, b) => a.run.scenario.clients - b.run.scenario.clients);
  const rows = sorted.map((r) => {
    const { run } = r;
    const rates = ratesOf(run);
    const lat = run.latencyUs;
    const server = run.server;
    const loopUs = server.publishingEventLoopDelayP99Us ?? server.eventLoopDelayP99Us;
    const memory = server.rssPerConnectionBytes === undefined ? '—' : `${fmtNumber(server.rssPerConnectionBytes / 1024, 1)} KiB`;
    return `<tr><td>${strategyCell(r)}</td><td class="num">${fmtInt(run.scenario.clients)}</td>
<td class="num">${lat.count > 0 ? fmtMs(lat.p50) : '—'}</td><td class="num">${lat.count > 0 ? fmtMs(lat.p99) : '—'}</td>
<td class="num">${fmtBitsPerSec(rates.bytesPerSec)}</td><td class="num">${fmtNumber(rates.requestsPerSec, 1)}</td>
<td class="num">${fmtPercent(rates.serverCpuShare)}</td><td class="num">${memory}</td><td class="num">${fmtMs(loopUs)}</td>
<td class="num">${fmtPercent(rates.clientCpuShare)} · ${fmtInt(run.clientProcesses.count)} proc.</td>
<td class="num">${fmtInt(clientRequestsPerCpuSecond(run.steady))}</td><td>${verdictCell(run)}</td></tr>`;
  });
  const table =
    `<div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Clients</th><th class="num">p50 ms</th><th ` +
    `class="num">p99 ms</th>
<th class="num" title="TCP bytes per second, both directions, all clients, while publishing">Throughput</th>
<th class="num" title="HTTP requests per second while publishing">Requests / s</th>
<th class="num" title="Server process CPU while publishing, share of one core">Server CPU</th>
<th class="num" title="(RSS with every client connected − RSS before) ÷ connections, after a full garbage collection">RSS / connection</th>
<th class="num" title="Server event-loop delay p99 while publishing">Loop delay p99</th>
<th class="num" title="The busiest client process's CPU while publishing, share of one core">Client CPU</th>
<th class="num" title="HTTP requests the clients sent per second of their own CPU (all client processes) while publishing: how much load one core of ` +
    `load generator makes">Requests / client CPU-s</th>
<th title="Who limited the run: a saturated load generator measures itself, not the server">Bottleneck</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
  return {
    html: section(
      'scale',
      'Scale: many clients on one machine',
      'Clients are spread over several client processes (2,500 each by default), with the server in a process of its own; every process’s ' +
        'CPU is recorded, so that a saturated load generator is not mistaken for a slow server. Hover a heading for its definition, a ' +
        'bottleneck for the reason.',
      table,
    ),
    charts: [],
  };
}

interface ThroughputCell {
  bytesPerSec: number;
  measured: boolean;
  from: number;
}

/** A strategy's throughput for `clients` at one message a second: its run at that size, else scaled from its largest. */
export function throughputCell(runs: readonly RunResult[], clients: number): ThroughputCell | null {
  const usable = runs.filter((run) => run.scenario.ratePerSec === 1 && ratesOf(run).bytesPerSec !== null && run.messages.delivered > 0);
  const exact = usable.find((run) => run.scenario.clients === clients);
  if (exact) return { bytesPerSec: ratesOf(exact).bytesPerSec!, measured: true, from: clients };
  const largest = usable.reduce<RunResult | null>((best, run) => (best === null || run.scenario.clients > best.scenario.clients ? run : best), null);
  if (!largest) return null;
  // Bytes per client and second are what a client costs; the traffic of N clients is N times that.
  return { bytesPerSec: ratesOf(largest).bytesPerClientPerSec! * clients, measured: false, from: largest.scenario.clients };
}

/** The throughput table's columns, one per client count (this table's and the HTTP/2 section's). */
export function throughputHeads(): string {
  return THROUGHPUT_CLIENTS.map((n) => `<th class="num">${fmtInt(n)} clients</th>`).join('');
}

/** One row's throughput cells, from one strategy's runs: measured where a run had that many clients, else extrapolated. */
export function throughputCells(group: readonly ReportRun[]): string {
  const runs = group.map((r) => r.run);
  return THROUGHPUT_CLIENTS.map((clients) => {
    const cell = throughputCell(runs, clients);
    if (!cell) return '<td class="num">—</td>';
    const mark = cell.measured ? 'measured' : `extrapolated from ${fmtInt(cell.from)}`;
    return `<td class="num">${fmtBitsPerSec(cell.bytesPerSec)}<div><span class="tag">${mark}</span></div></td>`;
  }).join('');
}

/** The websocket.org-style table: network throughput for 1,000 / 10,000 / 100,000 clients at one message a second. */
export function throughputSection(runs: readonly ReportRun[]): ExtraSections {
  const byStrategy = new Map<string, ReportRun[]>();
  for (const r of runs) {
    // HTTP/2 runs have their own rows in "The article under HTTP/2" (http2-section.ts).
    if (r.run.scenario.ratePerSec !== 1 || scenarioValue(r.run.scenario, 'httpVersion') === '2') continue;
    const key = `${r.run.strategy.name}\u0000${r.setLabel ?? ''}`;
    byStrategy.set(key, [...(byStrategy.get(key) ?? []), r]);
  }
  if (byStrategy.size === 0) return NO_SECTION;
  const intervals = new Set(
    runs.filter((r) => isIntervalPolling(r.run) && r.run.scenario.ratePerSec === 1).map((r) => r.run.scenario.pollIntervalMs),
  );
  const rows = [...byStrategy.values()].map((group) => `<tr><td>${strategyCell(group[0])}</td>${throughputCells(group)}</tr>`);
  const polling = intervals.size === 0 ? '' : ` Short-polling clients poll every ${[...intervals].map((ms) => `${fmtInt(ms)} ms`).join(' / ')}.`;
  const table = `<div class="table-wrap"><table><thead><tr><th>Strategy</th>${throughputHeads()}</tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
  return {
    html: section(
      'throughput',
      'Network throughput at one message a second per client',
      `In the style of the classic websocket.org comparison: the network traffic of 1,000, 10,000 and 100,000 clients that each receive one ` +
        `message a second, computed from the bytes per client and second measured here (both directions, TCP payload, while ` +
        `publishing).${polling} A cell is <b>measured</b> when a run had exactly that many clients, otherwise <b>extrapolated</b> ` +
        `linearly from the largest run of that strategy.`,
      table,
    ),
    charts: [],
  };
}

/**
 * The capacity probes, and the article's point about the handler's speed in clients per core: short polling
 * from the empty-poll probe (requests a core answers per second × the poll interval), push from the fan-out
 * cost measured in the largest run of each strategy at one message a second.
 */
export function capacitySection(sets: readonly RunSet[], runs: readonly ReportRun[]): ExtraSections {
  const probes = sets.flatMap((set) => (set.results.capacity ?? []).map((probe) => ({ set, probe })));
  if (probes.length === 0) return NO_SECTION;
  const rows = probes.map(({ set, probe }) => {
    const tag = set.label === null ? '' : ` <span class="run-tag">${esc(set.label)}</span>`;
    const name = esc(capacityProbeName(probe));
    if (probe.problem) return `<tr><td>${name}${tag}</td><td colspan="9" class="bad">${noticeHtml(probe.problem)}</td></tr>`;
    const perCore = probe.serverCpuShare > 0 ? probe.requestsPerSec / probe.serverCpuShare : null;
    return (
      `<tr><td>${name}${tag}<div class="kind">${esc(probe.method)} ${esc(probe.path)}</div></td>
<td class="num">${fmtInt(probe.requestsPerSec)}</td>${floorCells(probe)}<td class="num">${fmtMs(probe.latencyUs.p50)}</td><td ` +
      `class="num">${fmtMs(probe.latencyUs.p99)}</td>
<td class="num">${fmtPercent(probe.serverCpuShare)}</td><td class="num">${fmtInt(perCore)}</td><td ` +
      `class="num">${fmtPercent(probe.loadGeneratorCpuShare)}</td>
<td class="num">${fmtInt(probe.errors + probe.non2xx)}</td></tr>`
    );
  });
  const first = probes[0].probe;
  const table =
    `<div class="table-wrap"><table><thead><tr><th>Endpoint</th><th class="num">Requests / s</th>
<th class="num" title="node:http alone answering the same bytes on the same path, in its own process, right after the endpoint (autocannon CPU of that ` +
    `run in brackets); over HTTP/2, node:http2 alone on its core stream API">node:http floor, requests / s</th>
<th class="num" title="The endpoint's requests / s ÷ its floor's: 1.00× would be a handler that costs nothing">Of the floor</th>
<th class="num">p50 ms</th><th class="num">p99 ms</th>
<th class="num" title="Server process CPU during the probe, share of one core">Server CPU</th>
<th class="num" title="Requests / s ÷ server CPU share: what one fully busy core would answer">Requests / s per core</th>
<th class="num" title="autocannon's own CPU: near 100 %, it set the pace instead of the server">autocannon CPU</th><th class="num">Errors</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
  const floors = probes.some(({ probe }) => probe.floor)
    ? '<p>Beside each endpoint, its <b>floor</b>: node:http alone, in a process of its own, answering every request on the same path with ' +
      'the bytes the endpoint answered (status line, headers, body; only the Date changes), driven the same way right after it. The ' +
      'endpoint’s requests / s as a share of its floor’s is what the server’s own work costs: parsing the request, reading the log, ' +
      'building the answer, counting the bytes. When autocannon is near a full core in the floor’s run, the floor is autocannon’s limit ' +
      'and the share reads higher than it is. An HTTP/2 probe’s floor is node:http2 alone, on its core API (a stream event and ' +
      '<code>stream.respond()</code>, without the request and response objects of its compatibility API), answering what the endpoint ' +
      'answered over HTTP/2, driven by h2load the same way.</p>'
    : '';
  const identity = describeIdentity(first);
  return {
    html: section(
      'capacity',
      'Capacity: how fast is the handler?',
      `Claim C2 says short polling needs a fast handler. autocannon drove each HTTP endpoint of a fresh server process with ` +
        `${fmtInt(first.connections)} connections for ${fmtInt(first.durationSec)} s (closed loop, after a ` +
        `warm-up${identity === null ? '' : `, with ${identity}`}): the rate it reached is the highest the server sustains, and the ` +
        `latency is the latency there.`,
      table +
        floors +
        clientsPerCore(
          probes.map((p) => p.probe),
          runs,
        ),
    ),
    charts: [],
  };
}

/** The floor's requests / s (with autocannon's CPU then) and the endpoint's share of it. */
function floorCells(probe: CapacityResult): string {
  const floor = probe.floor;
  if (!floor) return '<td class="num">—</td><td class="num">—</td>';
  if (floor.problem) return `<td colspan="2" class="bad">${noticeHtml(floor.problem)}</td>`;
  return (
    `<td class="num">${fmtInt(floor.requestsPerSec)} <span class="muted">(${fmtPercent(floor.loadGeneratorCpuShare)})</span></td><td ` +
    `class="num">${fmtRatio(floorRatio(probe))}</td>`
  );
}

/** "How many clients one core serves", per strategy, side by side. */
function clientsPerCore(probes: readonly CapacityResult[], runs: readonly ReportRun[]): string {
  // Clients per core are judged on the plain HTTP/1.1 poll, as the article's servers answer it.
  const shortPoll = probes.find((probe) => probe.endpoint === 'short-poll' && sameTransport(probe, CLEARTEXT_HTTP1) && !probe.problem);
  const items: string[] = [];
  if (shortPoll) {
    const intervals = [...new Set([1_000, ...runs.filter((r) => isIntervalPolling(r.run)).map((r) => r.run.scenario.pollIntervalMs)])].sort(
      (a, b) => a - b,
    );
    for (const interval of intervals) {
      items.push(
        `<li><b>Short polling every ${fmtInt(interval)} ms:</b> ${fmtInt(shortPollClientsPerCore(shortPoll, interval))} clients per core ` +
          `(empty polls answered per CPU-second × interval; every poll that finds news costs more)</li>`,
      );
    }
  }
  const push = new Map<string, ReportRun>();
  for (const r of runs) {
    if (isIntervalPolling(r.run) || r.run.scenario.ratePerSec <= 0 || r.run.server.publishingCpuMs === undefined || r.run.messages.delivered === 0)
      continue;
    const best = push.get(r.run.strategy.name);
    if (!best || r.run.scenario.clients > best.run.scenario.clients) push.set(r.run.strategy.name, r);
  }
  for (const r of push.values()) {
    const { run } = r;
    const clients = pushClientsPerCore(run.messages.delivered, run.server.publishingCpuMs!, 1);
    items.push(
      `<li><b>${esc(run.strategy.title)}:</b> ${fmtInt(clients)} clients per core at one message a second each ` +
        `(${fmtInt(run.messages.delivered)} messages delivered for ${fmtInt(run.server.publishingCpuMs)} ms of server CPU while publishing ` +
        `to ${fmtInt(run.scenario.clients)} clients)</li>`,
    );
  }
  if (items.length === 0) return '';
  return (
    `<h3>Clients one server core serves</h3><ul>${items.join('')}</ul>
<p class="muted">Computed from CPU time, not measured at that many clients: memory, the open-file limit and the network may bind first. ` +
    `Push figures come from the scale runs in these results; run the <code>scale</code> preset to get them beside the probes.</p>`
  );
}
