import { loadProcessName } from '../results/problems.js';
import { capacityProbeName } from '../results/capacity.js';
import { fmtInt, fmtSetting } from '../results/number-format.js';
import { describeStep } from '../results/scenario.js';
import type { BottleneckReason, Interruption, Legacy, MissedExample, Notice, Results } from '../results/results.js';
import { escapeHtml as esc } from './format.js';

/**
 * The report's words for what went wrong: one HTML fragment per code, read later and by someone who may not have
 * run the bench, so numbers carry separators and plurals, totals come before examples, and flags are set as code.
 * Every piece of text from the data is escaped here. A sentence from an older results file is escaped as it is.
 */
export function noticeHtml(notice: Notice | Legacy): string {
  if (typeof notice === 'string') return esc(notice);
  switch (notice.code) {
    case 'not-measured':
      return `the run could not be measured: ${esc(notice.reason)}`;
    case 'never-connected':
      return (
        `only ${fmtInt(notice.connected)} of ${count(notice.clients, 'client')} connected within ${fmtSetting(notice.timeoutMs / 1000)} s, ` +
        'so no message was published'
      );
    case 'nothing-published':
      return (
        `the schedule published no message (${fmtSetting(notice.ratePerSec)} msg/s for ${fmtSetting(notice.durationSec)} s, seed ${notice.seed}), ` +
        'so nothing was measured: raise <code>--rate</code> or <code>--duration</code>'
      );
    case 'messages-missed':
      return (
        `${count(notice.clients, 'client')} missed ${count(notice.missed, 'message')} in ` +
        `all${examples(notice.clients, notice.examples.map(missedExample))}`
      );
    case 'messages-duplicated':
      return (
        `${count(notice.clients, 'client')} received ${count(notice.duplicated, 'duplicate')} in all` +
        examples(
          notice.clients,
          notice.examples.map((e) => `client ${e.client} got ${fmtInt(e.count)}`),
        )
      );
    case 'messages-out-of-order':
      return (
        `${count(notice.clients, 'client')} received ${count(notice.outOfOrder, 'message')} out of order in all` +
        examples(
          notice.clients,
          notice.examples.map((e) => `client ${e.client} got ${fmtInt(e.count)}`),
        )
      );
    case 'gaps-signalled': {
      const shown = notice.examples.map((e) => `client ${e.client} was told of ${fmtInt(e.count)}`);
      return (
        `${count(notice.clients, 'client')} ${notice.clients === 1 ? 'was' : 'were'} told of ${count(notice.gaps, 'gap')} in the log ` +
        `(a cursor older than the oldest message the log keeps)${examples(notice.clients, shown)}`
      );
    }
    case 'not-drained':
      return (
        `${count(notice.clients, 'client')} still lacked the last message (seq ${notice.lastSeq}) ` +
        `${fmtInt(notice.timeoutMs)} ms after the schedule ended`
      );
    case 'bytes-disagree':
      return bytesDiffer(notice);
    case 'tls-application-disagree':
      return (
        'the TLS application bytes the clients read out of the records and the plaintext the server’s TLS sockets counted differ: ' +
        `client→server ${fmtInt(notice.clientSide.clientToServer)} vs ${fmtInt(notice.serverSide.clientToServer)} B, ` +
        `server→client ${fmtInt(notice.clientSide.serverToClient)} vs ${fmtInt(notice.serverSide.serverToClient)} B`
      );
    case 'bytes-cut-by-churn':
      return `${bytesDiffer(notice)}, as churn cut ${count(notice.churned, 'connection')} with bytes in flight`;
    case 'fallback-mismatch':
      return `${count(notice.blocked, 'client')} were to be refused at the upgrade, but ${fmtInt(notice.fellBack)} fell back to long polling`;
    case 'late-publishes':
      return (
        `${fmtInt(notice.late)} of ${count(notice.of, 'publish', 'publishes')} went out more than ${fmtInt(notice.lateMs)} ms late ` +
        `(worst ${fmtInt(notice.worstMs)} ms): ` +
        (notice.publisher === undefined
          ? 'the server process could not keep the schedule'
          : 'the publisher process could not send them on time (their latency still counts from the schedule)')
      );
    case 'server-replaced': {
      const whose = notice.serverProcesses > 1 ? 'of the surviving processes and the new one' : 'of the new process only';
      return (
        `a server process was killed ${fmtSetting(notice.atSec)} s into the schedule and replaced: the server-side bytes, CPU and ` +
        `memory are those ${whose}`
      );
    }
    case 'load-generator-bound':
      return `${bottleneckHtml(notice.reason)} — read these figures as the machine’s limit, not the server’s`;
    case 'publishes-failed': {
      const causes = Object.entries(notice.byCause).map(([cause, n]) => `${esc(cause)} × ${fmtInt(n)}`);
      return (
        `${fmtInt(notice.failed)} of ${count(notice.of, 'publish', 'publishes')} ${notice.failed === 1 ? 'was' : 'were'} given up ` +
        `(failed attempts: ${causes.join(', ')}): those messages were never published; the others count as usual`
      );
    }
    case 'probe-not-measured':
      return `the probe could not be measured: ${esc(notice.reason)}`;
    case 'floor-not-measured':
      return `the floor could not be measured: ${esc(notice.reason)}`;
    default:
      return unknownCode(notice);
  }
}

