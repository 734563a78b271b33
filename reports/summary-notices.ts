import { loadProcessName } from '../results/problems.js';
import { capacityProbeName } from '../results/capacity.js';
import { describeStep } from '../results/scenario.js';
import type { BottleneckReason, Interruption, Legacy, MissedExample, Notice, Scenario } from '../results/results.js';

/**
 * The terminal's words for what went wrong: one plain-text sentence per code, short enough for a line of the
 * summary (and of the progress output, which gets this renderer from bench/cli.ts). Raw numbers, as a user would
 * grep them from a log. A sentence from an older results file is printed as it is.
 */
export function noticeText(notice: Notice | Legacy): string {
  if (typeof notice === 'string') return notice;
  switch (notice.code) {
    case 'not-measured':
      return `the run could not be measured: ${notice.reason}`;
    case 'never-connected':
      return `only ${notice.connected} of ${notice.clients} clients connected within ${notice.timeoutMs / 1000} s, so no message was published`;
    case 'nothing-published':
      return (
        `the schedule published no message (${notice.ratePerSec} msg/s for ${notice.durationSec} s, seed ${notice.seed}), ` +
        'so nothing was measured: raise --rate or --duration'
      );
    case 'messages-missed':
      return examples(notice.clients, notice.examples, missedExample);
    case 'messages-duplicated':
      return examples(notice.clients, notice.examples, (e) => `client ${e.client} got ${e.count} duplicate(s)`);
    case 'messages-out-of-order':
      return examples(notice.clients, notice.examples, (e) => `client ${e.client} got ${e.count} message(s) out of order`);
    case 'gaps-signalled':
      return examples(notice.clients, notice.examples, (e) => `client ${e.client} was told of ${e.count} gap(s) in the log`);
    case 'not-drained':
      return `${notice.clients} client(s) still lacked the last message (seq ${notice.lastSeq}) ${notice.timeoutMs} ms after the schedule ended`;
    case 'bytes-disagree':
      return bytesDiffer(notice);
    case 'tls-application-disagree':
      return (
        'TLS application bytes read from the records at the clients and counted in plaintext at the server differ: ' +
        `client→server ${notice.clientSide.clientToServer} vs ${notice.serverSide.clientToServer}, ` +
        `server→client ${notice.clientSide.serverToClient} vs ${notice.serverSide.serverToClient}`
      );
    case 'bytes-cut-by-churn':
      return `${bytesDiffer(notice)}, as ${notice.churned} connection(s) were cut with bytes in flight (churn)`;
    case 'fallback-mismatch':
      return `${notice.blocked} client(s) were to be refused at the upgrade, but ${notice.fellBack} fell back to long polling`;
    case 'late-publishes':
      return (
        `${notice.late} of ${notice.of} publishes went out more than ${notice.lateMs} ms late (worst ${notice.worstMs} ms): ` +
        (notice.publisher === undefined
          ? 'the server process could not keep the schedule'
          : 'the publisher process could not send them on time (latency still counts from the schedule)')
      );
    case 'server-replaced': {
      const whose = notice.serverProcesses > 1 ? 'of the surviving processes and the new one' : 'of the new process only';
      return `the server process was killed ${notice.atSec} s into the schedule and replaced: server-side bytes, CPU and memory are those ${whose}`;
    }
    case 'load-generator-bound':
      return `${bottleneckText(notice.reason)}; read these figures as the machine's limit, not the server's`;
    case 'publishes-failed':
      return (
        `${notice.failed} of ${notice.of} publishes were given up (failed attempts: ${causesText(notice.byCause)}): ` +
        'those messages were never published; the others count as usual'
      );
    case 'probe-not-measured':
      return `the probe could not be measured: ${notice.reason}`;
    case 'floor-not-measured':
      return `the floor could not be measured: ${notice.reason}`;
    default:
      return unknownCode(notice);
  }
}

/** Failed attempts by cause, "503 ×4, timeout ×1", in the order the causes were first seen. */
export function causesText(byCause: Readonly<Record<string, number>>): string {
  return Object.entries(byCause)
    .map(([cause, count]) => `${cause} ×${count}`)
    .join(', ');
}

