import { agreementRows, BYTES_TOLERANCE, REQUESTS_TOLERANCE, SETUP_ON_THE_PAGE, type AgreementRow, type FleetFigures } from '../results/agreement.js';
import { fmtBytes, fmtInt, fmtMs, fmtNumber } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';

/** A deviation as a signed percentage with one decimal, "+0.4 %"; a dash without one. */
function fmtDeviation(value: number | null): string {
  if (value === null) return '—';
  const percent = value * 100;
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)} %`;
}

function cell(value: string, deviation: number | null, tolerance: number): string {
  const off = deviation === null || Math.abs(deviation) > tolerance;
  return `<td class="num${off ? ' bad' : ''}">${value} <span class="muted">${fmtDeviation(deviation)}</span></td>`;
}

function side(label: string, f: FleetFigures): string {
  return (
    `<td>${label}</td><td class="num">${fmtNumber(f.requestsPerMessage, 3)}</td><td class="num">${fmtBytes(f.bytesUpPerRequest)}</td>` +
    `<td class="num">${fmtBytes(f.bytesDownPerRequest)}</td><td class="num">${fmtMs(f.latencyP50Us)}</td>` +
    `<td class="num${f.exactlyOnce ? '' : ' bad'}">${f.exactlyOnce ? 'yes' : 'no'}</td>`
  );
}

function rowsOf(row: AgreementRow): string {
  const title = `${esc(row.strategy.title)} · ${fmtInt(row.clients)} clients`;
  return (
    `<tr><td rowspan="3"><span class="strategy"><span class="swatch" style="background-color:${row.strategy.colour}"></span>${title}</span></td>` +
    `${side('simulated', row.simulated)}</tr>` +
    `<tr>${side(esc(row.browserSource), row.browser)}</tr>` +
    `<tr class="muted"><td>real / simulated</td>${cell('', row.requestsDeviation, REQUESTS_TOLERANCE)}` +
    `${cell('', row.bytesUpDeviation, BYTES_TOLERANCE)}${cell('', row.bytesDownDeviation, BYTES_TOLERANCE)}<td></td>` +
    `<td class="num${row.agrees ? '' : ' bad'}">${row.agrees ? 'agrees' : 'disagrees'}</td></tr>`
  );
}

/**
 * Simulated vs real browser: the runs of one strategy and scenario made once by the simulated fleet and once by
 * real Chromium clients (`--fleet simulated,chromium`, the `browser` preset), side by side, with how far apart
 * they are. The claims rest on the simulated clients; this table is what says they behave like a browser.
 */
export function agreementSection({ runs }: SectionContext): ExtraSections {
  const rows = agreementRows(runs.map((r) => r.run));
  if (rows.length === 0) return NO_SECTION;
  const all = rows.every((row) => row.agrees);
  const table =
    `<div class="table-wrap"><table><thead><tr><th>Strategy</th><th>Clients</th>
<th class="num" title="HTTP requests (a WebSocket handshake counts as one) per delivered message">Requests / message</th>
<th class="num" title="bytes client → server per request, counted at the server's sockets for the browser">Up B / request</th>
<th class="num" title="bytes server → client per request">Down B / request</th><th class="num">p50 latency</th>
<th class="num" title="every message delivered exactly once, in order">Exactly once</th></tr></thead>
<tbody>${rows.map(rowsOf).join('')}</tbody></table></div>
<p>${
      all
        ? `Every strategy agrees: requests per message within ${fmtNumber(REQUESTS_TOLERANCE * 100)} %, bytes per request within ` +
          `${fmtNumber(BYTES_TOLERANCE * 100)} % each way, every message exactly once with both fleets.`
        : `<span class="bad">Some strategy disagrees</span> beyond ${fmtNumber(REQUESTS_TOLERANCE * 100)} % in requests per message or ` +
          `${fmtNumber(BYTES_TOLERANCE * 100)} % in bytes per request (marked), or lost a message: its simulated figures do not stand for a browser’s.`
    }</p>
<p class="muted">The real clients are the classroom demo’s browser clients (fetch for the polls, EventSource, WebSocket) in headless Chromium, a ` +
    `browser context each, asking exactly what the simulated clients ask. Their bytes are counted at the server’s sockets (the browser’s ` +
    `are not ours); their latency from the page’s own clock. Latency is shown, not compared: dozens of renderer processes share the ` +
    `machine’s cores with the server, so the browser’s latency is partly the load generator’s.</p>` +
    (rows.some((row) => row.setupOnThePage) ? `<p class="muted">${esc(SETUP_ON_THE_PAGE)}</p>` : '');
  return {
    html: section(
      'agreement',
      'Simulated vs real browser',
      'The same scenario, once with the simulated clients and once with real Chromium clients: do the simulated clients send and receive ' +
        'what a browser does?',
      table,
    ),
    charts: [],
  };
}
