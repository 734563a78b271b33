import { ratio } from '../results/metrics.js';
import { fmtInt, fmtMs, fmtNumber, fmtPercent, fmtSetting } from '../results/number-format.js';
import type { RunResult } from '../results/results.js';
import { describeNetwork } from '../results/scenario.js';
import { escapeHtml as esc } from './format.js';
import { VERDICT_WORDS } from './judgements.js';
import {
  judgeExactlyOnce,
  judgeModelRtt,
  judgeTailGrowth,
  judgeTailUnderLoss,
  lossSeries,
  type LossFinding,
  type LossSeries,
} from './loss-judgements.js';
import { NO_SECTION, section, type ExtraSections, type SectionContext } from './section-html.js';
import { strategyCell } from './sections.js';
import type { ReportRun } from './model.js';

/**
 * "Under loss and over TLS": the runs over the kernel network (docs/network.md), a table per series of runs that
 * differ only in packet loss — each strategy's p50 / p99 / p99.9 against loss, the segments TCP retransmitted and
 * the round trip it measured — and verdicts judged from those figures (reports/loss-judgements.ts).
 */
export function networkSection({ runs }: SectionContext): ExtraSections {
  const kernelRuns = runs.filter((r) => r.run.kernelNetwork !== undefined);
  if (kernelRuns.length === 0) return NO_SECTION;
  const all = kernelRuns.map((r) => r.run);
  const tables = lossSeries(all).map((series) => seriesBlock(series, kernelRuns));
  const findings = [judgeExactlyOnce(all), judgeModelRtt(all)].map(findingItem);
  return {
    html: section(
      'network',
      'Under loss and over TLS',
      'The server and the clients in network namespaces of their own, joined by a veth pair: every packet is delayed in the kernel’s path ' +
        '(one delay each way), and a share of them is dropped in each direction, so TCP retransmits as it would on a real lossy path. A ' +
        'WebSocket is one long connection, where a lost segment holds every later message; a poll is many short exchanges.',
      `${tables.join('\n')}<ul class="verdicts">${findings.join('')}</ul>
<p class="muted">Retransmitted: segments TCP sent again in each direction over the whole run (RetransSegs of each namespace, which the run made ` +
        `for itself), and their share of the segments sent. TCP RTT: the smoothed and the least round trip <code>ss -ti</code> reports for the ` +
        `server’s connections once the last message drained, medians over them, against the model’s, twice the one-way delay. ` +
        `${
          all.some((run) => run.scenario.tls !== undefined && run.scenario.tls !== 'off')
            ? 'A series over TLS is its own table above; the bytes and CPU TLS adds per delivery, beside each run’s cleartext twin, are in “Over TLS”.'
            : 'No run over TLS in these results.'
        }</p>`,
    ),
    charts: [],
  };
}

function seriesBlock(series: LossSeries, reportRuns: readonly ReportRun[]): string {
  const first = series.strategies[0].runs.find((run) => run !== undefined)!;
  const rows = series.strategies.flatMap(({ runs }) =>
    runs.flatMap((run, i) => {
      if (run === undefined) return [];
      const r = reportRuns.find((candidate) => candidate.run === run)!;
      return [row(r, series.losses[i], i === 0 || runs.slice(0, i).every((x) => x === undefined))];
    }),
  );
  const verdicts = [judgeTailUnderLoss(series)].map(findingItem);
  const growth = series.strategies.map((strategy) => judgeTailGrowth(strategy, series.losses)).filter((line) => line !== null);
  const network = describeNetwork({ ...first.scenario, lossPercent: 0 }) ?? '';
  return (
    `<h3>${esc(network.replace(/, loss 0 % each way$/, ''))}, loss ${series.losses.map((loss) => fmtSetting(loss)).join(' / ')} %</h3>
<div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Loss</th><th class="num">p50 ms</th><th class="num">p99 ms</th>
<th class="num">p99.9 ms</th><th class="num" title="segments retransmitted server→client · client→server, and their share of the segments sent">` +
    `Retransmitted</th><th class="num" title="TCP’s smoothed RTT · least RTT (ss -ti), medians over the server’s connections, against ` +
    `the model’s">TCP RTT ms</th>
<th class="num" title="delivered · missed/duplicated/out of order">Delivered · m/d/o</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<ul class="verdicts">${verdicts.join('')}${growth.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>`
  );
}

function row(r: ReportRun, loss: number, firstOfStrategy: boolean): string {
  const run: RunResult = r.run;
  const k = run.kernelNetwork!;
  const retransmitted = k.retransmittedSegments.serverToClient + k.retransmittedSegments.clientToServer;
  const sent = k.segmentsSent.serverToClient + k.segmentsSent.clientToServer;
  const { missed, duplicated, outOfOrder, delivered } = run.messages;
  const exact = missed + duplicated + outOfOrder === 0;
  return (
    `<tr><td>${firstOfStrategy ? strategyCell(r) : ''}</td><td class="num">${fmtSetting(loss)} %</td>` +
    `<td class="num">${fmtMs(run.latencyUs.p50)}</td><td class="num">${fmtMs(run.latencyUs.p99)}</td><td class="num">${fmtMs(run.latencyUs.p999)}</td>` +
    `<td class="num">${fmtInt(k.retransmittedSegments.serverToClient)} · ${fmtInt(k.retransmittedSegments.clientToServer)} ` +
    `(${fmtPercent(ratio(retransmitted, sent))})</td>` +
    `<td class="num">${k.tcpRttMs ? fmtNumber(k.tcpRttMs.median, 1) : '—'} · ${k.tcpMinRttMs ? fmtNumber(k.tcpMinRttMs.median, 1) : '—'} / ` +
    `${fmtNumber(k.modelRttMs, 0)}</td>` +
    `<td class="num${exact ? '' : ' bad'}">${fmtInt(delivered)} · ${fmtInt(missed)}/${fmtInt(duplicated)}/${fmtInt(outOfOrder)}</td></tr>\n`
  );
}

function findingItem({ verdict, finding }: LossFinding): string {
  return `<li><strong class="verdict-${verdict}">${esc(VERDICT_WORDS[verdict])}.</strong> ${esc(finding)}</li>`;
}
