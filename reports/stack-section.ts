import { fmtInt, fmtMebibytes, fmtMs, fmtNumber } from '../results/number-format.js';
import { scenarioKey, scenarioValue } from '../results/scenario.js';
import { answersWithStatus, servingCost } from '../results/stack-metrics.js';
import { CLAIMS } from './claims.js';
import { escapeHtml as esc } from './format.js';
import { VERDICT_WORDS } from './judgements.js';
import type { ReportRun } from './model.js';
import { caption, figure, multiplesBlock, NO_SECTION, type ExtraSections, type SectionContext } from './section-html.js';
import { runTag, strategyCell } from './sections.js';
import { gatewayErrorsChart, poolLabel, poolLatencyChart, poolPanels } from './stack-charts.js';
import { judgeWorkerPool } from './stack-judgement.js';
import type { ChartSpec } from './charts.js';

/**
 * "The article's stack: workers held by waiting": the PHP strategies on PHP-FPM behind nginx, and our server behind
 * nginx. The pool over time, latency by worker count, the gateway's errors, what serving a client costs, and what
 * nginx in front of our server costs and does; with claim C2 quoted beside the verdict the PHP runs give. Drawn
 * when any run went through nginx.
 */
export function stackSection({ sets, runs }: SectionContext): ExtraSections {
  const php = runs.filter((r) => r.run.stack?.kind === 'php-fpm');
  const fronted = runs.filter((r) => r.run.stack?.kind === 'nginx-proxy');
  if (php.length === 0 && fronted.length === 0) return NO_SECTION;
  const charts: ChartSpec[] = [];
  const parts: string[] = [];
  const c2 = CLAIMS.C2;
  parts.push(
    `<p class="article"><span class="claim-id">${c2.id}</span> The article: “${esc(c2.statement)}” In its own words about its stack: ` +
      `nginx is the fast operator, the PHP handler the slow customer service, and a long poll keeps one customer service on the line ` +
      `for as long as it waits.</p>`,
  );
  for (const set of sets) {
    const judged = judgeWorkerPool(set.results);
    if (judged) {
      parts.push(
        `<p class="verdict ${judged.verdict}">${runTag(set.label)}<span class="verdict-tag">${VERDICT_WORDS[judged.verdict]}</span> ` +
          `${esc(judged.finding)}</p>`,
      );
    }
  }
  const longPolls = php.filter((r) => r.run.stack?.pool);
  const panels = poolPanels(longPolls);
  if (panels) {
    charts.push(...panels.panels.map((p) => p.chart));
    parts.push(
      `<figure>${multiplesBlock(panels)}${caption(
        'PHP-FPM’s own status page (its “active” and “idle processes”, answered by a status pool of its own while every worker is ' +
          'held) and the accept queue of its unix socket as the kernel counts it (<code>ss</code>: FPM keeps no queue for a unix socket ' +
          'on Linux), four times a second from the moment the clients start connecting.',
        'a long poll takes a worker for as long as it waits. With more clients than workers the busy line sits at the pool’s size and the ' +
          'rest queue, the page probes and the publishes through PHP among them, until a message (or a poll’s timeout) frees the workers.',
      )}</figure>`,
    );
  }
  if (php.length > 0) {
    const latency = poolLatencyChart(php);
    charts.push(latency);
    parts.push(
      figure(
        latency,
        caption(
          'for each PHP run: its deliveries (from the time each publish was due), an ordinary PHP page of the same site asked four times a ' +
            'second by a probe (from the time each probe was due, open loop), and the publishes through PHP as nginx logged them.',
          'deliveries alone may barely move with the pool: a message answers every held poll, and every queued poll carries an older ' +
            'cursor, so the queue drains at once. The page is the customer with a real question: it waits for a worker to come free.',
        ),
      ),
    );
  }
  const gateway = gatewayErrorsChart([...php, ...fronted]);
  if (gateway) {
    charts.push(gateway);
    parts.push(
      figure(
        gateway,
        caption(
          'answers nginx made itself, from its access log: 504 when the upstream did not answer within its read timeout, 502 when it could ' +
            'not be reached.',
          'a client treats either as a failed poll and asks again from its cursor: nothing is lost, and the wait shows in its latency.',
        ),
      ),
    );
  } else {
    parts.push('<p class="muted">nginx answered no 502 and no 504 in these runs.</p>');
  }
  if (php.length > 0) parts.push(poolTable(php));
  parts.push(costTable(runs, php));
  if (fronted.length > 0) parts.push(frontTable(runs, fronted));
  return {
    html:
      `<section class="claim" id="article-stack">
<h2>The article’s stack: workers held by waiting</h2>
<p>Short and long polling written in PHP, on PHP-FPM behind nginx from Debian’s packages, reading the same Redis Stream as our ` +
      `strategies; and our own server behind nginx as a reverse proxy, the architecture the article proposes.</p>
${parts.join('\n')}
</section>`,
    charts,
  };
}

