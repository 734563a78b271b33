import { capacityProbeName, sameTransport } from '../results/capacity.js';
import { ratio, serverCpuUsPerRequest } from '../results/metrics.js';
import { fmtBytes, fmtInt, fmtMs, fmtNumber } from '../results/number-format.js';
import type { CapacityResult, HttpVersion, RunResult, Scenario } from '../results/results.js';
import { groupFields, identityBytes, scenarioField, scenarioKey, scenarioValue } from '../results/scenario.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { throughputCells, throughputHeads } from './scale-section.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';
import { cpuFigureHtml } from './server-cpu.js';

/** HPACK's default dynamic table size (RFC 7541 §6.5.2 SETTINGS_HEADER_TABLE_SIZE), and an entry's overhead (§4.1). */
const HPACK_TABLE_BYTES = 4096;
const HPACK_ENTRY_OVERHEAD = 32;

/** One strategy's runs of one scenario family, by HTTP version and the identity its requests carry (the cookie's size). */
interface Family {
  first: ReportRun;
  runs: Map<string, ReportRun>;
}

const cell = (version: HttpVersion, cookie: number) => `${version}|${cookie}`;
const versionOf = (scenario: Scenario) => scenarioValue(scenario, 'httpVersion');
const versionWords = (scenario: Scenario) => scenarioField('httpVersion').say(scenario);

/** The scenario without what this section compares (the HTTP version, the identity): runs equal in the rest are one family. */
function familyKey(r: ReportRun): string {
  return JSON.stringify([r.run.strategy.name, r.setLabel, scenarioKey(r.run.scenario, ['httpVersion', ...groupFields('identity')])]);
}

/** Client→server bytes per HTTP request while publishing: a GET has no body, so this is its headers, framed. */
export function upBytesPerRequest(run: RunResult): number | null {
  const steady = run.steady;
  return steady ? ratio(steady.bytesClientToServer, steady.requests) : ratio(run.bytes.clientToServer, run.requests.total);
}

function families(runs: readonly ReportRun[]): Family[] {
  const byKey = new Map<string, Family>();
  for (const r of runs) {
    const key = familyKey(r);
    let family = byKey.get(key);
    if (!family) byKey.set(key, (family = { first: r, runs: new Map() }));
    family.runs.set(cell(versionOf(r.run.scenario), identityBytes(r.run.scenario)), r);
  }
  // Only the families this section is about: those with an HTTP/2 run.
  return [...byKey.values()].filter((f) => [...f.runs.values()].some((r) => versionOf(r.run.scenario) === '2'));
}

/**
 * "The article under HTTP/2": the same strategies, schedules and cookies over HTTP/1.1 and HTTP/2, side
 * by side, and what that does to the article's claims. Drawn when the results hold an HTTP/2 run.
 */
export function http2Section({ sets, runs }: SectionContext): ExtraSections {
  const found = families(runs);
  const probes = sets.flatMap((set) => set.results.capacity ?? []);
  if (found.length === 0 && !probes.some((p) => p.httpVersion === '2')) return NO_SECTION;
  const body = [
    headerTable(found),
    costTable(found),
    capacityTable(probes),
    throughputTable(runs),
    `<h3>What HTTP/2 changes in the article’s argument</h3>${claimWords(found)}`,
  ].join('\n');
  return {
    html: section(
      'http2',
      'The article under HTTP/2',
      'The article was written for HTTP/1.1. Here the same clients speak HTTP/2 over cleartext with prior knowledge (h2c, RFC 9113 §3.3) to ' +
        'the same server port: each client holds one HTTP/2 session, as a browser holds one per origin, and sends every request as a stream ' +
        'on it. Bytes are counted at the sockets as for HTTP/1.1: the connection preface, SETTINGS, HPACK-coded HEADERS, DATA, ' +
        'WINDOW_UPDATE, PING and GOAWAY frames all count. WebSocket stays on HTTP/1.1: its upgrade has no HTTP/2 form here, as ' +
        '<code>ws</code> does not implement RFC 8441 (WebSocket over HTTP/2), so it appears as the HTTP/1.1 reference only.',
      body,
    ),
    charts: [],
  };
}

