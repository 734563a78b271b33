import { shared } from './charts.js';
import { fmtInt, fmtMs, fmtNumber, fmtPercent, fmtRatio } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import { isIntervalPolling, type ReportRun } from './model.js';
import { cpuJudged } from '../results/metrics.js';
import { busyText, thresholdText } from './server-cpu.js';

/**
 * Captions under the charts: what was measured, then how to read it, with this run's own numbers in the text so
 * the reader does not have to hover over bars to check the claim.
 */

function each(runs: readonly ReportRun[], value: (r: ReportRun) => string): string {
  return runs.map((r) => `${esc(r.label)} ${value(r)}`).join(' · ');
}

function caption(measured: string, reading: string): string {
  return `<figcaption><p><span class="how">Measured:</span> ${measured}</p><p><span class="how">How to read it:</span> ${reading}</p></figcaption>`;
}

export function latencyCaption(runs: readonly ReportRun[]): string {
  const pollers = runs.filter((r) => isIntervalPolling(r.run));
  const interval = shared(pollers.map((r) => r.run.scenario.pollIntervalMs));
  let expectation: string;
  if (pollers.length === 0) {
    expectation = 'No strategy in these results polls on an interval.';
  } else if (interval !== null) {
    expectation =
      `With a poll interval of <b>${fmtInt(interval)} ms</b>, expect a mean and a median wait of ≈ ` +
      `<b>${fmtNumber(interval / 2, 0)} ms</b>, p90 near ${fmtInt(interval * 0.9)} ms and a maximum of about one interval, ` +
      `${fmtInt(interval)} ms (the dashed line through each group).`;
  } else {
    expectation =
      `Expected mean wait: ` +
      `${each(pollers, (r) => `${fmtInt(r.run.scenario.pollIntervalMs)} ms interval → ≈ ${fmtNumber(r.run.scenario.pollIntervalMs / 2, 0)} ms`)}.`;
  }
  const measured = pollers.filter((r) => r.run.latencyUs.count > 0);
  const observed =
    measured.length === 0
      ? ''
      : ` Measured: ${each(measured, (r) => `mean ${fmtMs(r.run.latencyUs.mean)} ms, max ${fmtMs(r.run.latencyUs.max)} ms`)}.`;
  return caption(
    'time from publish to receipt at each client (both clocks of the same machine), as mean, percentiles and maximum over every delivered ' +
      'message, one bar per strategy. <b>Logarithmic scale</b>: each major gridline is ten times the one below.',
    `with short polling a message waits for the client’s next poll. Poll timers start at random phases, so the wait is spread evenly ` +
      `between zero and one interval. ${expectation}${observed} Push strategies answer as soon as the message exists; their bars show the ` +
      `cost of the delivery path itself.${longPollingNote(runs)} Lower is better; the gap between p50 and p99 shows how steady a strategy is.`,
  );
}

/**
 * Why long polling's median sits above a push strategy's even on loopback: every message ends each held poll with
 * a whole HTTP response, and a message published while a client re-requests waits for that client's next poll.
 */
function longPollingNote(runs: readonly ReportRun[]): string {
  const long = runs.find((r) => !r.reference && r.run.strategy.connection === 'held-request' && r.run.latencyUs.count > 0);
  const push = runs.find((r) => !r.reference && r.run.strategy.connection === 'persistent' && r.run.latencyUs.count > 0);
  if (!long || !push || long.run.latencyUs.p50 < 2 * push.run.latencyUs.p50) return '';
  return (
    ` ${esc(long.label)}’s median (${fmtMs(long.run.latencyUs.p50)} ms) sits above ${esc(push.label)}’s ` +
    `(${fmtMs(push.run.latencyUs.p50)} ms) even without a network: each message ends every held poll with a whole HTTP response, written ` +
    `once per client, and a message published while a client is sending its next poll (the re-request gap) waits until that poll arrives.`
  );
}

export function requestsCaption(runs: readonly ReportRun[]): string {
  return caption(
    'HTTP requests sent by the clients divided by the messages delivered, stacked by what each request brought back; a WebSocket handshake ' +
      'counts as one request. The number above a bar is the total.',
    `1.0 is one HTTP round per message; below 1, one request brought several messages (a burst batched into one answer, or one handshake ` +
      `for a whole stream); above 1, clients asked more often than there was news. The pale part is requests answered “nothing new”: work ` +
      `for the client, the network and the server that delivered nothing. Empty share of all requests: ` +
      `${each(runs, (r) => `<b>${fmtPercent(r.derived.emptyShare)}</b>`)}.`,
  );
}

/** The client/server byte cross-check, in words: a large gap means the byte bars cannot be trusted. */
function crossCheck(runs: readonly ReportRun[]): string {
  const gaps = runs.map((r) => r.derived.byteCountMismatch).filter((g): g is number => g !== null);
  if (gaps.length === 0) return '';
  const worst = Math.max(...gaps);
  if (worst === 0) return ' The client-side and server-side byte counts agree exactly.';
  if (worst <= 0.01) return ` The client-side and server-side byte counts agree within ${fmtPercent(worst)}.`;
  return ` <b>The client-side and server-side byte counts differ by up to ${fmtPercent(worst)}</b>: treat these bars with care.`;
}

export function bytesCaption(runs: readonly ReportRun[]): string {
  const check = crossCheck(runs);
  return caption(
    'TCP payload bytes counted at the client sockets (request and response headers, bodies, the WebSocket handshake, frames and pings), ' +
      'divided by delivered messages. Solid: server → client; pale: client → server. The diamond marks the message payload itself.',
    `everything above the diamond is protocol overhead. Each HTTP request carries its headers (and cookies) again, so bytes grow with ` +
      `requests per message; a WebSocket frame adds a few bytes. Overhead, all bytes ÷ payload bytes: ` +
      `${each(runs, (r) => `<b>${fmtRatio(r.derived.overheadRatio)}</b>`)}.${check}`,
  );
}

export function cpuCaption(runs: readonly ReportRun[]): string {
  const busy = runs.map((r) => ({ r, text: busyText(r.run) })).filter((b): b is { r: ReportRun; text: string } => b.text !== null);
  const shares =
    busy.length === 0
      ? ''
      : ` Here: ${each(
          busy.map((b) => b.r),
          (r) => busyText(r.run)!,
        )}.`;
  const greyed = runs.filter((r) => !cpuJudged(r.run));
  const verdict =
    greyed.length === 0
      ? ''
      : greyed.length === runs.length
        ? ' <b>Every run here is below it</b>: the bars show the server’s fixed costs, not the strategies’, and no verdict compares them.'
        : ` <b>Below it here</b>: ${greyed.map((r) => esc(r.label)).join(', ')}.`;
  return caption(
    'CPU time (user + system) of the server process while the clients were attached, minus its idle baseline (what the same process ' +
      'spent doing nothing, with the same monitors, for a second before its clients connected), divided by delivered messages, per 1,000 ' +
      'messages.',
    'this is what the server pays per useful message: every empty poll answered, every request’s headers parsed, every frame written. Once ' +
      `the server is busy, it grows with requests per message; lower is better. <b>Below ${thresholdText()}</b> above idle while the ` +
      'messages were published, a run’s figure is drawn grey and judged by no verdict: at that load the process’s fixed costs (timers, ' +
      `sampling, the harness’s calls, a garbage collection) outweigh what delivering cost, and two runs differ by chance.${shares}${verdict} ` +
      'The table shows peak memory and event-loop delay, where holding many connections open shows instead.',
  );
}