function poolTable(php: readonly ReportRun[]): string {
  const rows = php.map((r) => {
    const { run } = r;
    const stack = run.stack!;
    const pool = stack.pool;
    const page = stack.page;
    const wait = stack.workerWaitUs?.['/api/long-poll'] ?? stack.workerWaitUs?.['/api/poll'];
    const cost = servingCost(run);
    const cells = [
      `${fmtInt(scenarioValue(run.scenario, 'phpWorkers'))} (${esc(scenarioValue(run.scenario, 'phpPm'))})`,
      fmtInt(run.scenario.clients),
      pool ? `${fmtInt(pool.busyPeak)} / ${fmtInt(pool.queuePeak)}` : '—',
      page ? `${fmtMs(page.latencyUs.p50)} / ${fmtMs(page.latencyUs.p99)}` : '—',
      page ? `${fmtInt(page.answered)} / ${fmtInt(page.sent)}` : '—',
      wait ? fmtMs(wait.p99) : '—',
      `${fmtMs(run.latencyUs.p50)} / ${fmtMs(run.latencyUs.p99)}`,
      stack.publishes ? fmtMs(stack.publishes.latencyUs.p99) : '—',
      `${fmtInt(answersWithStatus(run, 502))} / ${fmtInt(answersWithStatus(run, 504))}`,
      fmtNumber(cost.cpuUsPerRequest, 0),
      `${fmtMebibytes(stack.nginx.peakRssBytes)} / ${fmtMebibytes(stack.phpFpm?.peakRssBytes)}`,
    ];
    return `<tr><td>${strategyCell(r)}</td>${cells.map((c) => `<td class="num">${c}</td>`).join('')}</tr>`;
  });
  const head = [
    'Workers (pm)',
    'Clients',
    'Busy / queued, peak',
    'Page p50 / p99 ms',
    'Pages answered / sent',
    'Wait for a worker p99 ms',
    'Delivery p50 / p99 ms',
    'Publish p99 ms',
    '502 / 504',
    'CPU µs / request',
    'Peak RSS nginx / FPM',
  ];
  return (
    `<h3>Each PHP run</h3><div class="table-wrap"><table><thead><tr><th>Strategy</th>${head.map((h) => `<th class="num">${h}</th>`).join('')}` +
    `</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="muted">The wait for a worker is from nginx’s arrival to the moment a worker took the request (PHP’s own start time, logged by ` +
    `nginx from a header it keeps from the client); a request nginx gave up on first is a 504 instead. CPU is every process of the stack, ` +
    `nginx’s and PHP-FPM’s, over every request nginx logged (the clients’, the page probes’ and the publishes’). RSS counts a page ` +
    `that PHP-FPM’s workers share in each of them.</p>`
  );
}

/**
 * What serving one client cost, at the largest client count of the PHP runs, for every run at that count: the
 * stack's processes for PHP, our server (and nginx in front of it) for ours.
 */