function headerTable(found: readonly Family[]): string {
  const cookies = [...new Set(found.flatMap((f) => [...f.runs.values()].map((r) => identityBytes(r.run.scenario))))].sort((a, b) => a - b);
  if (found.length === 0 || cookies.length === 0) return '';
  const rows = found.flatMap((f) =>
    cookies.map((cookie) => {
      const h1 = f.runs.get(cell('1.1', cookie));
      const h2 = f.runs.get(cell('2', cookie));
      const added = (version: HttpVersion) => {
        const with_ = f.runs.get(cell(version, cookie));
        const without = f.runs.get(cell(version, 0));
        if (!with_ || !without || cookie === 0) return null;
        const a = upBytesPerRequest(with_.run);
        const b = upBytesPerRequest(without.run);
        return a === null || b === null ? null : a - b;
      };
      const perMessage = (r: ReportRun | undefined) => (r ? r.derived.bytesTotalPerDelivered : null);
      return `<tr><td>${strategyCell(f.first)}</td><td class="num">${fmtInt(cookie)}</td>
<td class="num">${fmtBytes(h1 && upBytesPerRequest(h1.run))}</td><td class="num">${fmtBytes(h2 && upBytesPerRequest(h2.run))}</td>
<td class="num">${fmtBytes(added('1.1'))}</td><td class="num">${fmtBytes(added('2'))}</td>
<td class="num">${fmtBytes(perMessage(h1))}</td><td class="num">${fmtBytes(perMessage(h2))}</td>
<td class="num">${fmtNumber(h1?.derived.requestsPerDelivered, 2)}</td><td class="num">${fmtNumber(h2?.derived.requestsPerDelivered, 2)}</td></tr>`;
    }),
  );
  return (
    `<h3>Header bytes per request and bytes per delivered message</h3>
<div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Cookie, B</th>
<th class="num" title="client→server TCP bytes per HTTP request while publishing: a GET has no body, so these are its headers as framed on the ` +
    `wire">Up / request, HTTP/1.1</th>
<th class="num" title="the same over HTTP/2: HPACK-coded HEADERS frames, with the client's share of WINDOW_UPDATE, SETTINGS and PING frames">Up / ` +
    `request, HTTP/2</th>
<th class="num" title="up / request at this cookie size minus up / request without a cookie, same strategy and version">Cookie adds, HTTP/1.1</th>
<th class="num">Cookie adds, HTTP/2</th>
<th class="num" title="TCP bytes both ways per delivered message, the whole run">B / message, HTTP/1.1</th><th class="num">B / message, HTTP/2</th>
<th class="num">Requests / message, HTTP/1.1</th><th class="num">Requests / message, HTTP/2</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted">An event stream sends one request per connection, none while publishing: its per-request columns are empty, its bytes ` +
    `per message are the stream’s. The cookie is a different random token per client (as a session id is), ${fmtInt(HPACK_TABLE_BYTES)} bytes
at most here being HPACK’s default table size.</p>`
  );
}

