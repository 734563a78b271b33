import { fmtInt, fmtMs, fmtPercent } from '../results/number-format.js';
import { publisherFiguresOf, type LatencySummary, type PublisherFigures } from '../results/results.js';
import { escapeHtml as esc } from './format.js';
import type { ReportRun } from './model.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';

/**
 * "Who published": the runs whose messages came from a publisher process of their own (--publisher http, through
 * the server's API; --publisher redis, straight into the Redis stream), each with its publishes' own latency and
 * what became of them, beside the clients' latency, which counts from the scheduled time. Drawn when any run had
 * a publisher process.
 */
export function publishingSection({ runs }: SectionContext): ExtraSections {
  const measured = runs.flatMap((r) => {
    const figures = publisherFiguresOf(r.run);
    return figures ? [{ r, p: figures }] : [];
  });
  if (measured.length === 0) return NO_SECTION;
  const inProcess = runs.length - measured.length;
  const rows = measured.map(({ r, p }) => row(r, p));
  const table = `<div class="table-wrap"><table><thead><tr><th>Run</th><th>Published</th>
<th class="num" title="Publishes the log took (answered with a seq) of those the schedule planned">Answered</th>
<th class="num" title="From each publish's first request to its answer, retries and their backoff included">Publish p50 / p99</th>
<th class="num" title="Publishes given up, and the failed attempts by what came back">Failed</th>
<th class="num" title="Attempts beyond the first, after a 503 or a 504">Retried</th>
<th class="num" title="Publishes that fell due while every place was taken, and waited for one">Waited</th>
<th class="num" title="The clients' latency, from each message's scheduled time">Delivery p50 / p99</th>
<th class="num" title="CPU of the publisher process over the schedule, as a share of one core">Publisher CPU</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
  const others =
    inProcess === 0
      ? ''
      : `<p class="muted">The ${fmtInt(inProcess)} other run${inProcess === 1 ? '' : 's'} of these results published in-process: the server ` +
        'process stored each message on the schedule itself, so there is no publish to time and their latency counts from when it ' +
        'stored each message.</p>';
  const lead =
    'In production an application back end publishes, from a process of its own, through the push server’s API or into its broker. ' +
    'Here a publisher process did: each message was sent at its scheduled time whether or not the earlier ones had been answered (open ' +
    'loop, at most a fixed number in flight), and carried that time, so the clients’ latency counts from when the schedule asked for ' +
    'the publish: a publish path that stalls shows as delivery latency, never as fewer messages. A 503 or a 504 was tried again after ' +
    'a backoff, a bounded number of times; a publish never answered was given up and its message was never part of the run.';
  return { html: section('publishing', 'Who published: the publisher process', lead, table + others), charts: [] };
}

function row(r: ReportRun, p: PublisherFigures): string {
  const failures = Object.entries(p.failuresByCause).map(([cause, n]) => `${esc(cause)} × ${fmtInt(n)}`);
  const failed = `${fmtInt(p.failed)}${failures.length === 0 ? '' : `<div class="kind">attempts: ${failures.join(', ')}</div>`}`;
  const how = p.publisher === 'http' ? 'through the API' : 'straight into Redis';
  const cpu = p.windowMs > 0 ? fmtPercent(p.cpuMs / p.windowMs) : '—';
  return (
    `<tr><td>${strategyCell(r)}${r.scenarioTag ? `<div class="kind">${esc(r.scenarioTag)}</div>` : ''}</td>` +
    `<td title="${esc(p.target)}">${how}<div class="kind">at most ${fmtInt(p.concurrencyLimit)} in flight</div></td>` +
    `<td class="num">${fmtInt(p.answered)} / ${fmtInt(p.planned)}</td><td class="num">${percentiles(p.latencyUs)}</td>` +
    `<td class="num">${failed}</td><td class="num">${fmtInt(p.retries)}</td><td class="num">${fmtInt(p.waited)}</td>` +
    `<td class="num">${percentiles(r.run.latencyUs)}</td><td class="num">${cpu}</td></tr>`
  );
}

/** "7.05 / 27.2 ms", or a dash without a sample. */
function percentiles(latency: LatencySummary): string {
  return latency.count === 0 ? '—' : `${fmtMs(latency.p50)} / ${fmtMs(latency.p99)} ms`;
}