function costTable(runs: readonly ReportRun[], php: readonly ReportRun[]): string {
  const clients = Math.max(0, ...[...php, ...runs.filter((r) => r.run.stack)].map((r) => r.run.scenario.clients));
  const at = runs.filter((r) => r.run.scenario.clients === clients && r.valid);
  if (at.length < 2) return '';
  const rows = at.map((r) => {
    const cost = servingCost(r.run);
    const by = r.run.stack?.kind === 'php-fpm' ? poolLabel(r) : r.run.stack?.kind === 'nginx-proxy' ? 'our server behind nginx' : 'our server';
    return (
      `<tr><td>${strategyCell(r)}<div class="kind">${esc(by)}</div></td><td class="num">${fmtNumber(cost.cpuMsPerClient, 2)}</td>` +
      `<td class="num">${fmtNumber(cost.rssBytesPerClient === null ? null : cost.rssBytesPerClient / 1024, 1)}</td>` +
      `<td class="num">${fmtNumber(cost.pssBytesPerClient === null ? null : cost.pssBytesPerClient / 1024, 1)}</td>` +
      `<td class="num">${fmtNumber(cost.cpuUsPerDelivery, 0)}</td></tr>`
    );
  });
  return (
    `<h3>What serving one client costs, at ${fmtInt(clients)} clients</h3><div class="table-wrap"><table><thead><tr><th>Run</th>` +
    `<th class="num">CPU ms per client</th><th class="num">Peak RSS KiB per client</th><th class="num">Peak PSS KiB per client</th>` +
    `<th class="num">CPU µs per delivery</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="muted">Everything that served the clients over the run: PHP-FPM and nginx for a PHP strategy, our server process (and nginx when it ` +
    `stood in front) for ours. PSS splits a page shared by several processes between them: for PHP-FPM’s workers it is what they hold ` +
    `together; our server is one process, so its RSS is its PSS.</p>`
  );
}

/** nginx in front of our server: what it cost, what it added to latency beside the same run without it, its reconnects. */
function frontTable(runs: readonly ReportRun[], fronted: readonly ReportRun[]): string {
  const key = (r: ReportRun) => JSON.stringify([r.setLabel, r.run.strategy.name, scenarioKey(r.run.scenario, ['proxy', 'nginxReadTimeoutSec'])]);
  const direct = new Map(runs.filter((r) => !r.run.stack).map((r) => [key(r), r]));
  const rows = fronted.map((r) => {
    const { run } = r;
    const nginx = run.stack!.nginx;
    const bare = direct.get(key(r));
    const added = bare ? `${signedMs(run.latencyUs.p50 - bare.run.latencyUs.p50)} / ${signedMs(run.latencyUs.p99 - bare.run.latencyUs.p99)}` : '—';
    return (
      `<tr><td>${strategyCell(r)}<div class="kind">${esc(r.scenarioTag)}</div></td><td class="num">${fmtInt(run.scenario.clients)}</td>` +
      `<td class="num">${fmtNumber(nginx.cpuMs, 0)}</td><td class="num">${fmtMebibytes(nginx.peakRssBytes)}</td>` +
      `<td class="num">${fmtMs(run.latencyUs.p50)} / ${fmtMs(run.latencyUs.p99)}</td><td class="num">${added}</td>` +
      `<td class="num">${fmtInt(run.requests.reconnects)}</td></tr>`
    );
  });
  const websocket = fronted.find((r) => r.run.strategy.name === 'websocket');
  const heartbeat = websocket
    ? `<p>Our WebSocket strategy sends no ping: behind nginx, a connection on which nothing arrives for <code>proxy_read_timeout</code> ` +
      `(${fmtInt(websocket.run.stack!.readTimeoutSec)} s here, nginx’s default 60 s) is closed, and the client reconnects from its cursor ` +
      `(${fmtInt(websocket.run.requests.reconnects)} reconnects in this run). A heartbeat from the server, more often than that timeout, ` +
      `would keep it open.</p>`
    : '';
  return (
    `<h3>nginx in front of our server</h3><div class="table-wrap"><table><thead><tr><th>Strategy</th><th class="num">Clients</th>` +
    `<th class="num">nginx CPU ms</th><th class="num">nginx peak RSS</th><th class="num">Latency p50 / p99 ms</th>` +
    `<th class="num">Added by nginx, p50 / p99</th><th class="num">Reconnects</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="muted">nginx from Debian’s package as a reverse proxy: HTTP/1.1 to our server with keep-alive connections, WebSocket upgrades ` +
    `passed on. What it adds is against the same strategy and scenario without it, in the same results, where there is one.</p>${heartbeat}`
  );
}

function signedMs(us: number): string {
  return `${us >= 0 ? '+' : '−'}${fmtMs(Math.abs(us))}`;
}