function costTable(found: readonly Family[]): string {
  if (found.length === 0) return '';
  const rows = found.flatMap((f) =>
    [...f.runs.values()]
      .sort(
        (a, b) => identityBytes(a.run.scenario) - identityBytes(b.run.scenario) || versionOf(a.run.scenario).localeCompare(versionOf(b.run.scenario)),
      )
      .map((r) => {
        const { run } = r;
        const [perRequest, perThousand] = [serverCpuUsPerRequest(run), r.derived.cpuMsPerThousand].map((v) => cpuFigureHtml(run, fmtNumber(v, 1)));
        return (
          `<tr><td>${strategyCell(r)}</td><td>${versionWords(run.scenario)}</td><td class="num">${fmtInt(identityBytes(run.scenario))}</td>
<td class="num">${perRequest}</td><td class="num">${perThousand}</td>
<td class="num">${run.latencyUs.count > 0 ? fmtMs(run.latencyUs.p50) : '—'}</td><td ` +
          `class="num">${run.latencyUs.count > 0 ? fmtMs(run.latencyUs.p99) : '—'}</td>
<td class="num">${fmtInt(run.connections.opened)}</td></tr>`
        );
      }),
  );
  return `<h3>Server CPU and latency</h3>
<div class="table-wrap"><table><thead><tr><th>Strategy</th><th>HTTP</th><th class="num">Cookie, B</th>
<th class="num" title="server CPU over the run ÷ HTTP requests: what one request costs the server, framing and routing included">Server CPU µs / request</th>
<th class="num">Server CPU ms / 1k messages</th><th class="num">p50 ms</th><th class="num">p99 ms</th>
<th class="num" title="TCP connections the clients opened: under HTTP/2 one session each">Connections</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
}

function capacityTable(probes: readonly CapacityResult[]): string {
  const h2 = probes.filter((p) => p.httpVersion === '2' && !p.problem);
  if (h2.length === 0) return '';
  const rows = h2.map((probe) => {
    const h1 = probes.find((p) => p.endpoint === probe.endpoint && sameTransport(p, { ...probe, httpVersion: '1.1' }) && !p.problem);
    const perRequest = (p: CapacityResult | undefined) => (p && p.requests > 0 ? (p.serverCpuMs * 1000) / p.requests : null);
    return `<tr><td>${esc(capacityProbeName({ endpoint: probe.endpoint, tls: probe.tls }))}<div class="kind">${esc(probe.method)} ${esc(probe.path)}</div></td>
<td class="num">${fmtInt(h1?.requestsPerSec)}</td><td class="num">${fmtInt(probe.requestsPerSec)}</td>
<td class="num">${fmtNumber(perRequest(h1), 1)}</td><td class="num">${fmtNumber(perRequest(probe), 1)}</td>
<td class="num">${h1 ? fmtMs(h1.latencyUs.p99) : '—'}</td><td class="num">${fmtMs(probe.latencyUs.p99)}</td></tr>`;
  });
  return (
    `<h3>At saturation: the capacity probes over both versions</h3>
<div class="table-wrap"><table><thead><tr><th>Endpoint</th><th class="num">Requests / s, HTTP/1.1 (autocannon)</th><th ` +
    `class="num">Requests / s, HTTP/2 (h2load)</th>
<th class="num">Server CPU µs / request, HTTP/1.1</th><th class="num">HTTP/2</th><th class="num">p99 ms, HTTP/1.1</th><th ` +
    `class="num">HTTP/2</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted">Both load generators keep one request in flight per connection (h2load with one stream per session), so the rates ` +
    `compare like for like; the two tools differ, so read the server CPU per request before the rate.</p>`
  );
}