/**
 * Why the bottleneck verdict is what it is. Escaped text without tags: it is also shown as a title attribute.
 */
export function bottleneckHtml(reason: BottleneckReason | Legacy): string {
  if (typeof reason === 'string') return esc(reason);
  switch (reason.code) {
    case 'generator-saturated': {
      const list = reason.processes.map((p) => `${loadProcessName(p.process)} at ${percent(p.cpuShare)} of a core`).join(', ');
      return `the load generator was saturated (${list}): its latencies and rates include its own queueing`;
    }
    case 'machine-busy':
      return (
        `the machine’s ${reason.cores} cores were ${percent(reason.machineShare)} busy, and the load generator used more of them than ` +
        `the server did`
      );
    case 'server-loop-late':
      return (
        `the server’s event loop ran ${millis(reason.eventLoopDelayP99Us)} late (p99) while publishing, at ${percent(reason.cpuShare)} of a core: ` +
        'its own work per message set the pace'
      );
    case 'server-saturated':
      return `the server process used ${percent(reason.cpuShare)} of a core, all one event loop can give`;
    case 'generator-loop-late': {
      const list = reason.processes.map((p) => `${loadProcessName(p.process)} ${millis(p.eventLoopDelayP99Us)}`).join(', ');
      return `the load generator ran its timers late (event-loop delay p99: ${list}), which adds to the latencies it measured`;
    }
    case 'neither':
      return `neither was saturated (the server at ${percent(reason.serverCpuShare)} of a core, the machine ${percent(reason.machineShare)} busy)`;
    default:
      return unknownCode(reason);
  }
}

/**
 * The banner of a bench stopped before its plan was done: its figures are those of the steps that finished, which
 * is no failure of theirs. `label` names the results in a comparison ("A"); null for a single report.
 */
export function interruptionBanner(results: Results, label: string | null): string {
  const interrupted = results.interrupted;
  if (!interrupted) return '';
  const who = label === null ? 'Interrupted' : `Run ${esc(label)} was interrupted`;
  const by = interrupted.signal ? ` (${esc(interrupted.signal)})` : '';
  const planned = [...results.runs.map((run) => run.scenario), ...interrupted.notRun.flatMap((step) => (step.kind === 'run' ? [step.scenario] : []))];
  const notRun = interrupted.notRun.map((step) => {
    if (step.kind === 'probe') return `<li>capacity probe ${esc(capacityProbeName(step))}</li>`;
    const detail = describeStep(step.scenario, planned, step.strategy);
    return `<li>${esc(step.strategy.title)}${detail ? ` <span class="muted">(${esc(detail)})</span>` : ''}</li>`;
  });
  const headline = `${who}${by} after ${progress(interrupted)}: these figures are the ${steps(interrupted)} that finished.`;
  const explanation = 'The bench was stopped before its plan was done: a step cut short is left out, so every figure below is of a complete step.';
  return `<div class="banner interrupted" role="status"><strong>${headline}</strong>
<p>${explanation} Not run:</p><ul>${notRun.join('')}</ul></div>`;
}

/** "3 of 8 runs", "8 of 8 runs and 1 of 6 capacity probes". */
function progress(i: Interruption): string {
  const runs = `${fmtInt(i.runsFinished)} of ${count(i.runsPlanned, 'run')}`;
  const probes = `${fmtInt(i.probesFinished)} of ${count(i.probesPlanned, 'capacity probe')}`;
  if (i.probesPlanned === 0) return runs;
  if (i.runsPlanned === 0) return probes;
  return `${runs} and ${probes}`;
}

function steps(i: Interruption): string {
  if (i.probesPlanned === 0) return 'runs';
  if (i.runsPlanned === 0) return 'probes';
  return 'runs and probes';
}

/** ": client 2 got 1, client 5 got 3, and 4 more clients" after a total. */
function examples(clients: number, shown: readonly string[]): string {
  if (shown.length === 0) return '';
  const more = clients - shown.length;
  return `: ${shown.join(', ')}${more > 0 ? `, and ${count(more, 'more client', 'more clients')}` : ''}`;
}

function missedExample(e: MissedExample): string {
  return `client ${e.client} missed ${fmtInt(e.missed)} (seq ${e.firstSeqs.join(', ')}${e.missed > e.firstSeqs.length ? ', …' : ''})`;
}

function bytesDiffer(n: {
  clientSide: { clientToServer: number; serverToClient: number };
  serverSide: { clientToServer: number; serverToClient: number };
}): string {
  return (
    'the bytes counted at the clients’ sockets and at the server’s differ: ' +
    `client→server ${fmtInt(n.clientSide.clientToServer)} vs ${fmtInt(n.serverSide.clientToServer)} B, ` +
    `server→client ${fmtInt(n.clientSide.serverToClient)} vs ${fmtInt(n.serverSide.serverToClient)} B`
  );
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function millis(us: number): string {
  return `${fmtInt(Math.round(us / 1000))} ms`;
}

/** A code this version does not know (a newer results file): its name and data, escaped, rather than nothing. */
function unknownCode(notice: never): string {
  const { code, ...data } = notice as { code: unknown };
  return esc(`${String(code)} ${JSON.stringify(data)}`);
}