/** Why the bottleneck verdict is what it is, in the terminal's words. */
export function bottleneckText(reason: BottleneckReason | Legacy): string {
  if (typeof reason === 'string') return reason;
  switch (reason.code) {
    case 'generator-saturated': {
      const list = reason.processes.map((p) => `${loadProcessName(p.process)} ${percent(p.cpuShare)} of a core`).join(', ');
      return `the load generator was saturated (${list}): its latencies and rates include its own queueing`;
    }
    case 'machine-busy':
      return (
        `the machine's ${reason.cores} cores were ${percent(reason.machineShare)} busy and the load generator used more of them than ` +
        `the server did`
      );
    case 'server-loop-late':
      return (
        `the server's event loop ran ${millis(reason.eventLoopDelayP99Us)} late (p99) while publishing, using ${percent(reason.cpuShare)} ` +
        `of a core: ` +
        'its own work per message set the pace'
      );
    case 'server-saturated':
      return `the server process used ${percent(reason.cpuShare)} of a core, all one event loop can give`;
    case 'generator-loop-late': {
      const list = reason.processes.map((p) => `${loadProcessName(p.process)} ${millis(p.eventLoopDelayP99Us)}`).join(', ');
      return `the load generator ran its timers late (event-loop delay p99: ${list}), which adds to the latencies it measured`;
    }
    case 'neither':
      return `neither was saturated (server ${percent(reason.serverCpuShare)} of a core, machine ${percent(reason.machineShare)} busy)`;
    default:
      return unknownCode(reason);
  }
}

/**
 * The summary's lines for a bench stopped before its plan was done: what finished, and every step that did not
 * run (a run by its strategy and what sets its scenario apart, a probe by its endpoint).
 */
export function interruptionLines(interrupted: Interruption, finished: readonly Scenario[]): string[] {
  const by = interrupted.signal ? ` by ${interrupted.signal}` : '';
  const planned = [...finished, ...interrupted.notRun.flatMap((step) => (step.kind === 'run' ? [step.scenario] : []))];
  const notRun = interrupted.notRun.map((step) => {
    if (step.kind === 'probe') return `capacity ${capacityProbeName(step)}`;
    const detail = describeStep(step.scenario, planned, step.strategy);
    return `${step.strategy.name}${detail ? ` (${detail})` : ''}`;
  });
  return [
    `INTERRUPTED${by} after ${progress(interrupted)}: these figures are the ${steps(interrupted)} that finished`,
    `  not run: ${notRun.join(', ')}`,
  ];
}

/** "3 of 8 runs", "8 of 8 runs and 1 of 6 capacity probes". */
function progress(i: Interruption): string {
  const runs = `${i.runsFinished} of ${i.runsPlanned} run${i.runsPlanned === 1 ? '' : 's'}`;
  const probes = `${i.probesFinished} of ${i.probesPlanned} capacity probe${i.probesPlanned === 1 ? '' : 's'}`;
  if (i.probesPlanned === 0) return runs;
  if (i.runsPlanned === 0) return probes;
  return `${runs} and ${probes}`;
}

function steps(i: Interruption): string {
  if (i.probesPlanned === 0) return 'runs';
  if (i.runsPlanned === 0) return 'probes';
  return 'runs and probes';
}

/** The first few clients, then how many more had the same fault. */
function examples<Example>(clients: number, shown: readonly Example[], word: (example: Example) => string): string {
  const more = clients - shown.length;
  return shown.map(word).join('; ') + (more > 0 ? ` and ${more} more client(s)` : '');
}

function missedExample(e: MissedExample): string {
  return `client ${e.client} missed ${e.missed} message(s) (seq ${e.firstSeqs.join(', ')}${e.missed > e.firstSeqs.length ? ', …' : ''})`;
}

function bytesDiffer(n: {
  clientSide: { clientToServer: number; serverToClient: number };
  serverSide: { clientToServer: number; serverToClient: number };
}): string {
  return (
    'bytes counted at the client and the server sockets differ: ' +
    `client→server ${n.clientSide.clientToServer} vs ${n.serverSide.clientToServer}, ` +
    `server→client ${n.clientSide.serverToClient} vs ${n.serverSide.serverToClient}`
  );
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function millis(us: number): string {
  return `${Math.round(us / 1000)} ms`;
}

/** A code this version does not know (a newer results file): its name and data, rather than nothing. */
function unknownCode(notice: never): string {
  const { code, ...data } = notice as { code: unknown };
  return `${String(code)} ${JSON.stringify(data)}`;
}