/** The websocket.org-style table again, one row per strategy and HTTP version, from the runs at one message a second. */
function throughputTable(runs: readonly ReportRun[]): string {
  const byKey = new Map<string, ReportRun[]>();
  for (const r of runs) {
    if (r.run.scenario.ratePerSec !== 1) continue;
    const key = `${r.run.strategy.name}\u0000${r.setLabel ?? ''}\u0000${versionOf(r.run.scenario)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  if (![...byKey.values()].some((group) => versionOf(group[0].run.scenario) === '2')) {
    return (
      '<p class="muted">The websocket.org-style throughput table needs runs at one message a second over both versions: <code>npm run ' +
      'bench -- --preset http2</code>.</p>'
    );
  }
  const rows = [...byKey.values()].map((group) => {
    return `<tr><td>${strategyCell(group[0])}</td><td>${versionWords(group[0].run.scenario)}</td>${throughputCells(group)}</tr>`;
  });
  return `<h3>Network throughput at one message a second per client, recomputed for HTTP/2</h3>
<div class="table-wrap"><table><thead><tr><th>Strategy</th><th>HTTP</th>${throughputHeads()}</tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
}

/** The cookie bytes a request adds under `version`, for `strategy` at `cookie`, from the families (null: not measured). */
function measuredAdd(found: readonly Family[], version: HttpVersion, cookie: number, connection: RunResult['strategy']['connection']): number | null {
  for (const f of found) {
    if (f.first.run.strategy.connection !== connection) continue;
    const a = f.runs.get(cell(version, cookie));
    const b = f.runs.get(cell(version, 0));
    if (!a || !b) continue;
    const with_ = upBytesPerRequest(a.run);
    const without = upBytesPerRequest(b.run);
    if (with_ !== null && without !== null) return with_ - without;
  }
  return null;
}

/** Plain words, with the numbers of these results where they exist. */
function claimWords(found: readonly Family[]): string {
  const add1024 = measuredAdd(found, '2', 1024, 'request-per-poll');
  const add1024h1 = measuredAdd(found, '1.1', 1024, 'request-per-poll');
  const add4096 = measuredAdd(found, '2', 4096, 'request-per-poll');
  const requestsSame = found.every((f) => {
    const values = [...f.runs.values()].map((r) => r.derived.requestsPerDelivered).filter((v): v is number => v !== null);
    return values.length < 2 || Math.max(...values) - Math.min(...values) <= 0.05 * Math.max(...values);
  });
  const entry4096 = 4096 + 'cookie'.length + HPACK_ENTRY_OVERHEAD;
  const measured = (value: number | null, unit = 'bytes') => (value === null ? 'not measured in these results' : `${fmtBytes(value)} ${unit}`);
  return (
    `<ul>
<li><b>Weakened: “every request re-sends its identity” (C4).</b> HPACK (RFC 7541) keeps the headers a connection has sent in a table on ` +
    `both ends; a repeated cookie is then sent as a one-byte index. Measured here, a 1,024-byte cookie adds ${measured(add1024)} per
short-poll request over HTTP/2 (over HTTP/1.1: ${measured(add1024h1)}, the cookie line itself). The cookie is still sent once per ` +
    `session, in full (Huffman-coded), and again after any new connection.</li>
<li><b>Not at 4,096 bytes.</b> ${fmtInt(HPACK_TABLE_BYTES)} bytes is HPACK’s default table size, and an entry costs its name, its value ` +
    `and ${HPACK_ENTRY_OVERHEAD} bytes: a 4,096-byte cookie is a ${fmtInt(entry4096)}-byte entry, larger than the whole table, so it can never
be indexed (nghttp2, under node’s HTTP/2, indexes nothing over three quarters of the table, 3,072 bytes). It goes literally, ` +
    `Huffman-coded, on every request: measured ${measured(add4096)} per request. A big session cookie gets none of HPACK’s saving.</li>
<li><b>Weakened: server-sent events and the connection limit.</b> A browser opens at most six HTTP/1.1 connections per origin, so a few ` +
    `open event streams starve every other request to that origin; over HTTP/2 every stream shares one connection (up to the server’s
${fmtInt(100)} concurrent streams here), and that argument against SSE falls away.</li>
<li><b>Standing: requests per message (C2, C3).</b> HTTP/2 changes what a request costs on the wire, not how many there are: a short poll ` +
    `still asks every interval, a long poll still re-asks after every answer (RFC 6202
§2.2).${
      requestsSame
        ? ' The requests per delivered message above agree between the versions within 5 %.'
        : ' Where they differ above, it is the run’s timing, not the protocol.'
    }</li>
<li><b>Standing: per-request work.</b> The server still parses, routes and answers every request; HTTP/2 adds framing, flow control and ` +
    `HPACK to it (the server CPU per request above and in the capacity probes). Long polling’s re-request gap, and short polling’s interval,
set its latency as before.</li>
<li><b>Standing: WebSocket’s case.</b> One handshake, then a few bytes of framing per message: HTTP/2 brings polling’s headers down, not ` +
    `its requests, and WebSocket still sends nothing when there is nothing new.</li>
</ul>`
  );
}
